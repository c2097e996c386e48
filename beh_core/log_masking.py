"""Defence in depth: personnummer never reach the logs, whatever code logs them by mistake."""
from __future__ import annotations

import logging
import re

PNR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2}[01]\d[0-9]\d)[-+]?\d{4}(?!\d)")


def mask_text(text: str) -> str:
    """Replace every personnummer-shaped number by its birth date and ****."""
    return PNR_RE.sub(lambda m: f"{m.group(1)}-****", text)


class PersonnummerFilter(logging.Filter):
    """A logging filter that masks personnummer in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record's message; never drops a record."""
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of the root logger (and the given logger)."""
    targets = [logging.getLogger()] + ([logger] if logger else [])
    for target in targets:
        for handler in target.handlers:
            if not any(isinstance(f, PersonnummerFilter) for f in handler.filters):
                handler.addFilter(PersonnummerFilter())
        if not any(isinstance(f, PersonnummerFilter) for f in target.filters):
            target.addFilter(PersonnummerFilter())
