"""Defence in depth: personnummer never reach the logs, whatever code logs them by mistake.

``install`` masks every log record of the process when it is created (a
record factory), so also the records of loggers and handlers that appear
later (werkzeug's and gunicorn's access logs, libraries), and puts the
``PersonnummerFilter`` on every handler that exists. Masked are the message
(after %-formatting, so the query string of an access-log line too), the
formatted traceback of an exception (database errors quote the failing
values) and a stack trace. The database engine hides statement parameters
(``hide_parameters`` in db.py), so they never get this far.
"""
from __future__ import annotations

import logging
import re

from .identifiers import luhn_check_digit

# Whatever may stand between two digits of a typed number, as typed or as it stands in an address (an access
# log line): hyphens and dashes, underscores, dots, slashes, spaces and tabs, plus, and their URL encodings
# (19800101%2D1234, 19800101+-+1234, 19800101%20%E2%80%93%201234). The portal's searches read a number with
# such separators anywhere as one (1987-06-12-0014, 870612 00 14), so the log reads them as one too.
_ONE_SEP = r"(?:[-+_./\s\u2010-\u2015\u2212]|%2[bBdD0eEfF]|%5[fF]|%0[9aAdD]|%[eE]2%80%9[0-5]|%[eE]2%88%92)"
_GAP = _ONE_SEP + "{0,6}"
# A number may start right after a URL-encoded separator (%20 ends in a digit).
_START = r"(?:(?<!\d)|(?<=%[0-9A-Fa-f]{2}))"
# 12 digits (ÅÅÅÅMMDDNNNN, day + 60 for a samordningsnummer) and 10 digits (ÅÅMMDDNNNN); \d takes any script's
# digits (a fullwidth number is one too). Whether the digits are a personnummer is decided by ``_masked``.
PNR_RE = re.compile(_START + r"\d(?:" + _GAP + r"\d){11}(?!\d)")
SHORT_PNR_RE = re.compile(_START + r"\d(?:" + _GAP + r"\d){9}(?!\d)")
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
HANDLER_LOGGERS = ("", "werkzeug", "gunicorn", "gunicorn.access", "gunicorn.error", "sqlalchemy", "beh_core",
                   "flask.app", "alembic")


def mask_text(text: str) -> str:
    """Replace every personnummer-shaped number by its birth date and ****."""
    text = PNR_RE.sub(_masked, text)
    return SHORT_PNR_RE.sub(_masked, text)


def _masked(match: re.Match) -> str:
    """The number's birth date and ****, when its digits are a personnummer's; else the text unchanged.

    12 digits: a date of 19xx or 20xx (the day may be + 60). 10 digits (ÅÅMMDDNNNN): a date and a check digit
    that holds, since a mobile number such as 0701234567 is date-shaped too and a comment must keep it.
    """
    digits = "".join(str(int(ch)) for ch in _ENCODED.sub(" ", match.group(0)) if ch.isdecimal())
    if len(digits) == 12:
        if digits[:2] in ("19", "20") and _date_shaped(digits[4:8]):
            return f"{digits[:8]}-****"
    elif len(digits) == 10 and _date_shaped(digits[2:6]) and luhn_check_digit(digits[:9]) == int(digits[9]):
        return f"{digits[:6]}-****"
    return match.group(0)


def _date_shaped(month_day: str) -> bool:
    month, day = int(month_day[:2]), int(month_day[2:])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the record's message, traceback and stack in place; never fails."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken %-format is logging's to report, not ours
        return record
    masked = mask_text(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    return record


class PersonnummerFilter(logging.Filter):
    """A logging filter that masks personnummer in the formatted message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record; never drops a record."""
        mask_record(record)
        return True


def _install_factory() -> None:
    current = logging.getLogRecordFactory()
    if getattr(current, "beh_masking", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        return mask_record(current(*args, **kwargs))

    factory.beh_masking = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _filter(target) -> None:
    if not any(isinstance(f, PersonnummerFilter) for f in target.filters):
        target.addFilter(PersonnummerFilter())


def install(logger: logging.Logger | None = None) -> None:
    """Mask every record of the process; filter on every handler of the root, werkzeug, gunicorn,
    SQLAlchemy and BEH loggers (and the given logger)."""
    _install_factory()
    targets = [logging.getLogger(name) for name in HANDLER_LOGGERS] + ([logger] if logger else [])
    for target in targets:
        for handler in target.handlers:
            _filter(handler)
        _filter(target)
