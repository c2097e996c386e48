"""Read side of orders: Tidigare beställningar (Mina / Alla), attest list, one order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import authz
from .paging import Page, paginate, paginate_merged
from ..authz import Actor
from ..models import Order, OrderAttestStep, OrderStatus, Person
from ..labels import _N

STATUS_LABELS = {
    OrderStatus.VANTAR_PA_ATTEST.value: _N("Väntar på Attest"),
    OrderStatus.ATTESTERAD.value: _N("Attesterad"),
    OrderStatus.UNDER_UTFORANDE.value: _N("Under utförande"),
    OrderStatus.KOMPLETTERING.value: _N("Komplettering begärd"),
    OrderStatus.SCHEMALAGD.value: _N("Schemalagd"),
    OrderStatus.AVSLUTAD.value: _N("Avslutad"),
    OrderStatus.AVSLAGEN.value: _N("Avslagen"),
    OrderStatus.MAKULERAD.value: _N("Makulerad"),
}


@dataclass
class OrderFilter:
    """Sökalternativ of Tidigare beställningar."""

    number: str = ""
    catalogue: str = ""
    status: str = ""
    kind: str = ""
    end_user_vgr_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _apply(stmt, flt: OrderFilter):
    if flt.number:
        stmt = stmt.where(Order.number == flt.number.strip().lower())
    if flt.catalogue:
        stmt = stmt.where(Order.catalogue == flt.catalogue)
    if flt.status in STATUS_LABELS:
        stmt = stmt.where(Order.status == flt.status)
    if flt.kind in ("nyupplagg", "forandring", "avslut"):
        stmt = stmt.where(Order.kind == flt.kind)
    if flt.end_user_vgr_id:
        stmt = stmt.where(Order.end_user_id.in_(
            select(Person.id).where(Person.vgr_id == flt.end_user_vgr_id.strip().lower())))
    if flt.date_from:
        stmt = stmt.where(Order.created_at >= datetime.combine(flt.date_from, time.min, timezone.utc))
    if flt.date_to:
        stmt = stmt.where(Order.created_at <= datetime.combine(flt.date_to, time.max, timezone.utc))
    return stmt


_PEOPLE = (joinedload(Order.orderer), joinedload(Order.end_user), joinedload(Order.attestant))


def _page(session: Session, where, flt: OrderFilter, page: int, size: int) -> Page:
    stmt = _apply(select(Order).where(where), flt).options(*_PEOPLE)
    return paginate(session, stmt, page, size, Order.created_at.desc(), Order.id.desc())


def my_orders(session: Session, actor: Actor, flt: OrderFilter, page: int = 1, size: int = 15) -> Page:
    """Mina beställningar: orders the actor placed."""
    return _page(session, Order.orderer_id == actor.id, flt, page, size)


def all_orders(session: Session, actor: Actor, flt: OrderFilter, page: int = 1, size: int = 15) -> Page:
    """Alla beställningar: orders inside the actor's delegations (or all for admin / Service Desk)."""
    scopes = authz.all_orders_scopes(actor)
    if scopes is None:
        return _page(session, true(), flt, page, size)
    return paginate_merged(session, Order, [_apply(select(Order).where(scope), flt) for scope in scopes], page, size,
                           Order.created_at.desc(), Order.id.desc(), options=_PEOPLE)


def orders_to_attest(session: Session, actor: Actor, page: int = 1, size: int = 15) -> Page:
    """Orders waiting for the actor's attest, oldest first... as the manual lists, newest first."""
    where = (Order.attestant_id == actor.id) & (Order.status == OrderStatus.VANTAR_PA_ATTEST.value)
    return _page(session, where, OrderFilter(), page, size)


def load_order(session: Session, number: str) -> Order | None:
    """One order with its people and lines, in a constant number of queries."""
    return session.scalar(
        select(Order).where(Order.number == number).options(
            joinedload(Order.orderer), joinedload(Order.end_user), joinedload(Order.attestant),
            joinedload(Order.forvaltning), joinedload(Order.omrade), joinedload(Order.enhet),
            selectinload(Order.lines), selectinload(Order.attest_steps).joinedload(OrderAttestStep.attestant),
        )
    )


def waiting_for(session: Session, actor: Actor, *, ids: list[int] | None = None, limit: int = 10_000) -> list[Order]:
    """Orders waiting for the actor's attest (optionally only the given ids), oldest first, with their people
    and lines loaded (Godkänn markerade: constant queries however many)."""
    stmt = (select(Order).where(Order.attestant_id == actor.id, Order.status == OrderStatus.VANTAR_PA_ATTEST.value)
            .options(joinedload(Order.end_user), joinedload(Order.orderer), selectinload(Order.lines),
                     selectinload(Order.attest_steps))
            .order_by(Order.created_at, Order.id).limit(limit))
    if ids is not None:
        stmt = stmt.where(Order.id.in_(ids))
    return list(session.scalars(stmt).unique())
