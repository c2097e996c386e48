"""Held permissions follow carried-out lines: Nyupplägg grants, Förändring changes, Avslut ends."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import HeldPermission, Order, OrderLine, utcnow


def apply_to_held_permissions(session: Session, order: Order, line: OrderLine, today: date) -> None:
    """Nyupplägg creates, Förändring updates, Avslut ends the end user's held permission (free text: nothing).

    The permission keeps the line's scope (a unit, a förvaltning), its values and what they showed, and
    the order's Slutdatum as its end.
    """
    if line.item_key is None:
        return
    if order.kind == "nyupplagg":
        start = max(order.start_date, today)
        held = session.scalar(select(HeldPermission).where(
            HeldPermission.person_id == order.end_user_id, HeldPermission.item_key == line.item_key,
            HeldPermission.scope_key == (line.scope_key or ""), HeldPermission.ended_at.is_(None),
            or_(HeldPermission.valid_to.is_(None), HeldPermission.valid_to >= today)).limit(1))
        if held is None:
            held = HeldPermission(person_id=order.end_user_id, item_key=line.item_key, scope_key=line.scope_key or "",
                                  forvaltning_id=order.forvaltning_id if line.scope_key else None,
                                  valid_from=start, granted_by_line_id=line.id)
            session.add(held)
        held.details, held.shown, held.valid_to = dict(line.values or {}), list(line.shown or []), order.end_date
        session.flush()
        line.held_permission_id = held.id
        return
    held = session.get(HeldPermission, line.held_permission_id) if line.held_permission_id else None
    if held is None:
        return
    if order.kind == "forandring":
        held.details, held.shown = dict(line.values or {}), list(line.shown or [])
        if order.end_date is not None:
            held.valid_to = order.end_date
    elif order.kind == "avslut":
        # Not held from the start date on (or from today, when carried out late).
        held.valid_to = max(order.start_date, today) - timedelta(days=1)
        if held.valid_to < today:
            held.ended_at = utcnow()
