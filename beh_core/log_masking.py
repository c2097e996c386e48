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

# Whatever may stand between the date and the last four digits, as typed or as it stands in an address (an
# access log line): hyphens and dashes, underscores, dots, slashes, spaces, plus, and their URL encodings
# (19800101%2D1234, 19800101+-+1234, 19800101%20%E2%80%93%201234). The portal reads some of these forms as a
# personnummer, and the rest are one still.
_SEP = r"(?:[-+_./\s\u2010-\u2015\u2212]|%2[bBdD0eEfF]|%5[fF]|%[eE]2%80%9[0-5]|%[eE]2%88%92){0,6}"
# Between the parts of the date: the same, fewer (1987-06-12-0014 and 1987 06 12 0014 are read as one number by
# the portal's searches, so they are one in a log too).
_DATE_SEP = _SEP.replace("{0,6}", "{0,3}")
# ÅÅÅÅMMDDNNNN (12 digits, day + 60 for a samordningsnummer) and ÅÅMMDD-NNNN (10 digits, date-shaped).
PNR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})" + _DATE_SEP + r"([01]\d)" + _DATE_SEP + r"([0-9]\d)"
                    + _SEP + r"\d{4}(?!\d)")
SHORT_PNR_RE = re.compile(r"(?<!\d)(\d{2})" + _DATE_SEP + r"(0[1-9]|1[0-2])" + _DATE_SEP
                          + r"(0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])" + _SEP + r"\d{4}(?!\d)")
HANDLER_LOGGERS = ("", "werkzeug", "gunicorn", "gunicorn.access", "gunicorn.error", "sqlalchemy", "beh_core",
                   "flask.app", "alembic")


def mask_text(text: str) -> str:
    """Replace every personnummer-shaped number by its birth date and ****."""
    text = PNR_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}-****", text)
    return SHORT_PNR_RE.sub(_short, text)


def _short(match: re.Match) -> str:
    """A 10-digit ÅÅMMDD-NNNN is masked when its check digit holds: a mobile number such as 0701234567 is
    date-shaped too, and a comment that gives one must keep it (the 12-digit form is masked whenever its date
    is date-shaped: nothing else is written so)."""
    digits = match.group(1) + match.group(2) + match.group(3) + match.group(0)[-4:]  # the pattern ends in 4 digits
    if _luhn(digits[:9]) != int(digits[9]):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{match.group(3)}-****"


def _luhn(nine_digits: str) -> int:
    total = 0
    for position, char in enumerate(nine_digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


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
