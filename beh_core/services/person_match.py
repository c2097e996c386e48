"""Who a list's person field means: "Slutanvändare" and "Beställare" in Sökalternativ.

One field takes a VGR-ID, an HSA-ID, a personnummer or a name. Identifiers find one person
through their unique indexes. A name finds persons whose names have words starting with every
word typed ("anna lind" finds Anna-Karin Lindqvist and Lind Annasdotter): a prefix of the stored
first or last name is not enough for double names, so the words go through a full-text index
(PostgreSQL: a GIN index on ``to_tsvector('simple', …)``; SQLite: the FTS5 table ``persons_names``,
kept in step with ``persons`` by triggers). At most ``PERSON_LIMIT`` persons: a name that matches
more is refused at the field ("skriv mer av namnet"), so a list filtered by a person reads at most
their orders, never a whole range of millions.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from sqlalchemy import Integer, String, bindparam, func, literal_column, select, text
from sqlalchemy.orm import Session

from ..identifiers import SEPARATOR_CHARS, InvalidIdentifier, normalise_hsa_id, normalise_personnummer
from ..log_masking import mask_text
from ..messages import N_
from ..models import Person
from .errors import ValidationFailed

PERSON_LIMIT = 500
_WORD = re.compile(r"\w+", re.UNICODE)
_SEPARATORS = re.compile(f"[{SEPARATOR_CHARS}]")  # as typed: 1987-06-12-0014, 870612 0014 (identifiers)
BIRTH_DATE_DIGITS = 8  # ÅÅÅÅMMDD: what every page shows of a personnummer
_HSA = re.compile(r"^se\d", re.IGNORECASE | re.ASCII)
TOO_MANY = N_("Fler än 500 personer har det namnet. Skriv mer av namnet, till exempel förnamn och efternamn, "
              "eller ange VGR-ID.")


def name_words(text_: str) -> list[str]:
    """The lower-case words of a typed name (punctuation and wildcards dropped)."""
    return [w for w in _WORD.findall((text_ or "").lower()) if w.strip("_")][:6]


@functools.cache
def _name_statement(postgres: bool):
    """The name search (parameters ``words``, the full-text query, and ``limit``), built once per process:
    building and compiling it per request cost more than PostgreSQL's work. The LIMIT is written into
    the SQL, so PostgreSQL keeps one plan for every run instead of planning each one anew."""
    if postgres:
        # The separator is written into the SQL, so the expression is the index's own in every plan.
        vector = func.to_tsvector(text("'simple'"), Person.first_name_lc.op("||")(literal_column("' '"))
                                  .op("||")(Person.last_name_lc))
        where = vector.op("@@")(func.to_tsquery(text("'simple'"), bindparam("words", type_=String)))
    else:
        where = Person.id.in_(select(text("rowid")).select_from(text("persons_names"))
                              .where(text("persons_names MATCH :words")))
    return select(Person.id).where(where).order_by(Person.id).limit(
        bindparam("limit", type_=Integer, literal_execute=True))


def _name_ids(session: Session, words: list[str], limit: int) -> list[int]:
    postgres = session.get_bind().dialect.name == "postgresql"
    query = " & ".join(f"{w}:*" for w in words) if postgres else " AND ".join(f'"{w}"*' for w in words)
    return list(session.scalars(_name_statement(postgres), {"words": query, "limit": limit + 1}))


def persons_matching(session: Session, typed: str, field: str, *, limit: int = PERSON_LIMIT) -> list[int]:
    """Ids of the persons the typed text means (an empty list: nobody). ValidationFailed({field: …}) when
    the text is a malformed identifier or a name matching more than ``limit`` persons."""
    value = (typed or "").strip()
    compact = value.replace(" ", "")
    try:
        digits = _digits(value)
        if digits is not None and len(digits) > BIRTH_DATE_DIGITS:
            return list(session.scalars(select(Person.id).where(
                Person.personnummer.in_(personnummer_readings(digits)))))
        if _HSA.match(compact) and "-" in compact:
            hsa = normalise_hsa_id(compact)
            return list(session.scalars(select(Person.id).where(Person.hsa_id.in_({hsa, hsa.upper()}))))
    except InvalidIdentifier as error:
        raise ValidationFailed({field: error.message}) from None
    words = name_words(value)
    if not words:
        raise ValidationFailed({field: N_("Ange VGR-ID, HSA-id, personnummer eller namn.")})
    if len(words) == 1 and " " not in value:  # a VGR-ID is one word: try it exactly first (unique index)
        exact = session.scalar(select(Person.id).where(Person.vgr_id == words[0]))
        if exact is not None:
            return [exact]
    ids = _name_ids(session, words, limit)
    if len(ids) > limit:
        raise ValidationFailed({field: TOO_MANY})
    return ids


def _digits(typed: str) -> str | None:
    """The typed text without separators when it is only digits (a number typed any way), else None."""
    # NFKC: fullwidth digits and dashes (a Japanese or Chinese keyboard, an IME) are the ASCII ones
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed or ""))
    return compact if compact and compact.isascii() and compact.isdigit() else None


def personnummer_readings(digits: str) -> list[str]:
    """The 12-digit personnummer a typed number may be: itself (12 digits), or a 10-digit ÅÅMMDDNNNN in
    either century; InvalidIdentifier when none of them is a valid personnummer."""
    if len(digits) == 10:
        valid = []
        for century in ("19", "20"):
            try:
                valid.append(normalise_personnummer(century + digits))
            except InvalidIdentifier:
                continue
        if valid:
            return valid
        normalise_personnummer("19" + digits)  # raises the reason: a date that does not exist, the check digit
    return [normalise_personnummer(digits)]


def contains_personnummer(typed: str) -> bool:
    """Does the text hold a personnummer, alone or among other words ("pnr 198706120014", a fullwidth
    number)? Such a text never goes into an address: only a person field swaps it for a VGR-ID."""
    text = typed if isinstance(typed, str) else ""
    return is_personnummer(text) or mask_text(text) != text


def is_personnummer(typed: str) -> bool:
    """Does the text hold more of a personnummer than its birth date (then it must never travel in a URL or a
    log)? Digits typed any way: 198706120014, 19870612-0014, 1987-06-12-0014, 870612-0014, or a part of them
    that goes past the birth date."""
    digits = _digits(typed)
    return digits is not None and len(digits) > BIRTH_DATE_DIGITS


def vgr_id_of_personnummer(session: Session, typed: str, field: str) -> str | None:
    """The VGR-ID that stands for a typed personnummer in an address (None: nobody in KiV has it).
    ValidationFailed({field: …}) when it is not a valid personnummer."""
    ids = persons_matching(session, typed, field)
    return session.scalar(select(Person.vgr_id).where(Person.id == ids[0])) if ids else None
