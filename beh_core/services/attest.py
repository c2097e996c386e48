"""Attest: the attestant removes lines, approves or rejects a step; the orderer changes attestant.

An order has one or more attest steps (Attest, Ekonomisk attest, ...), decided in
order; ``orders.attestant_id`` is always the attestant of the waiting step. Every
decision is a compare-and-set on the step and the order, one transaction with one
audit event, and its event fires after the commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..messages import N_
from .. import audit, authz
from ..log_masking import mask_free_text
from ..authz import Actor
from ..models import (STEP_APPROVED, STEP_LATER, STEP_REJECTED, STEP_WAITING, AuditEvent, Enhet, Omrade, Order,
                      OrderLine, OrderStatus, Person, utcnow)
from . import attest_rules, events, mail
from .errors import Conflict, NotFound, ValidationFailed
from .order_info import OrderInfo
from .transitions import set_order_status, set_step_status

if TYPE_CHECKING:
    from ..runtime import Runtime

WAITING = OrderStatus.VANTAR_PA_ATTEST.value
COMMENT_MAX = 2000
KEEP_ONE = N_("Minst en behörighet måste finnas kvar. Avslå beställningen i stället.")
SAME_ATTESTANT = N_("Välj en annan attestant än den nuvarande.")


def get_order(session: Session, number: str) -> Order:
    """The order with the number, or NotFound."""
    order = session.scalar(select(Order).where(Order.number == number))
    if order is None:
        raise NotFound(N_("Beställningen finns inte."))
    return order


def remove_lines(session: Session, rt: "Runtime", actor: Actor, order: Order, line_ids: list[int]) -> Order:
    """Ta bort markerade: the attestant removes lines before deciding. At least one must remain.

    The order row is locked first (compare-and-set on its status) and the lines are read again under
    the lock, so two removals at once never leave an order without lines.
    """
    authz.require(authz.may_attest(actor, order), N_("Du kan inte attestera denna beställning."))
    wanted = {int(i) for i in line_ids}
    if not wanted:
        raise ValidationFailed({"lines": N_("Markera de behörigheter som ska tas bort.")})
    # Still waiting, and still this attestant's (not changed by Byt attestant meanwhile).
    set_order_status(session, order, expected={WAITING}, new=WAITING, where=(Order.attestant_id == actor.id,))
    active = [line for line in _committed_lines(session, order) if not line.removed]
    removed = [line for line in active if line.id in wanted]
    if not removed:
        session.rollback()
        raise ValidationFailed({"lines": N_("De markerade behörigheterna finns inte längre i beställningen. Ladda om sidan.")})
    if len(removed) == len(active):
        session.rollback()
        raise ValidationFailed({"lines": KEEP_ONE})
    for line in removed:
        line.removed = True
    audit.record(session, actor, "order.lines_removed", "order", order.number,
                 lines=[line.item_name for line in removed])
    session.commit()
    events.fire(rt, events.ORDER_LINES_REMOVED, order, actor)
    return order


def _committed_lines(session: Session, order: Order) -> list[OrderLine]:
    """The order's lines as committed now (call under the order's lock)."""
    return list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                .order_by(OrderLine.position, OrderLine.id)
                                .execution_options(populate_existing=True)))


def check_decision(actor: Actor, order: Order, *, approve: bool, comment: str) -> str:
    """The rules of a decision (still waiting, the actor may attest, Avslå has a comment); returns the comment
    to record: empty for Godkänn, and for Avslå as typed with every personnummer in it masked."""
    if order.status != WAITING or order.current_step is None:
        raise Conflict(N_("Beställningen är redan hanterad."))
    authz.require(authz.may_attest(actor, order), N_("Du kan inte attestera denna beställning."))
    if approve:
        # The field is Kommentar vid avslag: text left in it when Godkänn is pressed is no comment of an approval
        # (it would show as "Kommentar vid avslag" on an approved order). Every approval (one order, Godkänn
        # markerade, a signed document) comes through here, so none stores or signs one.
        return ""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed({"comment": N_("Ange en kommentar vid avslag.")})
    if len(comment) > COMMENT_MAX:  # the limit the attestant sees applies to what they typed
        raise ValidationFailed({"comment": N_("Kommentaren får vara högst %(max)s tecken.", max=COMMENT_MAX)})
    # A personnummer typed into the comment ("rätt är 19870612-0014") is masked here, before the comment reaches
    # the order, its step, the signed document, the audit details and the orderer's mail: it is shown and
    # audited nowhere unmasked (docs/decisions.md).
    return mask_free_text(comment)


def decide(session: Session, rt: "Runtime", actor: Actor, order: Order, *, approve: bool, comment: str = "",
           signature_id: int | None = None) -> Order:
    """Record Godkänn or Avslå of the waiting step in one transaction. Avslå needs a comment.

    Godkänn of a step with a step after it hands the order to that step's attestant (and mails
    them); Godkänn of the last step attests the order and plans its fulfilment; Avslå at any step
    rejects the order.
    """
    event = _record_decision(session, rt, actor, order, approve=approve, comment=comment, signature_id=signature_id)
    session.commit()
    events.fire(rt, event, order, actor)
    if event == events.ORDER_APPROVED:
        # Automatic lines due today run now, each in its own transaction; run-due retries any left behind.
        from . import fulfilment

        fulfilment.run_due_lines(session, rt, actor.today, order_id=order.id)
    return order


def decide_many(session: Session, rt: "Runtime", actor: Actor, orders: list[Order], *,
                signature_ids: dict[int, int] | None = None) -> list[Order]:
    """Godkänn markerade: approve the waiting step of every order in ONE transaction (all or none).

    Each order gets the same checks, compare-and-set and audit event as ``decide``; if one of them
    cannot be approved (decided meanwhile, no longer the actor's), nothing is recorded. ``signature_ids``:
    order id -> the signature row backing its approval (one signature over the whole list).
    """
    if not orders:
        raise ValidationFailed({"order": N_("Markera de beställningar som ska godkännas.")})
    fired, mails = [], Mails()
    for order in orders:
        try:
            fired.append(_record_decision(session, rt, actor, order, approve=True, comment="",
                                          signature_id=(signature_ids or {}).get(order.id), mails=mails))
        except (Conflict, ValidationFailed, authz.Forbidden):
            session.rollback()
            raise
    # One mail per orderer and per next attestant for the whole list, in the same transaction.
    mail.mail_decisions(session, rt, mails.decisions, decided_by=actor.person)
    mail.mail_attest_requests_of(session, rt, mails.requests)
    session.commit()
    for order, event in zip(orders, fired):
        events.fire(rt, event, order, actor)
    from . import fulfilment

    for order, event in zip(orders, fired):
        if event == events.ORDER_APPROVED and order.start_date <= actor.today:
            fulfilment.run_due_lines(session, rt, actor.today, order_id=order.id)
    return orders


@dataclass
class Mails:
    """Mails a list of decisions collects, to send grouped: (order, step label) approved, orders for a next step."""

    decisions: list[tuple] = field(default_factory=list)
    requests: list[Order] = field(default_factory=list)


def _record_decision(session: Session, rt: "Runtime", actor: Actor, order: Order, *, approve: bool,
                     comment: str = "", signature_id: int | None = None, mails: Mails | None = None) -> str:
    """The decision of the waiting step, in the caller's transaction (not committed); returns its event.

    ``mails``: collect the mails instead of sending one per order (``decide_many``).
    """
    comment = check_decision(actor, order, approve=approve, comment=comment)
    step = order.current_step
    following = next((s for s in order.attest_steps if s.position > step.position), None)
    now = utcnow()
    # Compare-and-set on the step, still waiting and still this attestant's: of two decisions sent at once
    # (two windows) only one is recorded, and a decision that meets Byt attestant committed first is refused.
    set_step_status(session, step.id, expected={STEP_WAITING}, new=STEP_APPROVED if approve else STEP_REJECTED,
                    expected_attestant_id=actor.id, decided_at=now, comment=comment or None)
    if approve and not [line for line in _committed_lines(session, order) if not line.removed]:
        session.rollback()  # defence in depth: an order without lines would wait in the queue for ever
        raise ValidationFailed({"lines": KEEP_ONE})
    if approve and following is not None:
        set_order_status(session, order, expected={WAITING}, new=WAITING, attestant_id=following.attestant_id)
        set_step_status(session, following.id, expected={STEP_LATER}, new=STEP_WAITING)
        session.refresh(order, ["attest_steps", "attestant"])
        audit.record(session, actor, "order.step_approved", "order", order.number, step=step.key,
                     signature_id=signature_id, next_step=following.key, attestant_id=following.attestant_id)
        if mails is None:
            mail.mail_attest_request(session, rt, order)
        else:
            mails.requests.append(order)
        return events.ORDER_STEP_APPROVED
    set_order_status(session, order, expected={WAITING},
                     new=(OrderStatus.ATTESTERAD if approve else OrderStatus.AVSLAGEN).value,
                     decided_at=now, decision_comment=comment or None)
    audit.record(session, actor, "order.approved" if approve else "order.rejected", "order", order.number,
                 comment=comment or None, signature_id=signature_id, step=step.key,
                 lines=[line.item_name for line in order.active_lines])
    from . import fulfilment

    # The orderer's mail and the plan of each line (automatic / schemalagd / Service Desk), in this transaction.
    step_label = step.label if len(order.attest_steps) > 1 else ""
    fulfilment.on_decided(session, rt, order, approved=approve, today=actor.today, decided_by=actor.person,
                          step_label=step_label, mail_orderer=mails is None)
    if mails is not None:
        mails.decisions.append((order, step_label))
    return events.ORDER_APPROVED if approve else events.ORDER_REJECTED


def attestant_choices(session: Session, rt: "Runtime", order: Order, *, omrade_id: int | None,
                      enhet_id: int | None, today: date) -> list[Person]:
    """Who the waiting step could go to at the given place (Byt attestant's list)."""
    step = order.current_step
    catalogue = rt.registry.catalogue(order.catalogue)
    declared = next((s for s in catalogue.attest_steps if s.key == step.key), None) if catalogue and step else None
    if declared is None:
        return []
    info = replace(OrderInfo.of(order), omrade_id=omrade_id, enhet_id=enhet_id)
    return attest_rules.candidates(session, rt, catalogue, declared, info, today)


def change_attestant(session: Session, rt: "Runtime", actor: Actor, order: Order, *, omrade_id: int | None,
                     enhet_id: int | None, attestant_id: int | None, today: date | None = None,
                     shown_attestant_id: int | None = None) -> Order:
    """Byt attestant while the order waits: choose område and verksamhet (L/R) and a new attestant.

    ``shown_attestant_id``: the attestant the orderer's page named. When another tab or person changed it
    since, nothing is changed and the orderer is told who attests now (the last of two Byt would otherwise
    silently replace the first, whose attestant already has the mail).
    """
    authz.require(authz.may_change_attestant(actor, order), N_("Attestant kan bara bytas av beställaren före attest."))
    today = today or actor.today
    step = order.current_step
    if shown_attestant_id is not None and shown_attestant_id != order.attestant_id:
        raise _replaced_meanwhile(session, order)
    errors: dict[str, str] = {}
    if step.rule == "area":
        omrade = session.get(Omrade, omrade_id) if omrade_id else None
        if omrade is None or omrade.forvaltning_id != order.forvaltning_id:
            errors["omrade_id"] = N_("Välj område.")
        elif not authz.may_order_in(actor, order.forvaltning_id, omrade.id):
            # The same rule as when ordering: the new område must be inside the orderer's delegations.
            errors["omrade_id"] = N_("Du har ingen beställardelegering för detta område.")
        enhet = session.get(Enhet, enhet_id) if enhet_id else None
        if not errors and (enhet is None or enhet.omrade_id != omrade.id):
            errors["enhet_id"] = N_("Välj verksamhet.")
    else:  # the vårdenhet stays; only the attestant changes
        omrade_id, enhet_id = order.omrade_id, order.enhet_id
    if not errors:
        allowed = {p.id for p in attestant_choices(session, rt, order, omrade_id=omrade_id, enhet_id=enhet_id,
                                                    today=today)}
        if attestant_id not in allowed:
            errors["attestant_id"] = N_("Välj attestant i listan.")
        elif attestant_id == order.attestant_id:
            # Nothing to change: "bytt" and a second "Attestant bytt" in the history would say otherwise.
            errors["attestant_id"] = SAME_ATTESTANT
    if errors:
        raise ValidationFailed(errors)
    previous = order.attestant_id
    # The step first, then the order (the order a decision takes them in, so the two never deadlock), each a
    # compare-and-set on the attestant the orderer saw: a decision committed meanwhile makes this one lose.
    try:
        set_step_status(session, step.id, expected={STEP_WAITING}, new=STEP_WAITING,
                        expected_attestant_id=step.attestant_id, attestant_id=attestant_id)
        set_order_status(session, order, expected={WAITING}, new=WAITING, where=(Order.attestant_id == previous,),
                         omrade_id=omrade_id, enhet_id=enhet_id, attestant_id=attestant_id)
    except Conflict:
        # Another tab changed the attestant at the same moment: said at the field, as when it changed before.
        session.rollback()
        session.refresh(order)
        if order.status == WAITING and order.attestant_id != previous:
            raise _replaced_meanwhile(session, order) from None
        raise
    audit.record(session, actor, "order.attestant_changed", "order", order.number,
                 previous_attestant_id=previous, attestant_id=attestant_id, step=step.key)
    session.flush()
    session.refresh(order, ["attestant"])
    mail.mail_attest_request(session, rt, order, changed=True)  # the new attestant's mail, in this transaction
    session.commit()
    events.fire(rt, events.ORDER_ATTESTANT_CHANGED, order, actor)
    return order


def _replaced_meanwhile(session: Session, order: Order) -> ValidationFailed:
    """The refusal of a Byt attestant whose page named an attestant another tab or person has replaced."""
    return ValidationFailed({"attestant_id": N_(
        "Attestanten har redan bytts till %(name)s, i en annan flik eller av någon annan. Välj på nytt om du "
        "vill byta igen.", name=person_name(session, order.attestant_id))})


def was_replaced_attestant(session: Session, order: Order, person_id: int) -> bool:
    """Was the person the order's attestant until the orderer changed it (Byt attestant)?"""
    changes = session.scalars(select(AuditEvent.details).where(
        AuditEvent.object_type == "order", AuditEvent.object_id == order.number,
        AuditEvent.action == "order.attestant_changed"))
    return any((details or {}).get("previous_attestant_id") == person_id for details in changes)


def person_name(session: Session, person_id: int) -> str:
    """Name (vgr-id) of a person id, for messages."""
    person = session.get(Person, person_id)
    return person.display if person else ""
