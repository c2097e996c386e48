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
from urllib.parse import unquote_plus

from .identifiers import SEPARATOR_CHARS, luhn_check_digit

# Whatever may stand between two digits of a typed number: the separators people type (identifiers), as typed
# or URL-encoded as in an access log line (19800101%2D1234, 19800101+-+1234, 19800101%20%E2%80%93%201234), any
# number of them. The portal's searches read such a number as one, so the log reads it as one too. A message
# holding other encodings (a non-breaking space %C2%A0, fullwidth digits) is masked decoded (``mask_record``).
_ONE_SEP = (f"(?:[{SEPARATOR_CHARS}]|%2[bBdD0eEfF]|%5[fF]|%0[9aAdD]|%[eE]2%80%9[0-5]|%[eE]2%88%92)")
_GAP = _ONE_SEP + "*"  # separators and digits never overlap: no backtracking however long the text
# A number may start right after a URL-encoded separator (%20 ends in a digit).
_START = r"(?:(?<!\d)|(?<=%[0-9A-Fa-f]{2}))"
# 12 digits (ÅÅÅÅMMDDNNNN, day + 60 for a samordningsnummer) and 10 digits (ÅÅMMDDNNNN); \d takes any script's
# digits (a fullwidth number is one too). Whether the digits are a personnummer is decided by ``_personnummer``.
PNR_RE = re.compile(_START + r"\d(?:" + _GAP + r"\d){11}(?!\d)")
SHORT_PNR_RE = re.compile(_START + r"\d(?:" + _GAP + r"\d){9}(?!\d)")
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
HANDLER_LOGGERS = ("", "werkzeug", "gunicorn", "gunicorn.access", "gunicorn.error", "sqlalchemy", "beh_core",
                   "flask.app", "alembic")


def mask_text(text: str, *, strict: bool = False) -> str:
    """Replace every personnummer-shaped number by its birth date and ****.

    ``strict`` (text that is kept: a comment, a komplettering, a fritext): a 12-digit number is masked only when
    its check digit holds too, so "Ärende 20240612-0042" keeps its reference; logs mask every date-shaped one.
    """
    for pattern in (PNR_RE, SHORT_PNR_RE):
        text = _sub(pattern, text, strict)
    return text


def mask_free_text(text: str) -> str:
    """``mask_text`` for text that is stored, audited and mailed: only numbers that are personnummer."""
    return mask_text(text, strict=True)


def _sub(pattern: re.Pattern, text: str, strict: bool) -> str:
    """``pattern.sub`` that looks again one character on from a candidate that is no personnummer: the digits
    of a telephone number just before a personnummer ("070 123 45 67 19870612-0014") must not hide it."""
    parts, done, position = [], 0, 0
    while (match := pattern.search(text, position)) is not None:
        masked = _personnummer(match, strict)
        if masked is None:
            position = match.start() + 1
            continue
        parts += [text[done:match.start()], masked]
        done = position = match.end()
    return "".join(parts) + text[done:] if parts else text


def _personnummer(match: re.Match, strict: bool) -> str | None:
    """The number's birth date and ****, when its digits are a personnummer's; else None.

    12 digits: a date of 19xx or 20xx (the day may be + 60), and with ``strict`` a check digit that holds.
    10 digits (ÅÅMMDDNNNN): a date and a check digit that holds, since a mobile number such as 0701234567 is
    date-shaped too and a comment must keep it.
    """
    digits = "".join(str(int(ch)) for ch in _ENCODED.sub(" ", match.group(0)) if ch.isdecimal())
    if len(digits) == 12:
        if digits[:2] in ("19", "20") and _date_shaped(digits[4:8]) and (
                not strict or luhn_check_digit(digits[2:11]) == int(digits[11])):
            return f"{digits[:8]}-****"
    elif len(digits) == 10 and _date_shaped(digits[2:6]) and luhn_check_digit(digits[:9]) == int(digits[9]):
        return f"{digits[:6]}-****"
    return None


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
    if "%" in masked:  # an address: masked decoded too (%C2%A0 between the digits, fullwidth digits)
        decoded = unquote_plus(masked)
        if mask_text(decoded) != decoded:
            masked = mask_text(decoded)
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
