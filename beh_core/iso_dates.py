"""Dates as the forms ask for them: ÅÅÅÅ-MM-DD, and nothing else.

``date.fromisoformat`` also reads ISO week dates (2026-W49-1), the compact form (20261129) and digits
of other scripts; a field that says ÅÅÅÅ-MM-DD then saves a date the user never wrote. Every date a
user types goes through :func:`parse_date`.
"""
from __future__ import annotations

import re
from datetime import date

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str | None) -> date | None:
    """The date written ÅÅÅÅ-MM-DD (spaces around it allowed), or None: another form, or a day that does not exist."""
    value = (text or "").strip()
    if not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def latest_start(today: date) -> date:
    """The last start date an order may have: the same day a year after ``today`` (28 February for 29
    February). An order waits for its attest and fulfilment, not for years."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)
