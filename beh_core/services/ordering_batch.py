"""What the requests of one ``create_orders`` call share, looked up once for all of them.

A mass order places hundreds of orders in one transaction. Checking each one alone costs a dozen
queries per order (the end user, their held permissions and unfinished orders, the place, the
attest candidates), so ``prefetch`` loads the end users with their engagements, held permissions
and unfinished lines for every request in a constant number of queries, and the place and the
candidates of an area/unit attest step are looked up once per place. The checks themselves are
the same functions a single order uses (``ordering.validate_order``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import HeldPermission, Order, OrderLine, Person
from ..models.fulfilment import LINE_DONE
from .directory_bulk import chunks
from .pending import OPEN


@dataclass
class Batch:
    """Prefetched rows for the end users of a batch, and memos of what the requests share."""

    persons: dict[int, Person] = field(default_factory=dict)
    held: dict[int, list[HeldPermission]] = field(default_factory=dict)
    pending: dict[int, dict[tuple, str]] = field(default_factory=dict)
    places: dict[tuple, tuple] = field(default_factory=dict)
    candidates: dict[tuple, list[Person]] = field(default_factory=dict)
    ordered: set[tuple] = field(default_factory=set)  # (end user, item, scope) of Nyupplägg lines already checked


def prefetch(session: Session, end_user_ids: Iterable[int]) -> Batch:
    """Load the end users (with engagements), their not-ended held permissions and unfinished lines."""
    batch = Batch()
    ids = sorted({i for i in end_user_ids if i})
    for part in chunks(ids):
        for person in session.scalars(select(Person).where(Person.id.in_(part))
                                      .options(selectinload(Person.engagements))):
            batch.persons[person.id] = person
        for held in session.scalars(select(HeldPermission).where(
                HeldPermission.person_id.in_(part), HeldPermission.ended_at.is_(None))
                .order_by(HeldPermission.id)):
            batch.held.setdefault(held.person_id, []).append(held)
        rows = session.execute(
            select(Order.end_user_id, OrderLine.item_key, OrderLine.scope_key, OrderLine.held_permission_id,
                   Order.number, Order.kind)
            .join(Order, OrderLine.order_id == Order.id)
            .where(Order.end_user_id.in_(part), Order.status.in_(OPEN), OrderLine.removed.is_(False),
                   OrderLine.item_key.is_not(None), OrderLine.status != LINE_DONE)
            .order_by(Order.id))
        for person_id, item_key, scope_key, held_id, number, kind in rows:
            pending = batch.pending.setdefault(person_id, {})
            if held_id:
                pending.setdefault(("held", held_id), number)
            if kind == "nyupplagg":
                pending.setdefault((item_key, scope_key or ""), number)
    return batch


def held_today(batch: Batch, person_id: int, today: date) -> list[HeldPermission]:
    """The person's permissions held today, from the prefetch."""
    return [h for h in batch.held.get(person_id, []) if h.is_held(today)]
