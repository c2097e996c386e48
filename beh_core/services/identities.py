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

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..authz import Actor
from ..identifiers import mask_personnummer
from ..models import HeldPermission, Order, Person
from .paging import COUNT_CAP, Page
from .person_suggest import key_clause


@dataclass
class Identity:
    """One person ordered for: who, when last ordered for, and the permissions they hold today."""

    person: Person
    last_ordered: object
    held: list[HeldPermission] = field(default_factory=list)

    @property
    def personnummer_masked(self) -> str:
        """The birth-date part only (never the whole personnummer)."""
        return mask_personnummer(self.person.personnummer)


def my_identities(session: Session, actor: Actor, text: str = "", page: int = 1, size: int = 15,
                  today: date | None = None) -> Page:
    """Persons the actor has ordered for (optionally those whose key starts with ``text``), newest first."""
    today = today or actor.today
    grouped = (select(Order.end_user_id.label("person_id"), func.max(Order.created_at).label("last"))
               .where(Order.orderer_id == actor.id).group_by(Order.end_user_id))
    where = key_clause(text) if text.strip() else None
    if text.strip() and where is None:
        return Page([], 0, 1, 1)
    if where is not None:
        grouped = grouped.where(Order.end_user_id.in_(select(Person.id).where(where)))
    sub = grouped.subquery()
    total = min(session.scalar(select(func.count()).select_from(sub)) or 0, COUNT_CAP)
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = session.execute(select(Person, sub.c.last).join(sub, sub.c.person_id == Person.id)
                           .order_by(sub.c.last.desc(), Person.id).offset((page - 1) * size).limit(size)).all()
    identities = [Identity(person, last) for person, last in rows]
    by_id = {identity.person.id: identity for identity in identities}
    if by_id:
        for held in session.scalars(select(HeldPermission).where(
                HeldPermission.person_id.in_(sorted(by_id)), HeldPermission.ended_at.is_(None),
                or_(HeldPermission.valid_to.is_(None), HeldPermission.valid_to >= today))
                .order_by(HeldPermission.item_key, HeldPermission.id)):
            by_id[held.person_id].held.append(held)
    return Page(identities, total, page, pages, total >= COUNT_CAP)
