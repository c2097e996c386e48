"""MIN DATA – Mina identiteter: the persons a beställare has ordered for, and what each holds.

What they hold: every permission that has not ended (also one that starts later, shown with its date).

A person is listed once, the one ordered for most recently first. The list is
searched by the same keys as the suggestions (VGR-ID, name, HSA-ID, personnummer
as indexed prefixes) and paginated; a page costs a constant number of queries.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, bindparam, func, or_, select, true
from sqlalchemy.orm import Session

from ..authz import Actor
from ..identifiers import mask_personnummer
from ..models import HeldPermission, OrderedFor, Person
from .errors import ValidationFailed
from .list_rows import PersonName
from .paging import COUNT_CAP, Page, page_offset
from .person_match import persons_matching
from .person_suggest import key_clause


@dataclass(frozen=True, slots=True)
class IdentityPerson(PersonName):
    """A person ordered for, as the list shows them (plain values: the page loads no mapped objects)."""

    hsa_id: str | None
    personnummer: str | None
    active: bool | None
    id: int

    @property
    def is_active(self) -> bool:
        """Still in KiV (as ``Person.is_active``)."""
        return self.active is not False


@dataclass(frozen=True, slots=True)
class HeldRow:
    """A permission a person holds, as the list shows it: the item, its fields as ordered, from and to."""

    item_key: str
    shown: list
    valid_from: date
    valid_to: date | None


@dataclass
class Identity:
    """One person ordered for: who, when last ordered for, and the permissions they hold today."""

    person: IdentityPerson
    last_ordered: object
    held: list[HeldRow] = field(default_factory=list)

    @property
    def personnummer_masked(self) -> str:
        """The birth-date part only (never the whole personnummer)."""
        return mask_personnummer(self.person.personnummer)


_PERSON_COLUMNS = (Person.first_name, Person.last_name, Person.vgr_id, Person.hsa_id, Person.personnummer,
                   Person.active)


def _page(session: Session, pairs, page: int, size: int) -> tuple[int, list]:
    """The capped count of ``pairs`` and one page of (IdentityPerson, last ordered) in one statement.

    The count rides along as a one-row subquery joined to the page's rows (the page joins 15 persons,
    never the whole list); an empty page is that one row with no person.
    """
    total = select(func.count().label("n")).select_from(pairs.limit(COUNT_CAP + 1).subquery("counted")) \
        .subquery("total")
    shown = pairs.order_by(OrderedFor.last_ordered_at.desc(), OrderedFor.person_id.desc()) \
        .offset(bindparam("offset", page_offset(page, size), type_=Integer, literal_execute=True)) \
        .limit(bindparam("size", size, type_=Integer, literal_execute=True)).subquery("shown")
    rows = session.execute(
        select(total.c.n, Person.id, *_PERSON_COLUMNS, shown.c.last).select_from(total)
        .outerjoin(shown.join(Person, Person.id == shown.c.person_id), true())
        .order_by(shown.c.last.desc(), Person.id.desc())).all()
    return (rows[0][0] if rows else 0), [(row[1], IdentityPerson(*row[2:-1], id=row[1]), row[-1]) for row in rows
                                         if row[1] is not None]


def vgr_id_ordered_for(session: Session, actor: Actor, typed: str) -> str | None:
    """The VGR-ID of the person a typed personnummer names, if the actor has ordered for them; else None.

    Mina identiteter searches only the persons the beställare ordered for. Naming anyone else in KiV here
    would answer "whose is this number?" for every personnummer, a number at a time.
    """
    try:
        ids = persons_matching(session, typed, "sok")
    except ValidationFailed:  # a date that does not exist or a wrong check digit: nobody has it
        return None
    if not ids:
        return None
    return session.scalar(select(Person.vgr_id).join(OrderedFor, OrderedFor.person_id == Person.id).where(
        OrderedFor.orderer_id == actor.id, Person.id.in_(ids)).limit(1))


def my_identities(session: Session, actor: Actor, text: str = "", page: int = 1, size: int = 15,
                  today: date | None = None) -> Page:
    """Persons the actor has ordered for (optionally those whose key starts with ``text``), newest first.

    Read from ``ordered_for`` (one row per person ordered for, kept by the database): a page is an index
    range of ``(orderer_id, last_ordered_at)``, the count capped, however many orders lie behind them.
    """
    today = today or actor.today
    pairs = select(OrderedFor.person_id, OrderedFor.last_ordered_at.label("last")).where(
        OrderedFor.orderer_id == actor.id)
    where = key_clause(text) if text.strip() else None
    if text.strip() and where is None:
        return Page([], 0, 1, 1)
    if where is not None:
        pairs = pairs.where(OrderedFor.person_id.in_(select(Person.id).where(where)))
    asked = max(1, page)
    counted, rows = _page(session, pairs, asked, size)
    total = min(counted, COUNT_CAP)
    pages = max(1, math.ceil(total / size))
    page = min(asked, pages)
    if page != asked:  # past the end (an old link): the last page, at the cost of one more statement
        counted, rows = _page(session, pairs, page, size)
    by_id = {person_id: Identity(person, last) for person_id, person, last in rows}
    if by_id:
        for person_id, *held in session.execute(select(
                HeldPermission.person_id, HeldPermission.item_key, HeldPermission.shown, HeldPermission.valid_from,
                HeldPermission.valid_to).where(
                HeldPermission.person_id.in_(sorted(by_id)), HeldPermission.ended_at.is_(None),
                or_(HeldPermission.valid_to.is_(None), HeldPermission.valid_to >= today))
                .order_by(HeldPermission.item_key, HeldPermission.id)):
            by_id[person_id].held.append(HeldRow(*held))
    return Page(list(by_id.values()), total, page, pages, counted > COUNT_CAP)
