"""Read side of fulfilment: an order's history, line records, kompletteringar (the queue: servicedesk_queue)."""
from __future__ import annotations

import math

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..models import AuditEvent, Komplettering, LineFulfilment, Order
from .paging import Page, page_offset

def order_history(session: Session, order: Order, page: int = 1, size: int = 50) -> Page:
    """The order's audit events (who did what, when), oldest first, with their actors."""
    where = (AuditEvent.object_type == "order") & (AuditEvent.object_id == order.number)
    total = session.scalar(select(func.count(AuditEvent.id)).where(where)) or 0
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = list(session.scalars(select(AuditEvent).where(where).options(joinedload(AuditEvent.actor))
                                .order_by(AuditEvent.at, AuditEvent.id).offset(page_offset(page, size)).limit(size)))
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
