"""Attest: the attestant removes lines, approves or rejects; the orderer changes attestant."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, authz
from ..authz import Actor
from ..models import Enhet, Omrade, Order, OrderLine, OrderStatus, Person, utcnow
from .errors import Conflict, NotFound, ValidationFailed
from .ordering import attestants_for
from .transitions import CONFLICT_MESSAGE, set_order_status

WAITING = OrderStatus.VANTAR_PA_ATTEST.value


def get_order(session: Session, number: str) -> Order:
    """The order with the number, or NotFound."""
    order = session.scalar(select(Order).where(Order.number == number))
    if order is None:
        raise NotFound("Beställningen finns inte.")
    return order


KEEP_ONE = "Minst en behörighet måste finnas kvar. Avslå beställningen i stället."


def remove_lines(session: Session, actor: Actor, order: Order, line_ids: list[int]) -> Order:
    """Ta bort markerade: the attestant removes lines before deciding. At least one must remain.

    The rule is checked again under the order's row lock against the lines as committed, so two
    removals sent at once (two tabs, a double click) can never leave an order without lines.
    """
    authz.require(authz.may_attest(actor, order), "Du kan inte attestera denna beställning.")
    wanted = {int(i) for i in line_ids}
    if not wanted:
        raise ValidationFailed({"lines": "Markera de behörigheter som ska tas bort."})
    if not [line for line in order.active_lines if line.id not in wanted]:
        raise ValidationFailed({"lines": KEEP_ONE})
    # Still waiting for attest, and locked for this transaction (compare-and-set on the status).
    set_order_status(session, order, expected={WAITING}, new=WAITING)
    lines = [line for line in _committed_lines(session, order) if not line.removed]
    removed = [line for line in lines if line.id in wanted]
    if len(removed) == len(lines):
        session.rollback()
        raise ValidationFailed({"lines": KEEP_ONE})
    if not removed:
        session.rollback()
        raise Conflict(CONFLICT_MESSAGE)  # someone else removed them first
    for line in removed:
        line.removed = True
    audit.record(session, actor.person, "order.lines_removed", "order", order.number,
                 lines=[line.item_name for line in removed])
    session.commit()
    return order


def _committed_lines(session: Session, order: Order) -> list[OrderLine]:
    """The order's lines as committed now (call under the order's lock)."""
    return list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                .order_by(OrderLine.position, OrderLine.id)
                                .execution_options(populate_existing=True)))


def check_decision(actor: Actor, order: Order, *, approve: bool, comment: str) -> str:
    """The rules of a decision (still waiting, the actor may attest, Avslå has a comment); returns the comment."""
    if order.status != OrderStatus.VANTAR_PA_ATTEST.value:
        raise Conflict("Beställningen är redan hanterad.")
    authz.require(authz.may_attest(actor, order), "Du kan inte attestera denna beställning.")
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationFailed({"comment": "Ange en kommentar vid avslag."})
    if len(comment) > 2000:
        raise ValidationFailed({"comment": "Kommentaren får vara högst 2000 tecken."})
    return comment


def decide(session: Session, actor: Actor, order: Order, *, approve: bool, comment: str = "",
           signature_id: int | None = None) -> Order:
    """Record Godkänn or Avslå in one transaction. Avslå needs a comment (Kommentar vid avslag)."""
    comment = check_decision(actor, order, approve=approve, comment=comment)
    # Compare-and-set: of two decisions sent at once (two windows, or Makulera meanwhile) only one is recorded.
    set_order_status(session, order, expected={WAITING},
                     new=(OrderStatus.ATTESTERAD if approve else OrderStatus.AVSLAGEN).value,
                     decided_at=utcnow(), decision_comment=comment or None)
    if approve and not [line for line in _committed_lines(session, order) if not line.removed]:
        session.rollback()  # defence in depth: an order without lines would wait in the queue for ever
        raise ValidationFailed({"lines": KEEP_ONE})
    audit.record(session, actor.person, "order.approved" if approve else "order.rejected", "order", order.number,
                 comment=comment or None, signature_id=signature_id,
                 lines=[line.item_name for line in order.active_lines])
    from . import fulfilment

    # The orderer's mail and the plan of each line (automatic / schemalagd / Service Desk), in this transaction.
    fulfilment.on_decided(session, order, approved=approve, today=actor.today)
    session.commit()
    if approve:
        # Automatic lines due today run now, each in its own transaction; run-due retries any left behind.
        fulfilment.run_due_lines(session, actor.today, order_id=order.id)
    return order


def change_attestant(session: Session, actor: Actor, order: Order, *, omrade_id: int | None,
                     enhet_id: int | None, attestant_id: int | None, today: date | None = None) -> Order:
    """Byt attestant while the order waits for attest: choose område, verksamhet and a new attestant."""
    authz.require(authz.may_change_attestant(actor, order), "Attestant kan bara bytas av beställaren före attest.")
    today = today or actor.today
    errors: dict[str, str] = {}
    omrade = session.get(Omrade, omrade_id) if omrade_id else None
    if omrade is None or omrade.forvaltning_id != order.forvaltning_id:
        errors["omrade_id"] = "Välj område."
    elif not authz.may_order_in(actor, order.forvaltning_id, omrade.id):
        # The same rule as when ordering: the new område must be inside the orderer's delegations.
        errors["omrade_id"] = "Du har ingen beställardelegering för detta område."
    enhet = session.get(Enhet, enhet_id) if enhet_id else None
    if not errors and (enhet is None or enhet.omrade_id != omrade.id):
        errors["enhet_id"] = "Välj verksamhet."
    if not errors:
        allowed = {p.id for p in attestants_for(session, omrade.id, enhet.id, today, (order.end_user_id, order.orderer_id))}
        if attestant_id not in allowed:
            errors["attestant_id"] = "Välj attestant i listan."
    if errors:
        raise ValidationFailed(errors)
    previous = order.attestant_id
    set_order_status(session, order, expected={WAITING}, new=WAITING,
                     omrade_id=omrade.id, enhet_id=enhet.id, attestant_id=attestant_id)
    audit.record(session, actor.person, "order.attestant_changed", "order", order.number,
                 previous_attestant_id=previous, attestant_id=attestant_id)
    from .fulfilment import on_attestant_changed

    session.flush()
    session.refresh(order, ["attestant"])
    on_attestant_changed(session, order)  # the new attestant's mail, in this transaction
    session.commit()
    return order


def person_name(session: Session, person_id: int) -> str:
    """Name (vgr-id) of a person id, for messages."""
    person = session.get(Person, person_id)
    return person.display if person else ""
