"""Held permissions follow carried-out lines: Nyupplägg grants, Förändring changes, Avslut ends."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..messages import N_
from ..models import HeldPermission, Order, OrderLine, utcnow
from .errors import Conflict


def held_race_message(item: str):
    """Two completions of one system for one person at once: the one the database refused."""
    return N_("%(item)s registrerades samtidigt för användaren av en annan beställning. "
              "Ladda om sidan och markera raden som utförd igen.", item=item)


def apply_to_held_permissions(session: Session, order: Order, line: OrderLine, today: date, *,
                              join_concurrent: bool = False) -> None:
    """Nyupplägg creates, Förändring updates, Avslut ends the end user's held permission (free text: nothing).

    The permission keeps the line's scope (a unit, a förvaltning), its values and what they showed,
    and the order's Slutdatum as its end. At most one not-ended permission per person, item and
    scope is held by a partial unique index: when another transaction created the same permission
    at the same moment, the insert fails inside a savepoint, and the line joins that permission
    (``join_concurrent``: automatic fulfilment, the target system has already acted) or the whole
    transaction is rolled back and ``Conflict`` asks the person to try again (Service Desk).
    """
    if line.item_key is None:
        return
    if order.kind == "nyupplagg":
        scope_key = line.scope_key or ""
        held = _active_held(session, order.end_user_id, line.item_key, scope_key, today)
        if held is None:
            held = HeldPermission(person_id=order.end_user_id, item_key=line.item_key, scope_key=scope_key,
                                  forvaltning_id=order.forvaltning_id if scope_key else None,
                                  valid_from=max(order.start_date, today), granted_by_line_id=line.id,
                                  details=dict(line.values or {}), shown=list(line.shown or []))
            try:
                with session.begin_nested():
                    session.add(held)
            except IntegrityError:
                # Another completion inserted the same permission and committed first.
                if not join_concurrent:
                    session.rollback()
                    raise Conflict(held_race_message(line.item_name)) from None
                held = _active_held(session, order.end_user_id, line.item_key, scope_key, today)
                if held is None:
                    raise
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
        if held.valid_to < today and held.ended_at is None:
            held.ended_at = utcnow()  # its end date has come: ended now (run-due records the ending)


def _active_held(session: Session, person_id: int, item_key: str, scope_key: str, today: date
                 ) -> HeldPermission | None:
    """The person's not-ended permission in the item and scope; one whose end date passed is ended first.

    (run-due ends such permissions too; ending it here frees the unique index for a new Nyupplägg.)
    """
    held = session.scalar(select(HeldPermission).where(
        HeldPermission.person_id == person_id, HeldPermission.item_key == item_key,
        HeldPermission.scope_key == scope_key, HeldPermission.ended_at.is_(None)).limit(1))
    if held is not None and held.valid_to is not None and held.valid_to < today:
        held.ended_at = utcnow()
        session.flush()
        return None
    return held
