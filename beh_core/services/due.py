"""Dated actions: ``flask --app beh_core beh run-due``, safe to run every minute from cron.

Each pass
1. carries out automatic lines whose start date has come (Schemalagd -> utförd);
2. ends held permissions whose end date has passed (recorded once, audited);
3. reminds attestants of orders waiting longer than ATTEST_REMINDER_DAYS, once per
   order and reminder period;
4. removes order drafts nobody touched for a week.

Every action is its own transaction with its own audit event, and each is
guarded (row locks, unique constraints, "not yet done" conditions), so running
twice, or two processes at once, changes nothing more.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from .. import audit
from ..models import AttestReminder, HeldPermission, Order, OrderStatus, PermissionEnding, utcnow
from . import mail
from .drafts import purge_drafts
from .fulfilment import run_due_lines

if TYPE_CHECKING:
    from ..runtime import Runtime


@dataclass
class DueReport:
    """What one run-due pass did."""

    activated: int = 0
    ended: int = 0
    reminded: int = 0

    def __str__(self) -> str:
        return (f"Aktiverade rader: {self.activated}, avslutade behörigheter: {self.ended}, "
                f"påminnelser: {self.reminded}")


def run_due(session: Session, rt: "Runtime", *, today: date | None = None, reminder_days: int = 3) -> DueReport:
    """Run every dated action for ``today`` (default: the real date); idempotent."""
    today = today or date.today()
    report = DueReport()
    report.activated = run_due_lines(session, rt, today)
    report.ended = end_expired_permissions(session, today)
    report.reminded = remind_attestants(session, rt, today, reminder_days)
    purge_drafts(session)
    return report


def end_expired_permissions(session: Session, today: date, limit: int = 1000) -> int:
    """Record the end of held permissions whose valid_to has passed; one transaction and event each."""
    candidates = list(session.scalars(
        select(HeldPermission.id).where(
            HeldPermission.valid_to < today,
            ~exists().where(PermissionEnding.held_permission_id == HeldPermission.id),
        ).order_by(HeldPermission.id).limit(limit)))
    ended = 0
    for permission_id in candidates:
        permission = session.get(HeldPermission, permission_id)
        permission.ended_at = permission.ended_at or utcnow()
        session.add(PermissionEnding(held_permission_id=permission.id, ended_on=permission.valid_to + timedelta(days=1)))
        audit.record(session, None, "permission.ended", "held_permission", permission.id,
                     item_key=permission.item_key, person_id=permission.person_id,
                     valid_to=permission.valid_to.isoformat())
        try:
            session.commit()
        except IntegrityError:  # another run-due recorded it first
            session.rollback()
            continue
        ended += 1
    return ended


def reminder_period(created_at: datetime, today: date, days: int) -> int:
    """How many whole reminder periods an order created at ``created_at`` has waited on ``today``."""
    waited = (today - created_at.date()).days
    return waited // days if days > 0 else 0


def remind_attestants(session: Session, rt: "Runtime", today: date, days: int, batch: int = 500) -> int:
    """Mail the attestant of every order waiting at least ``days`` days, once per order and period."""
    if days <= 0:
        return 0
    cutoff = datetime.combine(today - timedelta(days=days), time.max, timezone.utc)
    reminded, last_id = 0, 0
    while True:
        orders = list(session.scalars(
            select(Order).where(Order.status == OrderStatus.VANTAR_PA_ATTEST.value, Order.created_at <= cutoff,
                                Order.id > last_id).order_by(Order.id).limit(batch)))
        if not orders:
            return reminded
        last_id = orders[-1].id
        sent = {(row.order_id, row.period) for row in session.execute(
            select(AttestReminder.order_id, AttestReminder.period).where(
                AttestReminder.order_id.in_([o.id for o in orders])))}
        wanted = [(o.id, reminder_period(o.created_at, today, days)) for o in orders]
        session.rollback()
        for order_id, period in wanted:
            if period >= 1 and (order_id, period) not in sent:
                reminded += _remind(session, rt, order_id, period, today)


def _remind(session: Session, rt: "Runtime", order_id: int, period: int, today: date) -> int:
    """One reminder: the mail, the reminder row (unique per period) and the audit event, in one transaction."""
    order = session.scalar(select(Order).where(Order.id == order_id).options(
        joinedload(Order.attestant), joinedload(Order.end_user), joinedload(Order.orderer)))
    if order is None or order.status != OrderStatus.VANTAR_PA_ATTEST.value:
        return 0
    waited = (today - order.created_at.date()).days
    session.add(AttestReminder(order_id=order.id, period=period, attestant_id=order.attestant_id))
    mail.mail_attest_reminder(session, rt, order, waited)
    audit.record(session, None, "order.attest_reminder", "order", order.number,
                 attestant_id=order.attestant_id, days=waited)
    try:
        session.commit()
    except IntegrityError:  # a parallel run-due sent this period's reminder
        session.rollback()
        return 0
    return 1
