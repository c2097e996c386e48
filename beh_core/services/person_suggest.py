"""Suggestions while typing: persons a beställare may order for, found by indexed prefixes.

*May order for* (docs/authorization.md): a person one of whose engagements has not
ended (active today, or starting later: a nyanställd) lies at a unit that one of the
beställare's active delegations of the catalogue's kind covers: an L/R delegation
covers the units of its förvaltning + område (only its verksamhet when it names one),
a U delegation its vårdenhet. ``authz.may_order_for`` asks the same for one person.

The typed text is read as one of four keys, each an indexed prefix (never ``'%…%'``):
a personnummer (at least six digits, 12-digit or 10-digit form), an HSA-ID (``SE`` and a
digit), or a name / VGR-ID (a VGR-ID, first or last name; two words: first and last
name). Personnummer are masked in what is returned and never logged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, or_, select, union_all
from sqlalchemy.orm import Session

from .. import authz
from ..authz import Actor
from ..catalogue import Catalogue
from ..identifiers import mask_personnummer
from ..models import SCOPE_UNIT, Engagement, Enhet, Person
from .prefix import prefix_of

MIN_LENGTH = 2
PNR_MIN_DIGITS = 6
# The birth date (ÅÅÅÅMMDD) is shown; the last four digits are masked everywhere. A typed number is a
# prefix only within the date: one that goes on into the last four must be the whole personnummer, or
# the suggestions would reveal the masked digits one at a time.
DATE_DIGITS = 8
LIMIT = 10
_SEPARATORS = re.compile(r"[-+\s]")
_HSA = re.compile(r"^se\d", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class PersonSuggestion:
    """One suggested person: never the full personnummer, only its birth date part (``19800101-****``)."""

    id: int
    vgr_id: str
    name: str
    hsa_id: str | None
    personnummer_masked: str
    unit: str

    @property
    def label(self) -> str:
        """'Sara Berglund (sarbe1)', as the manuals show people."""
        return f"{self.name} ({self.vgr_id})"


def covered_units(actor: Actor, catalogue: Catalogue):
    """The units where the actor's beställare delegations of the catalogue's kind let them order, as something
    ``Engagement.enhet_id.in_()`` takes (ids, or a subquery of the units of whole områden); None: no unit."""
    if catalogue.delegation == SCOPE_UNIT:
        return sorted(authz.orderable_units(actor)) or None
    whole = sorted({d.omrade_id for d in actor.area_bestallare if d.omrade_id and d.enhet_id is None})
    narrow = sorted({d.enhet_id for d in actor.area_bestallare if d.enhet_id})
    if not whole and not narrow:
        return None
    return select(Enhet.id).where(or_(Enhet.omrade_id.in_(whole), Enhet.id.in_(narrow)))


def _not_ended(today: date):
    return or_(Engagement.end_date.is_(None), Engagement.end_date >= today)


def orderable_clause(units, today: date):
    """WHERE Person has an engagement that has not ended at one of the units (the rule above, in SQL)."""
    return exists().where(Engagement.person_id == Person.id, Engagement.enhet_id.in_(units), _not_ended(today))


def key_branches(text: str) -> list[tuple[Any, Any]] | None:
    """The typed text as (WHERE, indexed column to walk in order) per key it may be; None when too short
    (or digits that go on into a personnummer's masked part without being all of it).

    Each branch is one indexed prefix range, walked in the column's order, so a search stops after
    the first matches the beställare may order for instead of sorting every person whose name starts so.
    """
    value = (text or "").strip()
    if len(value) < MIN_LENGTH:
        return None
    compact = _SEPARATORS.sub("", value)
    if compact.isascii() and compact.isdigit():
        if not PNR_MIN_DIGITS <= len(compact) <= 12:
            return None
        # 12-digit form as typed, and the 10-digit form (ÅÅMMDD-NNNN) in either century.
        readings = {compact} if compact[:2] in ("19", "20") else set()
        if len(compact) <= 10:
            readings |= {"19" + compact, "20" + compact}
        return [(_personnummer_match(reading), Person.personnummer) for reading in sorted(readings)
                if len(reading) <= DATE_DIGITS or len(reading) == 12] or None
    if _HSA.match(value):
        return [(prefix_of(Person.hsa_id, value.upper(), lower=False), Person.hsa_id)]
    words = value.lower().split()
    if len(words) >= 2:
        first, rest = words[0], " ".join(words[1:])
        return [(and_(prefix_of(Person.first_name_lc, first), prefix_of(Person.last_name_lc, rest)),
                 Person.first_name_lc),
                (and_(prefix_of(Person.last_name_lc, first), prefix_of(Person.first_name_lc, rest)),
                 Person.last_name_lc)]
    word = words[0]
    return [(prefix_of(Person.vgr_id, word), Person.vgr_id),
            (prefix_of(Person.first_name_lc, word), Person.first_name_lc),
            (prefix_of(Person.last_name_lc, word), Person.last_name_lc)]


def _personnummer_match(reading: str):
    """A 12-digit reading of typed digits: a prefix within the birth date, else the whole number."""
    if len(reading) == 12:
        return Person.personnummer == reading
    return prefix_of(Person.personnummer, reading, lower=False)


def key_clause(text: str):
    """The WHERE of the typed text as any of the four keys (an OR of indexed prefixes), or None when too short."""
    branches = key_branches(text)
    return or_(*(where for where, _ in branches)) if branches else None


def suggest_persons(session: Session, actor: Actor, catalogue: Catalogue, text: str, *,
                    today: date | None = None, limit: int = LIMIT) -> list[PersonSuggestion]:
    """Up to ``limit`` persons the actor may order for in the catalogue whose key starts with the text.

    Empty when the actor may not order in the catalogue or the text is too short (two characters; six
    digits for a personnummer). One statement: the first ``limit`` of each key's index range that the actor
    may order for, each with the unit of the engagement that makes them orderable (the primary one first);
    shown by last name, first name, VGR-ID.
    """
    today = today or actor.today
    branches = key_branches(text)
    if branches is None or not authz.may_order(actor, catalogue):
        return []
    units = covered_units(actor, catalogue)
    if units is None:
        return []
    place = (select(Enhet.name).join(Engagement, Engagement.enhet_id == Enhet.id)
             .where(Engagement.person_id == Person.id, Engagement.enhet_id.in_(units), _not_ended(today))
             .order_by(Engagement.is_primary.desc(), Engagement.start_date, Engagement.id).limit(1)
             .correlate(Person).scalar_subquery())
    columns = (Person.id, Person.vgr_id, Person.first_name, Person.last_name, Person.first_name_lc,
               Person.last_name_lc, Person.hsa_id, Person.personnummer, place.label("unit"))
    parts = [select(*columns).where(where, Person.active.is_(True), orderable_clause(units, today))
             .order_by(column).limit(limit).subquery() for where, column in branches]
    stmt = select(*parts[0].c) if len(parts) == 1 else union_all(*(select(*part.c) for part in parts))
    rows = {row.id: row for row in session.execute(stmt)}.values()
    rows = sorted(rows, key=lambda r: (r.last_name_lc, r.first_name_lc, r.vgr_id))[:limit]
    return [PersonSuggestion(r.id, r.vgr_id, f"{r.first_name} {r.last_name}", r.hsa_id,
                             mask_personnummer(r.personnummer), r.unit or "") for r in rows]
