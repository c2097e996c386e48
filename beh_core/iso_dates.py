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
