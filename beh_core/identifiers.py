"""Personnummer, samordningsnummer and HSA-ID: validation and masking.

A personnummer has 12 digits ÅÅÅÅMMDDNNNN; the last digit is a Luhn check
over the last 10. A samordningsnummer is the same with day + 60.
"""
from __future__ import annotations

import re
from datetime import date

from .messages import N_

HSA_ID_RE = re.compile(r"^[Ss][Ee]\d{10}-[A-Za-z0-9]{1,18}$", re.ASCII)
VGR_ID_RE = re.compile(r"^[a-z]{2,8}\d{0,3}$", re.ASCII)
# What may stand between the digits of a personnummer as people type it: 1987-06-12-0014, 870612 0014, an en dash
# or a non-breaking space from Word, an underscore, a dot, a slash. The searches read such a number as one
# (services.person_match) and the log masking masks it so (log_masking): one definition for both.
SEPARATOR_CHARS = ("-+_./\\s\u2010-\u2015\u2212"  # hyphen-minus, plus, underscore, dot, slash, spaces, dashes, minus
                   "\u058a\u05be\u1806\u2e3a\u2e3b\u301c\u30a0\ufe58\ufe62\ufe63\uff0b\uff0d"  # other dashes, pluses
                   "\u00ad\u200b-\u200d\u2060\ufeff")  # invisible ones a copy and paste brings along
_SEPARATORS = re.compile(f"[{SEPARATOR_CHARS}]")


class InvalidIdentifier(ValueError):
    """The text is not a valid identifier; ``message`` is the Swedish text for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def luhn_check_digit(nine_digits: str) -> int:
    """The Luhn check digit for the nine digits ÅÅMMDDNNN."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def normalise_personnummer(text: str) -> str:
    """Return the 12-digit form of a personnummer or samordningsnummer, or raise InvalidIdentifier.

    Accepts ÅÅÅÅMMDDNNNN and ÅÅÅÅMMDD-NNNN. The date must exist (day − 60 for a
    samordningsnummer) and the check digit must match.
    """
    digits = _SEPARATORS.sub("", text or "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 12:
        raise InvalidIdentifier(N_("Personnumret ska anges med 12 siffror enligt formatet ÅÅÅÅMMDDNNNN."))
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    if day > 60:
        day -= 60
    try:
        date(year, month, day)
    except ValueError:
        raise InvalidIdentifier(N_("Personnumret innehåller ett datum som inte finns.")) from None
    if luhn_check_digit(digits[2:11]) != int(digits[11]):
        raise InvalidIdentifier(N_("Personnumrets kontrollsiffra stämmer inte. Kontrollera numret."))
    return digits


def is_samordningsnummer(personnummer: str) -> bool:
    """True for a samordningsnummer (day + 60)."""
    return int(personnummer[6:8]) > 60


def make_personnummer(born: date, serial: int, samordning: bool = False) -> str:
    """Build a valid 12-digit personnummer from a birth date and a 3-digit serial (demo data, tests)."""
    day = born.day + (60 if samordning else 0)
    nine = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial % 1000:03d}"
    return f"{born.year:04d}{born.month:02d}{day:02d}{serial % 1000:03d}{luhn_check_digit(nine)}"


def normalise_hsa_id(text: str) -> str:
    """Return an HSA-ID in canonical form (upper-case SE prefix) or raise InvalidIdentifier."""
    value = (text or "").strip()
    if len(value) > 31 or not HSA_ID_RE.match(value):
        raise InvalidIdentifier(
            N_("HSA-id ska ha formatet SE, tio siffror, bindestreck och sedan bokstäver eller siffror, "
            "till exempel SE2321000131-P000000123456.")
        )
    return value[:2].upper() + value[2:]


def mask_personnummer(personnummer: str | None) -> str:
    """Show only the birth date: ``19800101-****``. Used everywhere a personnummer is displayed."""
    if not personnummer:
        return ""
    return f"{personnummer[:8]}-****"
