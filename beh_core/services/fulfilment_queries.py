"""Read side of fulfilment: the Service Desk queue, an order's history, line records, kompletteringar."""
from __future__ import annotations

import math

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import AuditEvent, Komplettering, LineFulfilment, Order, OrderLine, OrderStatus
from .paging import Page

OPEN_STATUSES = (OrderStatus.ATTESTERAD.value, OrderStatus.UNDER_UTFORANDE.value, OrderStatus.KOMPLETTERING.value,
                 OrderStatus.SCHEMALAGD.value)
QUEUE_DEFAULT = (OrderStatus.ATTESTERAD.value, OrderStatus.UNDER_UTFORANDE.value)


def service_desk_queue(session: Session, *, forvaltning_id: int | None = None, item_keys: list[str] | None = None,
                       status: str = "", page: int = 1, size: int = 15) -> Page:
    """Attested orders to carry out: akut first, then oldest; filter by förvaltning, system and status."""
    stmt = select(Order).where(Order.status.in_((status,) if status in OPEN_STATUSES else QUEUE_DEFAULT))
    if forvaltning_id:
        stmt = stmt.where(Order.forvaltning_id == forvaltning_id)
    if item_keys:
        stmt = stmt.where(Order.id.in_(select(OrderLine.order_id).where(
            OrderLine.item_key.in_(item_keys), OrderLine.removed.is_(False))))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = list(session.scalars(stmt.options(
        joinedload(Order.orderer), joinedload(Order.end_user), joinedload(Order.forvaltning),
        selectinload(Order.lines)).order_by(Order.akut.desc(), Order.created_at, Order.id)
        .offset((page - 1) * size).limit(size)))
    return Page(rows, total, page, pages)


def order_history(session: Session, order: Order, page: int = 1, size: int = 50) -> Page:
    """The order's audit events (who did what, when), oldest first, with their actors."""
    where = (AuditEvent.object_type == "order") & (AuditEvent.object_id == order.number)
    total = session.scalar(select(func.count(AuditEvent.id)).where(where)) or 0
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = list(session.scalars(select(AuditEvent).where(where).options(joinedload(AuditEvent.actor))
                                .order_by(AuditEvent.at, AuditEvent.id).offset((page - 1) * size).limit(size)))
    return Page(rows, total, page, pages)


def line_records(session: Session, order: Order) -> dict[int, LineFulfilment]:
    """line id -> its fulfilment record (who, when, feedback, error), in one query."""
    rows = session.scalars(select(LineFulfilment).where(LineFulfilment.order_id == order.id)
                           .options(joinedload(LineFulfilment.done_by)))
    return {row.line_id: row for row in rows}


def kompletteringar(session: Session, order: Order) -> list[Komplettering]:
    """Every komplettering request of the order with its answer, oldest first."""
    return list(session.scalars(select(Komplettering).where(Komplettering.order_id == order.id).options(
        joinedload(Komplettering.requested_by), joinedload(Komplettering.answered_by)).order_by(Komplettering.id)))
