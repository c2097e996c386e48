"""Directory (KiV) operations: person search, engagements, held permissions, import."""
from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..identifiers import InvalidIdentifier, normalise_hsa_id, normalise_personnummer
from ..messages import N_, label
from ..models import Engagement, Enhet, Forvaltning, HeldPermission, Omrade, Person
from .errors import ValidationFailed
from .prefix import prefix_of, prefix_pattern  # noqa: F401 - prefix_pattern is re-exported

SearchField = Literal["personnummer", "passnummer", "hsa_id", "vgr_id"]
SEARCH_FIELDS: dict[str, str] = {
    "personnummer": "Personnummer",
    "passnummer": "Passnummer",
    "hsa_id": "HSA-id",
    "vgr_id": "VGR-ID",
}


def find_person(session: Session, field: str, query: str) -> Person:
    """Find exactly one person by personnummer, passnummer, HSA-ID or VGR-ID.

    Raises ValidationFailed({"q": message}) for a malformed or unknown value.
    """
    text = (query or "").strip()
    if field not in SEARCH_FIELDS:
        raise ValidationFailed({"field": N_("Välj vad du vill söka på.")})
    if not text:
        raise ValidationFailed({"q": N_("Ange %(what)s.", what=label(SEARCH_FIELDS[field]).lower() if field != "hsa_id"
                                        else "HSA-id")})
    try:
        if field == "personnummer":
            column, value = Person.personnummer, normalise_personnummer(text)
        elif field == "hsa_id":
            column, value = Person.hsa_id, normalise_hsa_id(text)
        elif field == "passnummer":
            column, value = Person.passnummer, text.upper()
        else:
            column, value = Person.vgr_id, text.lower()
    except InvalidIdentifier as error:
        raise ValidationFailed({"q": error.message}) from None
    # HSA-IDs are written in upper case; a search in any case finds them (both forms use the index).
    where = column.in_({value, value.upper()}) if field == "hsa_id" else column == value
    person = session.scalar(select(Person).where(where).options(selectinload(Person.engagements)))
    if person is None:
        raise ValidationFailed({"q": N_("Ingen person med detta %(what)s finns i KiV.",
                                        what=label(SEARCH_FIELDS[field]))})
    return person


def search_persons(
    session: Session, *, first_name: str = "", last_name: str = "", vgr_id: str = "",
    forvaltning_id: int | None = None, limit: int = 50,
) -> list[Person]:
    """Search persons by indexed prefixes of names and VGR-ID, optionally within a förvaltning."""
    stmt = select(Person)
    if first_name.strip():
        stmt = stmt.where(prefix_of(Person.first_name_lc, first_name))
    if last_name.strip():
        stmt = stmt.where(prefix_of(Person.last_name_lc, last_name))
    if vgr_id.strip():
        stmt = stmt.where(prefix_of(Person.vgr_id, vgr_id))
    if forvaltning_id:
        stmt = stmt.where(
            Person.id.in_(
                select(Engagement.person_id).join(Enhet).join(Omrade).where(Omrade.forvaltning_id == forvaltning_id)
            )
        )
    return list(session.scalars(stmt.order_by(Person.last_name_lc, Person.first_name_lc).limit(limit)))


def active_engagements(person: Person, today: date) -> list[Engagement]:
    """The person's engagements that cover today."""
    return [e for e in person.engagements if e.is_active(today)]


def has_active_engagement(person: Person, today: date) -> bool:
    """Nyupplägg and Förändring need an active engagemang."""
    return bool(active_engagements(person, today))


def has_engagement_for(person: Person, today: date, *, coming: bool = False) -> bool:
    """An engagement active today, or (``coming``: catalogues that order for a nyanställd) one starting later."""
    if coming:
        return any(e.end_date is None or e.end_date >= today for e in person.engagements)
    return has_active_engagement(person, today)


def held_permissions(session: Session, person_id: int, today: date) -> list[HeldPermission]:
    """The permissions the person holds today (what Förändring and Avslut list)."""
    return list(session.scalars(
        select(HeldPermission).where(
            HeldPermission.person_id == person_id,
            HeldPermission.ended_at.is_(None),
            HeldPermission.valid_from <= today,
            (HeldPermission.valid_to.is_(None)) | (HeldPermission.valid_to >= today),
        ).order_by(HeldPermission.item_key, HeldPermission.id)
    ))


def forvaltningar(session: Session) -> list[Forvaltning]:
    """Every förvaltning in KiV, by name (the choices of a Förvaltning or Organisation filter)."""
    return list(session.scalars(select(Forvaltning).order_by(Forvaltning.name)))


def count_persons(session: Session) -> int:
    """Number of persons in the directory."""
    return session.scalar(select(func.count(Person.id))) or 0
