"""Status changes as compare-and-set, so two people (or processes) never both change the same state.

Every status transition of an order or an order line is one
``UPDATE ... SET status = :new WHERE id = :id AND status IN (:expected)``.
If another transaction changed the status first, no row matches: the
transaction is rolled back and ``Conflict`` is raised with a message that
asks the user to reload. This works the same on SQLite (writers are
serialised) and PostgreSQL (READ COMMITTED re-checks the WHERE clause
against the row another transaction just committed). After a successful
update the row stays locked until the caller commits, so the rest of the
operation (audit event, mail, held permissions) belongs to the winner only.

Callers still check the status first with a plain read to give a precise
message ("redan utförd"); the compare-and-set is what makes the check hold.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..messages import N_
from ..models import Order, OrderLine
from .errors import Conflict

CONFLICT_MESSAGE = N_("Beställningen har ändrats av någon annan. Ladda om sidan.")


def _statuses(expected: Iterable[str]) -> list[str]:
    statuses = [str(getattr(value, "value", value)) for value in expected]
    if not statuses:
        raise ValueError("expected must name at least one status")
    return statuses


def set_order_status(session: Session, order: Order, *, expected: set[str], new: str,
                     message: str = CONFLICT_MESSAGE, where: tuple = (), **values: Any) -> None:
    """Set ``orders.status`` to ``new`` (and ``values``) only if it is still one of ``expected``
    (and the conditions ``where`` still hold, e.g. the order is still the deciding attestant's).

    On success the object is refreshed from the row. If the status has changed
    meanwhile, the transaction is rolled back and ``Conflict(message)`` raised.
    Pass the other columns of the transition in ``values`` (``decided_at=...``) rather
    than assigning them first; never assign ``order.status`` yourself before the call
    (pending changes are flushed first, and would bypass the check).

    Example (attest)::

        set_order_status(session, order, expected={OrderStatus.VANTAR_PA_ATTEST.value},
                         new=OrderStatus.ATTESTERAD.value, decided_at=utcnow(), decision_comment=None)
    """
    session.flush()  # pending changes of this transaction go first, the refresh must not discard them
    result = session.execute(
        update(Order).where(Order.id == order.id, Order.status.in_(_statuses(expected)), *where)
        .values(status=str(getattr(new, "value", new)), **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(message)
    session.refresh(order)


def set_line_status(session: Session, line_id: int, *, expected: set[str], new: str,
                    message: str = CONFLICT_MESSAGE, **values: Any) -> None:
    """Set ``order_lines.status`` of one (not removed) line to ``new`` only if it is still one of ``expected``.

    Same contract as ``set_order_status``; the line, if loaded in the session, is refreshed.
    """
    session.flush()
    result = session.execute(
        update(OrderLine).where(OrderLine.id == line_id, OrderLine.removed.is_(False),
                                OrderLine.status.in_(_statuses(expected)))
        .values(status=str(getattr(new, "value", new)), **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(message)
    line = session.identity_map.get(identity_key(OrderLine, line_id))
    if line is not None:
        session.refresh(line)


def lock_order(session: Session, order: Order, *, expected: set[str], message: str = CONFLICT_MESSAGE) -> None:
    """Take the order row (status unchanged) if its status is still one of ``expected``, else ``Conflict``.

    For changes that derive the order status from its lines: after the lock the lines are
    re-read, so two people finishing the last two lines at once still close the order once.
    """
    session.flush()
    result = session.execute(
        update(Order).where(Order.id == order.id, Order.status.in_(_statuses(expected)))
        .values(status=Order.status).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(message)
    session.refresh(order)
    # Fresh lines too (READ COMMITTED: this statement sees what committed before our lock).
    session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                    .execution_options(populate_existing=True)).all()


def set_step_status(session: Session, step_id: int, *, expected: set[str], new: str,
                    message: str = CONFLICT_MESSAGE, expected_attestant_id: int | None = None, **values: Any) -> None:
    """Set an attest step's status to ``new`` only if it is still one of ``expected`` (two decisions: one wins)
    and, given ``expected_attestant_id``, the step is still that person's (a decision against Byt attestant:
    one wins).

    Same contract as ``set_order_status``; the step, if loaded in the session, is refreshed.
    """
    from ..models import OrderAttestStep

    session.flush()
    still = () if expected_attestant_id is None else (OrderAttestStep.attestant_id == expected_attestant_id,)
    result = session.execute(
        update(OrderAttestStep).where(OrderAttestStep.id == step_id, OrderAttestStep.status.in_(_statuses(expected)),
                                      *still)
        .values(status=new, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(message)
    step = session.identity_map.get(identity_key(OrderAttestStep, step_id))
    if step is not None:
        session.refresh(step)
