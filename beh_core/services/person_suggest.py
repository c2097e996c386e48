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

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from .. import authz
from ..authz import Actor
from ..catalogue import Catalogue
from ..identifiers import mask_personnummer
from ..models import SCOPE_UNIT, Engagement, Enhet, Person
from .prefix import prefix_of

MIN_LENGTH = 2
PNR_MIN_DIGITS = 6
LIMIT = 10
_SEPARATORS = re.compile(r"[-+\s]")
_HSA = re.compile(r"^se\d", re.IGNORECASE)


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


def covered_units(session: Session, actor: Actor, catalogue: Catalogue) -> set[int]:
    """Ids of the units where the actor's beställare delegations of the catalogue's kind let them order."""
    if catalogue.delegation == SCOPE_UNIT:
        return authz.orderable_units(actor)
    whole = {d.omrade_id for d in actor.area_bestallare if d.omrade_id and d.enhet_id is None}
    narrow = {d.enhet_id for d in actor.area_bestallare if d.enhet_id}
    units = set(session.scalars(select(Enhet.id).where(Enhet.omrade_id.in_(sorted(whole))))) if whole else set()
    return units | narrow


def orderable_clause(units: set[int], today: date):
    """WHERE Person has an engagement that has not ended at one of the units (the rule above, in SQL)."""
    if not units:
        return Person.id.is_(None)  # nobody
    return exists().where(Engagement.person_id == Person.id, Engagement.enhet_id.in_(sorted(units)),
                          or_(Engagement.end_date.is_(None), Engagement.end_date >= today))


def key_clause(text: str):
    """The WHERE of the typed text as one of the four keys, or None when it is too short to search."""
    value = (text or "").strip()
    if len(value) < MIN_LENGTH:
        return None
    compact = _SEPARATORS.sub("", value)
    if compact.isdigit():
        if not PNR_MIN_DIGITS <= len(compact) <= 12:
            return None
        # 12-digit form as typed, and the 10-digit form (ÅÅMMDD-NNNN) in either century.
        prefixes = {compact} if compact[:2] in ("19", "20") else set()
        if len(compact) <= 10:
            prefixes |= {"19" + compact, "20" + compact}
        return or_(*(prefix_of(Person.personnummer, p, lower=False) for p in sorted(prefixes)))
    if _HSA.match(value):
        return prefix_of(Person.hsa_id, value.upper(), lower=False)
    words = value.lower().split()
    if len(words) >= 2:
        first, rest = words[0], " ".join(words[1:])
        return or_(and_(prefix_of(Person.first_name_lc, first), prefix_of(Person.last_name_lc, rest)),
                   and_(prefix_of(Person.last_name_lc, first), prefix_of(Person.first_name_lc, rest)))
    word = words[0]
    return or_(prefix_of(Person.vgr_id, word), prefix_of(Person.first_name_lc, word),
               prefix_of(Person.last_name_lc, word))


def suggest_persons(session: Session, actor: Actor, catalogue: Catalogue, text: str, *,
                    today: date | None = None, limit: int = LIMIT) -> list[PersonSuggestion]:
    """Up to ``limit`` persons the actor may order for in the catalogue whose key starts with the text.

    Empty when the actor may not order in the catalogue or the text is too short (two characters; six
    digits for a personnummer). Ordered by last name, first name, VGR-ID.
    """
    today = today or actor.today
    where = key_clause(text)
    if where is None or not authz.may_order(actor, catalogue):
        return []
    units = covered_units(session, actor, catalogue)
    if not units:
        return []
    rows = session.execute(
        select(Person.id, Person.vgr_id, Person.first_name, Person.last_name, Person.hsa_id, Person.personnummer)
        .where(where, Person.active.is_(True), orderable_clause(units, today))
        .order_by(Person.last_name_lc, Person.first_name_lc, Person.vgr_id).limit(limit)).all()
    if not rows:
        return []
    # The unit shown is the engagement that makes the person orderable (the primary one first).
    places: dict[int, str] = {}
    for person_id, unit_name in session.execute(
            select(Engagement.person_id, Enhet.name).join(Enhet, Engagement.enhet_id == Enhet.id)
            .where(Engagement.person_id.in_([r.id for r in rows]), Engagement.enhet_id.in_(sorted(units)),
                   or_(Engagement.end_date.is_(None), Engagement.end_date >= today))
            .order_by(Engagement.person_id, Engagement.is_primary.desc(), Engagement.start_date)):
        places.setdefault(person_id, unit_name)
    return [PersonSuggestion(r.id, r.vgr_id, f"{r.first_name} {r.last_name}", r.hsa_id,
                             mask_personnummer(r.personnummer), places.get(r.id, "")) for r in rows]
