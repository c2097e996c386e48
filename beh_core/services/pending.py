"""What is already on its way for a person: lines of orders that are not finished.

Nyupplägg hides (and refuses) an item that is already ordered and not done; Förändring and
Avslut refuse a held permission that an unfinished order already changes or ends. So a
double order of one system (the same system ordered twice) cannot happen by mistake.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Order, OrderLine, OrderStatus
from ..models.fulfilment import LINE_DONE

OPEN = (OrderStatus.VANTAR_PA_ATTEST.value, OrderStatus.ATTESTERAD.value, OrderStatus.UNDER_UTFORANDE.value,
        OrderStatus.KOMPLETTERING.value, OrderStatus.SCHEMALAGD.value)


def pending_lines(session: Session, end_user_id: int) -> dict[tuple, str]:
    """(item key, scope key) and ("held", held permission id) of unfinished lines -> their order number."""
    rows = session.execute(
        select(OrderLine.item_key, OrderLine.scope_key, OrderLine.held_permission_id, Order.number, Order.kind)
        .join(Order, OrderLine.order_id == Order.id)
        .where(Order.end_user_id == end_user_id, Order.status.in_(OPEN), OrderLine.removed.is_(False),
               OrderLine.item_key.is_not(None), OrderLine.status != LINE_DONE)
        .order_by(Order.id)).all()
    pending: dict[tuple, str] = {}
    for item_key, scope_key, held_id, number, kind in rows:
        if held_id:
            pending.setdefault(("held", held_id), number)
        if kind == "nyupplagg":
            pending.setdefault((item_key, scope_key or ""), number)
    return pending
