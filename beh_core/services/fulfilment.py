"""Carrying out attested orders: plugin fulfilment, Service Desk per line, komplettering, Makulera.

Line statuses (``OrderLine.status``) are those of ``models.fulfilment``: waiting
for the Service Desk, automatic (due now), schemalagd (automatic, waiting for
the start date), fel (automatic failed: Service Desk) and utförd. A fulfilled
line changes the end user's held permissions; when every line is done the
order is Avslutad and the orderer gets a mail. Every change fires its event
after the commit, whoever caused it (a view, the Service Desk, run-due).
"""
from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..messages import Message, N_, label
from .. import audit, authz
from ..log_masking import mask_free_text
from ..authz import Actor
from ..catalogue import CatalogItem, FulfilmentResult
from ..models import Credential, Komplettering, LineFulfilment, Order, OrderLine, OrderStatus, utcnow
from ..models.fulfilment import LINE_AUTOMATIC, LINE_DONE, LINE_FAILED, LINE_SCHEDULED, LINE_WAITING
from . import credentials, events, mail
from .errors import Conflict, NotFound, ValidationFailed
from .held import apply_to_held_permissions
from .order_info import LineInfo, OrderInfo
from .order_queries import STATUS_LABELS
from .transitions import lock_order, set_line_status, set_order_status

if TYPE_CHECKING:
    from ..runtime import Runtime

log = logging.getLogger(__name__)

AUTOMATIC = ("on_attest", "on_start")
OPEN_STATUSES = (OrderStatus.ATTESTERAD.value, OrderStatus.UNDER_UTFORANDE.value, OrderStatus.KOMPLETTERING.value,
                 OrderStatus.SCHEMALAGD.value)
# Open and not waiting for the orderer's komplettering: the Service Desk may carry out lines.
WORKABLE_STATUSES = {OrderStatus.ATTESTERAD.value, OrderStatus.UNDER_UTFORANDE.value, OrderStatus.SCHEMALAGD.value}
NOT_DONE = {LINE_WAITING, LINE_AUTOMATIC, LINE_SCHEDULED, LINE_FAILED}
TEXT_MAX = 2000


# --- Called by attest inside its transaction -------------------------------------------

def on_decided(session: Session, rt: "Runtime", order: Order, *, approved: bool, today: date, decided_by=None,
               step_label: str = "", mail_orderer: bool = True) -> None:
    """In decide's transaction: mail the orderer and, when approved, plan how each line is carried out.

    Automatic lines (``on_attest``/``on_start``) whose start date has come become due now, later
    ones Schemalagd; the rest wait for the Service Desk. ``run_due_lines`` carries out due lines.
    ``mail_orderer=False``: the caller mails (Godkänn markerade sends one mail per orderer).
    """
    if not approved:
        if mail_orderer:
            mail.mail_decision(session, rt, order, approved, decided_by=decided_by, step_label=step_label)
        return
    for line in order.active_lines:
        item = rt.registry.get(line.item_key)
        if item is not None and item.fulfilment in AUTOMATIC:
            line.status = LINE_AUTOMATIC if order.start_date <= today else LINE_SCHEDULED
            session.add(LineFulfilment(line_id=line.id, order_id=order.id, automatic=True, feedback={},
                                       attempts=0, due_on=order.start_date))
        else:
            line.status = LINE_WAITING
    refresh_status(order)
    if mail_orderer:  # after the lines are planned: the mail says whether it is carried out now or later
        mail.mail_decision(session, rt, order, approved, decided_by=decided_by, step_label=step_label)


def refresh_status(order: Order) -> str:
    """Derive the order status from its lines (Komplettering begärd is kept until answered)."""
    lines = order.active_lines
    if lines and all(line.status == LINE_DONE for line in lines):
        order.status = OrderStatus.AVSLUTAD.value
    elif order.status == OrderStatus.KOMPLETTERING.value:
        pass
    elif any(line.status in (LINE_WAITING, LINE_FAILED, LINE_AUTOMATIC) for line in lines):
        started = any(line.status == LINE_DONE for line in lines)
        order.status = (OrderStatus.UNDER_UTFORANDE if started else OrderStatus.ATTESTERAD).value
    else:
        order.status = OrderStatus.SCHEMALAGD.value
    return order.status


# --- Automatic fulfilment by plugins ---------------------------------------------

def due_line_ids(session: Session, today: date, order_id: int | None = None, limit: int = 500) -> list[int]:
    """Automatic lines whose start date has come and that are not carried out or failed yet."""
    stmt = select(LineFulfilment.line_id).where(
        LineFulfilment.due_on <= today, LineFulfilment.done_at.is_(None), LineFulfilment.error.is_(None))
    if order_id is not None:
        stmt = stmt.where(LineFulfilment.order_id == order_id)
    return list(session.scalars(stmt.order_by(LineFulfilment.id).limit(limit)))


def run_due_lines(session: Session, rt: "Runtime", today: date, *, order_id: int | None = None) -> int:
    """Carry out every due automatic line (of one order, or all); one transaction per line. Returns count."""
    done = 0
    for line_id in due_line_ids(session, today, order_id):
        done += fulfil_automatic_line(session, rt, line_id, today)
    return done


def _call_plugin(rt: "Runtime", item: CatalogItem | None, line: OrderLine, order: Order) -> tuple[FulfilmentResult | None, str | None]:
    """The owner's beh_fulfil_line: (result, error text). A raising plugin never loses the line."""
    if item is None:
        return None, N_("Ingen plugin utförde raden.")
    try:
        result = rt.plugins.call_owner(item.owner, "beh_fulfil_line", item=item, line=LineInfo.of(line),
                                       order=OrderInfo.of(order))
    except Exception as exc:  # noqa: BLE001 - a failing plugin must never lose the line
        log.exception("Automatic fulfilment of %s line %s failed", order.number, line.id)
        # The plugin's text goes to the line, the audit details and the Service Desk's page: an exception or
        # error naming the end user by personnummer must not carry it there unmasked.
        # Masked before it is cut short, so a cut never leaves part of a personnummer unmasked.
        return None, mask_free_text(f"{type(exc).__name__}: {exc}")[:TEXT_MAX]
    if result is None or not result.done:
        error = mask_free_text(result.error) if result and result.error else N_("Ingen plugin utförde raden.")
        return result, error[:TEXT_MAX]
    return result, None


def fulfil_automatic_line(session: Session, rt: "Runtime", line_id: int, today: date) -> bool:
    """Call the owner's beh_fulfil_line for one due line; a failure sends it to the Service Desk with the error.

    Locks are taken in the same order as ``mark_line_done`` (fulfilment record, line, order), so the
    two never deadlock: the line is claimed with a compare-and-set before the plugin runs and stays
    locked until the result is committed; a Service Desk user marking it Utförd meanwhile waits and
    then gets a Conflict, and a second run-due skips it.
    """
    # Lock the row so two run-due processes never fulfil one line twice (PostgreSQL; SQLite serialises).
    record = session.scalar(select(LineFulfilment).where(
        LineFulfilment.line_id == line_id, LineFulfilment.due_on <= today, LineFulfilment.done_at.is_(None),
        LineFulfilment.error.is_(None)).with_for_update(skip_locked=True))
    if record is None:
        session.rollback()
        return False
    # populate_existing: objects kept from an earlier line of this run (expire_on_commit is off) are re-read.
    line = session.get(OrderLine, line_id, populate_existing=True)
    order = session.scalar(select(Order).where(Order.id == line.order_id).options(
        joinedload(Order.end_user), joinedload(Order.orderer)).execution_options(populate_existing=True))
    if order.status not in OPEN_STATUSES or line.removed or line.status not in (LINE_AUTOMATIC, LINE_SCHEDULED):
        # Nothing to carry out any more (withdrawn line, closed order, or done by hand): stop waiting for it.
        record.due_on = None
        audit.record(session, None, "line.automatic_cancelled", "order", order.number, line=line.item_name,
                     line_id=line.id, order_status=order.status, line_status=line.status, removed=line.removed)
        session.commit()
        return False
    try:
        # The claim: scheduled -> automatic (being carried out) only if nobody changed the line meanwhile.
        set_line_status(session, line.id, expected={LINE_AUTOMATIC, LINE_SCHEDULED}, new=LINE_AUTOMATIC)
    except Conflict:
        return False  # set_line_status rolled back; whoever changed the line has recorded it
    item = rt.registry.get(line.item_key)
    record.attempts += 1
    result, error = _call_plugin(rt, item, line, order)
    try:
        # The order row, then fresh lines, so the order status is derived from what is committed.
        lock_order(session, order, expected=set(OPEN_STATUSES))
    except Conflict:
        log.warning("Order %s closed while line %s was carried out automatically", order.number, line_id)
        return False
    if error is not None:
        set_line_status(session, line.id, expected={LINE_AUTOMATIC}, new=LINE_FAILED)
        record.error, record.due_on = error, None
        refresh_status(order)
        audit.record(session, None, "line.fulfilment_failed", "order", order.number, line=line.item_name,
                     line_id=line.id, error=error)
        session.commit()
        events.fire(rt, events.LINE_FULFILMENT_FAILED, order, None, line=line)
        return False
    set_line_status(session, line.id, expected={LINE_AUTOMATIC}, new=LINE_DONE)
    completed = _complete_line(session, rt, order, line, item, result.feedback, today, record=record)
    audit.record(session, None, "line.fulfilled", "order", order.number, line=line.item_name, line_id=line.id,
                 automatic=True, order_completed=completed)
    session.commit()
    _fire_done(rt, order, line, None, completed)
    return True


def _fire_done(rt: "Runtime", order: Order, line: OrderLine, actor, completed: bool) -> None:
    events.fire(rt, events.LINE_FULFILLED, order, actor, line=line)
    if completed:
        events.fire(rt, events.ORDER_COMPLETED, order, actor)


# --- Service Desk ----------------------------------------------------------------

def check_feedback(item: CatalogItem | None, values: dict[str, str], line_id: int, kind: str) -> dict[str, str]:
    """Check the feedback fields typed for a line of an order of ``kind``; returns {form key: Swedish message}."""
    errors: dict[str, str] = {}
    for spec in item.feedback_for(kind) if item else ():
        value = (values.get(spec.name) or "").strip()
        key = f"line{line_id}.{spec.name}"
        if spec.required and not value:
            errors[key] = N_("Fyll i %(label)s.", label=label(spec.label))
        elif len(value) > spec.max_length:
            errors[key] = N_("%(label)s får vara högst %(max)s tecken.", label=label(spec.label), max=spec.max_length)
    return errors


def _require_fulfillable(actor: Actor, order: Order) -> None:
    """Service Desk only (Forbidden otherwise); an order that is no longer carried out (finished, withdrawn,
    as a second click or another tab finds it) is a Conflict that says its status, not a refusal."""
    if actor.is_fulfiller and order.status not in authz.FULFILMENT_STATUSES:
        raise Conflict(N_("Beställningen har status %(status)s och utförs inte längre.",
                          status=label(STATUS_LABELS.get(order.status, order.status))))
    authz.require(authz.may_fulfil(actor, order), N_("Du kan inte utföra denna beställning."))


def mark_line_done(session: Session, rt: "Runtime", actor: Actor, order: Order, line_id: int,
                   feedback: dict[str, str], today: date | None = None) -> bool:
    """Utförd: the Service Desk carried out one line, with its feedback (credentials). Returns order completed.

    One transaction with one audit event. Two people clicking Utförd on the same line at once: the
    line's compare-and-set lets exactly one through; the other gets Conflict (reload the page).
    """
    _require_fulfillable(actor, order)
    if order.status == OrderStatus.KOMPLETTERING.value:
        raise Conflict(N_("Beställningen väntar på komplettering från beställaren."))
    line = next((candidate for candidate in order.active_lines if candidate.id == line_id), None)
    if line is None:
        raise NotFound(N_("Raden finns inte i beställningen."))
    if line.status == LINE_DONE:
        raise Conflict(N_("%(item)s är redan utförd.", item=line.item_name))
    item = rt.registry.get(line.item_key)
    errors = check_feedback(item, feedback, line.id, order.kind)
    if errors:
        raise ValidationFailed(errors)
    # Locks in the order of fulfil_automatic_line: fulfilment record (if any), line, order.
    record = session.scalar(select(LineFulfilment).where(LineFulfilment.line_id == line.id).with_for_update())
    set_line_status(session, line.id, expected=NOT_DONE, new=LINE_DONE,
                    message=N_("%(item)s är redan utförd eller har ändrats av någon annan. Ladda om sidan.",
                               item=line.item_name))
    lock_order(session, order, expected=WORKABLE_STATUSES)
    completed = _complete_line(session, rt, order, line, item, feedback, today or actor.today, actor=actor,
                               record=record)
    audit.record(session, actor, "line.fulfilled", "order", order.number, line=line.item_name,
                 line_id=line.id, automatic=False, order_completed=completed)
    session.commit()
    _fire_done(rt, order, line, actor, completed)
    return completed


def _complete_line(session: Session, rt: "Runtime", order: Order, line: OrderLine, item: CatalogItem | None,
                   feedback: dict[str, str], today: date, *, actor: Actor | None = None,
                   record: LineFulfilment | None = None) -> bool:
    """Record a done line: feedback (secret values encrypted), held permission, order status, completion mail."""
    specs = {spec.name: spec for spec in (item.feedback_for(order.kind) if item else ())}
    plain = {k: v.strip() for k, v in feedback.items() if k in specs and not specs[k].secret and v and v.strip()}
    secret = {k: v.strip() for k, v in feedback.items() if k in specs and specs[k].secret and v and v.strip()}
    record = record or session.scalar(select(LineFulfilment).where(LineFulfilment.line_id == line.id))
    if record is None:
        record = LineFulfilment(line_id=line.id, order_id=order.id, automatic=False, attempts=0)
        session.add(record)
    record.done_at, record.done_by_id = utcnow(), actor.id if actor else None
    record.feedback, record.due_on, record.error = plain, None, None
    if secret:
        existing = session.scalar(select(Credential).where(Credential.line_id == line.id))
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.add(Credential(order_id=order.id, line_id=line.id,
                               ciphertext=credentials.encrypt(secret, rt.config)))
    line.status = LINE_DONE
    # Automatic fulfilment (no actor) joins a permission created at the same moment; a person is asked to retry.
    apply_to_held_permissions(session, order, line, today, join_concurrent=actor is None)
    if refresh_status(order) == OrderStatus.AVSLUTAD.value:
        session.flush()
        has_credentials = session.scalar(select(Credential.id).where(Credential.order_id == order.id).limit(1))
        mail.mail_completed(session, rt, order, has_credentials is not None)
        return True
    return False


def request_komplettering(session: Session, rt: "Runtime", actor: Actor, order: Order, message: str) -> Komplettering:
    """Begär komplettering: ask the orderer for more information; the order waits for the answer."""
    _require_fulfillable(actor, order)
    if order.status == OrderStatus.KOMPLETTERING.value:
        raise Conflict(N_("Komplettering är redan begärd."))
    message = (message or "").strip()
    if not message:
        raise ValidationFailed({"message": N_("Skriv vad som behöver kompletteras.")})
    if len(message) > TEXT_MAX:  # the limit the Service Desk sees applies to what they typed
        raise ValidationFailed({"message": N_("Meddelandet får vara högst %(max)s tecken.", max=TEXT_MAX)})
    # Masked once here, so the stored request, the orderer's mail and every page showing it get the masked
    # text: a personnummer is never shown unmasked (docs/decisions.md).
    message = mask_free_text(message)
    set_order_status(session, order, expected=WORKABLE_STATUSES, new=OrderStatus.KOMPLETTERING.value)
    request = Komplettering(order_id=order.id, requested_by_id=actor.id, message=message)
    session.add(request)
    mail.mail_komplettering(session, rt, order, message)
    audit.record(session, actor, "order.komplettering_requested", "order", order.number)
    session.commit()
    events.fire(rt, events.ORDER_KOMPLETTERING_REQUESTED, order, actor)
    return request


def open_komplettering(session: Session, order: Order) -> Komplettering | None:
    """The unanswered komplettering request of the order, if any."""
    return session.scalar(select(Komplettering).where(
        Komplettering.order_id == order.id, Komplettering.answered_at.is_(None)).order_by(Komplettering.id.desc()))


def answer_komplettering(session: Session, rt: "Runtime", actor: Actor, order: Order, answer: str) -> Komplettering:
    """The orderer answers the komplettering; the order goes back to the Service Desk queue."""
    if order.orderer_id == actor.id and order.status != OrderStatus.KOMPLETTERING.value:
        # The orderer's second answer (a double click, another tab): the first one was taken, not a lack of rights.
        raise Conflict(N_("Det finns ingen komplettering att svara på."))
    authz.require(authz.may_answer_komplettering(actor, order), N_("Bara beställaren kan svara på kompletteringen."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed({"answer": N_("Skriv ditt svar på kompletteringen.")})
    if len(answer) > TEXT_MAX:  # the limit the orderer sees applies to what they typed
        raise ValidationFailed({"answer": N_("Svaret får vara högst %(max)s tecken.", max=TEXT_MAX)})
    # Masked before it is stored: the Service Desk's page and the Återkoppling page show the answer as stored.
    answer = mask_free_text(answer)
    if open_komplettering(session, order) is None:
        raise Conflict(N_("Det finns ingen komplettering att svara på."))
    set_order_status(session, order, expected={OrderStatus.KOMPLETTERING.value},
                     new=OrderStatus.UNDER_UTFORANDE.value)
    # Under the order's lock now: the open request and the lines as committed.
    request = open_komplettering(session, order)
    if request is None:
        session.rollback()
        raise Conflict(N_("Det finns ingen komplettering att svara på."))
    session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                    .execution_options(populate_existing=True)).all()
    request.answer, request.answered_by_id, request.answered_at = answer, actor.id, utcnow()
    refresh_status(order)
    audit.record(session, actor, "order.komplettering_answered", "order", order.number)
    session.commit()
    events.fire(rt, events.ORDER_KOMPLETTERING_ANSWERED, order, actor)
    return request


def withdraw_refusal(order: Order) -> Message:
    """Why the orderer cannot withdraw the order (it no longer waits for attest)."""
    if order.status == OrderStatus.MAKULERAD.value:
        return N_("Beställningen är redan makulerad.")
    return N_("Beställningen kan bara makuleras innan den är attesterad.")


def withdraw_order(session: Session, rt: "Runtime", actor: Actor, order: Order) -> Order:
    """Makulera: the orderer withdraws the order before attest; the attestant is told."""
    if order.orderer_id == actor.id and order.status != OrderStatus.VANTAR_PA_ATTEST.value:
        raise Conflict(withdraw_refusal(order))
    authz.require(authz.may_withdraw(actor, order), N_("Bara beställaren kan makulera beställningen."))
    # Racing the attestant's decision: whichever commits first wins, the other gets Conflict.
    set_order_status(session, order, expected={OrderStatus.VANTAR_PA_ATTEST.value},
                     new=OrderStatus.MAKULERAD.value)
    mail.mail_withdrawn(session, rt, order)
    audit.record(session, actor, "order.withdrawn", "order", order.number)
    session.commit()
    events.fire(rt, events.ORDER_WITHDRAWN, order, actor)
    return order
