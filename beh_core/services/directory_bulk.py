"""The directory asked about many persons at once (a mass order): a constant number of queries per list.

A list of up to ``MAX_ROWS`` identifiers is looked up in chunks of ``CHUNK`` values, one query per
question and chunk, never one per row. Exposed to plugins as methods of ``Directory``
(``find_persons``, ``engaged_at``, ``holding``, ``pending_for``, ``unit_attestants``).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Iterable, Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..identifiers import HSA_ID_RE, VGR_ID_RE, InvalidIdentifier, normalise_hsa_id, normalise_personnummer
from ..log_masking import mask_text
from ..messages import Message, N_
from ..models import SCOPE_UNIT, Delegation, Engagement, HeldPermission, Order, OrderLine, Person
from ..models.fulfilment import LINE_DONE
from .pending import OPEN

CHUNK = 1000
_NUMBERISH = re.compile(r"^[\d\s+-]+$")
_PASSNUMMER = re.compile(r"^[A-Za-z0-9]{5,20}$")


def chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    """The values in lists of at most ``size`` (bound parameters per query stay well under every limit)."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def classify(text: str) -> list[tuple[str, str]]:
    """Which columns an identifier may be: [(field, normalised value)]; raises InvalidIdentifier.

    Digits (with - or +): a personnummer or samordningsnummer. SE + ten digits + -: an HSA-ID. Letters and
    digits: a VGR-ID (lower case) or a passnummer (upper case), whichever exists.
    """
    value = (text or "").strip()
    if _NUMBERISH.match(value):
        return [("personnummer", normalise_personnummer(value))]
    if value[:2].upper() == "SE" and "-" in value:
        return [("hsa_id", normalise_hsa_id(value))]
    found = []
    if VGR_ID_RE.match(value.lower()):
        found.append(("vgr_id", value.lower()))
    if _PASSNUMMER.match(value):
        found.append(("passnummer", value.upper()))
    if not found:
        # The message shows what was typed, never a personnummer in it (a mistyped one is still somebody's).
        raise InvalidIdentifier(N_("%(value)s är inte ett personnummer, passnummer, HSA-id eller VGR-ID.",
                                   value=mask_text(value)[:40]))
    return found


def find_persons(session: Session, texts: Iterable[str]) -> tuple[dict[str, Person], dict[str, Message]]:
    """({identifier: person} found, {identifier: why it is not an identifier}); one query per chunk.

    An identifier that is well formed but matches nobody is in neither.
    """
    wanted: dict[str, list[tuple[str, str]]] = {}
    problems: dict[str, Message] = {}
    for text in {(t or "").strip() for t in texts if (t or "").strip()}:
        try:
            wanted[text] = classify(text)
        except InvalidIdentifier as error:
            problems[text] = error.message
    columns = {"personnummer": Person.personnummer, "hsa_id": Person.hsa_id, "vgr_id": Person.vgr_id,
               "passnummer": Person.passnummer}
    pairs = sorted({pair for found in wanted.values() for pair in found})
    by_pair: dict[tuple[str, str], Person] = {}
    for part in chunks(pairs):
        clauses = [columns[name].in_([value for field, value in part if field == name])
                   for name in columns if any(field == name for field, _ in part)]
        for person in session.scalars(select(Person).where(or_(*clauses))):
            for name in columns:
                value = getattr(person, name)
                if value:
                    by_pair[(name, value)] = person
    found = {}
    for text, candidates in wanted.items():
        person = next((by_pair[pair] for pair in candidates if pair in by_pair), None)
        if person is not None:
            found[text] = person
    return found, problems


def engaged_at(session: Session, person_ids: Iterable[int], unit_id: int | None, today: date) -> set[int]:
    """The persons with an engagement that covers today: at the unit, or anywhere (``unit_id`` None)."""
    found: set[int] = set()
    for part in chunks(sorted(set(person_ids))):
        stmt = select(Engagement.person_id).where(
            Engagement.person_id.in_(part), Engagement.start_date <= today,
            or_(Engagement.end_date.is_(None), Engagement.end_date >= today))
        found.update(session.scalars(stmt if unit_id is None else stmt.where(Engagement.enhet_id == unit_id)))
    return found


def holding(session: Session, person_ids: Iterable[int], item_key: str, scope_key: str, today: date) -> set[int]:
    """The persons who hold the item at the scope today or from a later start date (not ended)."""
    found: set[int] = set()
    for part in chunks(sorted(set(person_ids))):
        found.update(session.scalars(select(HeldPermission.person_id).where(
            HeldPermission.person_id.in_(part), HeldPermission.item_key == item_key,
            HeldPermission.scope_key == scope_key, HeldPermission.ended_at.is_(None),
            or_(HeldPermission.valid_to.is_(None), HeldPermission.valid_to >= today))))
    return found


def pending_for(session: Session, person_ids: Iterable[int], item_key: str, scope_key: str) -> dict[int, str]:
    """person id -> number of an unfinished Nyupplägg order of the item at the scope for them."""
    found: dict[int, str] = {}
    for part in chunks(sorted(set(person_ids))):
        rows = session.execute(
            select(Order.end_user_id, Order.number).join(OrderLine, OrderLine.order_id == Order.id)
            .where(Order.end_user_id.in_(part), Order.kind == "nyupplagg", Order.status.in_(OPEN),
                   OrderLine.item_key == item_key, OrderLine.scope_key == scope_key, OrderLine.removed.is_(False),
                   OrderLine.status != LINE_DONE).order_by(Order.id))
        for person_id, number in rows:
            found.setdefault(person_id, number)
    return found


def unit_attestants(session: Session, unit_id: int, today: date) -> list[Person]:
    """Active persons with an active U attestant delegation for the vårdenhet, by name."""
    return list(session.scalars(
        select(Person).join(Delegation, Delegation.person_id == Person.id)
        .where(Delegation.scope == SCOPE_UNIT, Delegation.enhet_id == unit_id, Delegation.is_attestant.is_(True),
               Delegation.valid_from <= today, Delegation.valid_to >= today, Person.active.is_(True))
        .distinct().order_by(Person.last_name, Person.first_name, Person.id)))
