"""E-mail through an outbox: written in the transaction of the change, delivered by a sender over SMTP.

``enqueue_mail`` adds one ``outbox`` row to the caller's session (never commits).
``send_pending`` claims due rows in one short transaction (``SELECT ... FOR UPDATE
SKIP LOCKED``, then ``UPDATE ... WHERE id IN (...) AND still due RETURNING``, with
a lease), sends them and marks them sent. Several senders on PostgreSQL never claim the same row; SQLite
serialises writers anyway.

A message is never given up because of an outage: a temporary failure (no connection, time-out,
lost connection, any SMTP 4xx) is retried for ever with exponential back-off, at most
``MAIL_RETRY_MAX_SECONDS`` apart. Only a permanent rejection (a 5xx answer to the recipient or to
the message itself) or a recipient without an address marks it ``failed``; ``requeue_failed``
(``flask beh send-mail --retry-failed``) puts failed messages back in the queue.

Delivery status (claim, sent, retry, failed, requeue) is bookkeeping of the outbox, not a change of
the portal's state: it is committed without an audit event (the mail itself was written in the
audited transaction of the change it tells about).
"""
from __future__ import annotations

import logging
import math
import smtplib
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from ..database import Database
from ..models import OutboxMessage, Person, utcnow
from ..models.fulfilment import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENDING, OUTBOX_SENT
from . import links

if TYPE_CHECKING:
    from ..runtime import Runtime

log = logging.getLogger(__name__)


def _template_path(template: str) -> str:
    return template if "/" in template else f"mail/{template}.txt"


def enqueue_mail(session: Session, rt: "Runtime", *, to: Person, subject: str, template: str, context: dict,
                 link_path: str | None = None) -> OutboxMessage:
    """Render a Swedish mail to a person and add it to the outbox in the caller's transaction.

    :param rt: the runtime (templates, settings for the personal link).
    :param template: a name in ``templates/mail/`` without ``.txt`` (or a full template path).
    :param context: template variables; ``to`` (the person), ``link`` and ``catalogue`` lookups are added.
    :param link_path: a local path; the mail then holds a link that works only for ``to``.
    """
    link = links.link_url(rt.config, to.id, link_path) if link_path else None
    body = rt.render(_template_path(template), **{**context, "to": to, "link": link,
                                                   "catalogue_title": _catalogue_title(rt),
                                                   "unit_label": rt.registry.unit_label})
    domain = (rt.config.get("MAIL_FROM", "").rsplit("@", 1)[-1].strip(" >")) or "beh.local"
    message = OutboxMessage(
        to_person_id=to.id, to_address=to.email, subject=subject[:250], body=body, template=template[:80],
        message_id=f"<{uuid.uuid4().hex}@{domain}>", status=OUTBOX_PENDING, attempts=0, next_attempt_at=utcnow(),
    )
    if not to.email:
        message.status, message.last_error = OUTBOX_FAILED, "Mottagaren saknar e-postadress i katalogen."
    session.add(message)
    return message


def _catalogue_title(rt: "Runtime"):
    def title(key: str) -> str:
        catalogue = rt.registry.catalogue(key)
        return catalogue.title if catalogue else key
    return title


# --- Sending -------------------------------------------------------------------

@dataclass
class SendReport:
    """What one pass of the sender did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _claim(database: Database, worker: str, batch: int, lease: int, now: datetime) -> list[OutboxMessage]:
    """Atomically take up to ``batch`` due messages for this worker (one short transaction)."""
    due = or_(
        and_(OutboxMessage.status == OUTBOX_PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OUTBOX_SENDING, OutboxMessage.claimed_until < now),  # a crashed sender's
    )
    with database.sessionmaker() as session, session.begin():
        # Two statements on purpose: PostgreSQL may re-run a LIMITed SKIP LOCKED subquery inside
        # UPDATE ... IN (...) and take more rows than the limit. The locks hold until commit, and
        # repeating ``due`` in the UPDATE keeps SQLite (no row locks) from claiming a row twice.
        candidates = list(session.scalars(select(OutboxMessage.id).where(due).order_by(OutboxMessage.id)
                                          .limit(batch).with_for_update(skip_locked=True)))
        if not candidates:
            return []
        ids = list(session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(candidates), due)
            .values(status=OUTBOX_SENDING, claimed_by=worker, claimed_until=now + timedelta(seconds=lease),
                    attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id)
        ))
        if not ids:
            return []
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))
        session.expunge_all()
    return rows


def retry_delay(attempts: int, config: dict) -> int:
    """Seconds until the next attempt after ``attempts`` failed ones: base * 2**(attempts-1), capped."""
    base, cap = int(config.get("MAIL_RETRY_BASE_SECONDS", 60)), int(config.get("MAIL_RETRY_MAX_SECONDS", 3600))
    return min(base * 2 ** min(max(attempts - 1, 0), 30), cap)


def _finish(database: Database, message: OutboxMessage, worker: str, config: dict, now: datetime,
            error: str | None, permanent: bool = False) -> str:
    """Mark a claimed message sent, failed (permanent rejection only) or due again later; returns the status."""
    if error is None:
        values = {"status": OUTBOX_SENT, "sent_at": utcnow(), "claimed_by": None, "claimed_until": None,
                  "last_error": None}
    elif permanent:
        values = {"status": OUTBOX_FAILED, "claimed_by": None, "claimed_until": None, "last_error": error[:2000]}
    else:  # temporary: never given up, however long the outage
        values = {"status": OUTBOX_PENDING, "next_attempt_at": now + timedelta(seconds=retry_delay(message.attempts, config)),
                  "claimed_by": None, "claimed_until": None, "last_error": error[:2000]}
    # Outbox bookkeeping: no audit event (see the module docstring).
    with database.sessionmaker() as session, session.begin():
        kept = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker,
            OutboxMessage.status == OUTBOX_SENDING).values(**values)).rowcount
    return values["status"] if kept == 1 else LOST_CLAIM


def _renew(database: Database, message: OutboxMessage, worker: str, lease: int, now: datetime) -> bool:
    """Extend this sender's claim on the message just before it is sent; False when the claim is gone.

    A batch sent through a slow relay can outlast the lease taken for the whole batch; another sender may
    then take the rest as a crashed sender's. Renewing per message (a compare-and-set on the claimant)
    means a message is sent only by the sender that holds it at that moment, the lease counting from now.
    """
    start = max(now, utcnow())
    with database.sessionmaker() as session, session.begin():
        return session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker,
            OutboxMessage.status == OUTBOX_SENDING).values(claimed_until=start + timedelta(seconds=lease))).rowcount == 1


def _permanent(error: smtplib.SMTPException) -> bool:
    """True for a permanent rejection of this message: 5xx for its recipient or for its content.

    5xx for the sender (MAIL FROM) or the login is a problem of the settings, not of the message, and
    4xx is temporary: those are retried until the operator or the server fixes it.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def _email(message: OutboxMessage, config: dict) -> EmailMessage:
    email = EmailMessage()
    email["From"] = config.get("MAIL_FROM")
    email["To"] = formataddr((message.to_person.full_name if message.to_person else "", message.to_address))
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id  # stable across retries, so receivers can drop duplicates
    email["X-BEH-Outbox-Id"] = str(message.id)
    email.set_content(message.body)
    return email


def smtp_connection(config: dict) -> smtplib.SMTP:
    """Open an SMTP connection per the settings (TLS, STARTTLS, login)."""
    host, port, timeout = config.get("SMTP_HOST", "localhost"), int(config.get("SMTP_PORT", 25)), \
        float(config.get("SMTP_TIMEOUT", 30))
    if config.get("SMTP_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
    if config.get("SMTP_USERNAME"):
        smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
    return smtp


def lease_seconds(config: dict) -> int:
    """How long a claim holds: ``MAIL_LEASE_SECONDS``, but never less than five SMTP timeouts (MAIL, RCPT, DATA,
    the end of the data and a reconnect each wait up to one), so one message being sent cannot outlast the claim
    renewed just before it."""
    return max(int(config.get("MAIL_LEASE_SECONDS", 300)), math.ceil(5 * float(config.get("SMTP_TIMEOUT", 30))))


LOST_CLAIM = "lost"  # _finish: another sender had taken the message over (its lease had run out)


def send_pending(database: Database, config: dict, *, worker: str | None = None,
                 now: datetime | None = None) -> SendReport:
    """Claim one batch of due messages, deliver them over SMTP and record the outcome."""
    worker = worker or f"{socket.gethostname()}:{threading.get_ident()}:{uuid.uuid4().hex[:6]}"
    now = now or utcnow()
    lease = lease_seconds(config)
    claimed = _claim(database, worker, int(config.get("MAIL_BATCH_SIZE", 50)), lease, now)
    report = SendReport(claimed=len(claimed))
    if not claimed:
        return report
    with database.sessionmaker() as session:  # the recipients' names for the To header
        people = {p.id: p for p in session.scalars(
            select(Person).where(Person.id.in_({m.to_person_id for m in claimed if m.to_person_id})))}
        session.expunge_all()
    for message in claimed:
        message.to_person = people.get(message.to_person_id)
    smtp: smtplib.SMTP | None = None
    connection_error: str | None = None
    try:
        smtp = smtp_connection(config)
    except (OSError, smtplib.SMTPException) as error:
        connection_error = f"SMTP-servern svarar inte: {error}"
    for message in claimed:
        error, permanent = connection_error, False
        if not _renew(database, message, worker, lease, now):
            continue  # the lease ran out during this batch and another sender has the message now
        if not message.to_address:
            error, permanent = "Mottagaren saknar e-postadress i katalogen.", True
        elif error is None:
            try:
                smtp.send_message(_email(message, config))
            except smtplib.SMTPServerDisconnected as lost:
                error = connection_error = f"Förbindelsen till SMTP-servern bröts: {lost}"
            except smtplib.SMTPException as refused:  # an answer about this message (SMTPException is an OSError)
                permanent = _permanent(refused)
                error = (f"SMTP-servern avvisade meddelandet permanent: {refused}" if permanent
                         else f"SMTP-servern tog inte emot meddelandet just nu: {refused}")
            except OSError as lost:
                error = connection_error = f"Förbindelsen till SMTP-servern bröts: {lost}"
        status = _finish(database, message, worker, config, now, error, permanent)
        if status == LOST_CLAIM:  # handed to SMTP after another sender took it over: it may go out twice
            log.warning("Mail %s was taken over by another sender while this one sent it", message.id)
        report.sent += status == OUTBOX_SENT
        report.retried += status == OUTBOX_PENDING
        report.failed += status == OUTBOX_FAILED
        if error:
            (log.error if permanent else log.warning)("Mail %s not sent (attempt %s, %s): %s", message.id,
                                                      message.attempts, status, error)
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return report


def requeue_failed(database: Database, now: datetime | None = None) -> int:
    """Put every failed message back in the queue (due now, attempts from 0); returns how many.

    The address is taken again from the recipient's person (KiV may have it now). Outbox
    bookkeeping: no audit event.
    """
    now = now or utcnow()
    with database.sessionmaker() as session, session.begin():
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == OUTBOX_FAILED)
                                    .with_for_update(skip_locked=True)))
        people = {p.id: p for p in session.scalars(
            select(Person).where(Person.id.in_({m.to_person_id for m in rows if m.to_person_id})))}
        for row in rows:
            person = people.get(row.to_person_id)
            if person is not None and person.email:
                row.to_address = person.email
            row.status, row.attempts, row.next_attempt_at = OUTBOX_PENDING, 0, now
            row.claimed_by = row.claimed_until = None
        return len(rows)


def run_sender(database: Database, config: dict, *, loop: bool = False, stop: threading.Event | None = None,
               worker: str | None = None) -> SendReport:
    """Send until nothing is due; with ``loop``, keep polling every MAIL_LOOP_INTERVAL seconds until ``stop``."""
    stop = stop or threading.Event()
    total = SendReport()
    while not stop.is_set():
        report = send_pending(database, config, worker=worker)
        for name in ("claimed", "sent", "retried", "failed"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if report.claimed and report.sent:
            continue  # more may be waiting
        if not loop:
            break
        stop.wait(float(config.get("MAIL_LOOP_INTERVAL", 10)))
    return total


# --- The portal's mails ----------------------------------------------------------

def _attest_path(order) -> str:
    return f"/attest/{order.number}"


def _feedback_path(order) -> str:
    return f"/aterkoppling/{order.number}"


def mail_attest_request(session: Session, rt: "Runtime", order, *, changed: bool = False) -> OutboxMessage:
    """To the attestant: a new order (or Byt attestant) waits for their attest."""
    return enqueue_mail(session, rt, to=order.attestant, subject=f"Beställning {order.number} väntar på din attest",
                        template="attest_request", context={"order": order, "changed": changed},
                        link_path=_attest_path(order))


def _by_attestant(orders: list) -> list[list]:
    """The orders grouped by attestant, each group in the given order."""
    groups: dict[int, list] = {}
    for order in orders:
        groups.setdefault(order.attestant_id, []).append(order)
    return list(groups.values())


def _attest_request_list(session: Session, rt: "Runtime", group: list, link_path: str) -> OutboxMessage:
    """To one attestant: one mail listing the orders of ``group`` that wait for their attest."""
    return enqueue_mail(session, rt, to=group[0].attestant, subject=f"{len(group)} beställningar väntar på din attest",
                        template="attest_request_list", context={"orders": group}, link_path=link_path)


def mail_attest_requests(session: Session, rt: "Runtime", orders: list, *, link_path: str = "/attest/alla"
                         ) -> list[OutboxMessage]:
    """To each attestant: ONE mail listing every order of a mass order that waits for their attest."""
    return [_attest_request_list(session, rt, group, link_path) for group in _by_attestant(orders)]


def mail_attest_reminder(session: Session, rt: "Runtime", order, days: int) -> OutboxMessage:
    """To the attestant: a reminder that the order has waited ``days`` days."""
    return enqueue_mail(session, rt, to=order.attestant, subject=f"Påminnelse: beställning {order.number} väntar på din attest",
                        template="attest_reminder", context={"order": order, "days": days},
                        link_path=_attest_path(order))


def mail_decision(session: Session, rt: "Runtime", order, approved: bool, *, decided_by=None,
                  step_label: str = "") -> OutboxMessage:
    """To the orderer: the order is approved (after its last attest step) or rejected at a step."""
    word = "godkänd" if approved else "avslagen"
    return enqueue_mail(session, rt, to=order.orderer, subject=f"Beställning {order.number} är {word}",
                        template="decision", context={"order": order, "approved": approved,
                                                      "decided_by": decided_by or order.attestant,
                                                      "step_label": step_label},
                        link_path=_feedback_path(order))



def mail_decisions(session: Session, rt: "Runtime", approved: list[tuple], *, decided_by) -> list[OutboxMessage]:
    """To each orderer: the orders of one Godkänn markerade that were approved, ONE mail per orderer.

    ``approved`` holds (order, step label) pairs. An orderer with one order gets the ordinary mail
    (``mail_decision``); more get one list, so a mass order of 1,000 is one mail, not 1,000.
    """
    by_orderer: dict[int, list[tuple]] = {}
    for order, step_label in approved:
        by_orderer.setdefault(order.orderer_id, []).append((order, step_label))
    sent = []
    for group in by_orderer.values():
        if len(group) == 1:
            order, step_label = group[0]
            sent.append(mail_decision(session, rt, order, True, decided_by=decided_by, step_label=step_label))
            continue
        sent.append(enqueue_mail(session, rt, to=group[0][0].orderer, subject=f"{len(group)} beställningar är godkända",
                                 template="decision_list", context={"approved": group, "decided_by": decided_by},
                                 link_path="/bestallningar/mina"))
    return sent


def mail_attest_requests_of(session: Session, rt: "Runtime", orders: list) -> list[OutboxMessage]:
    """To each attestant of a next step: the ordinary mail for one order, one list for several."""
    return [mail_attest_request(session, rt, group[0]) if len(group) == 1 else
            _attest_request_list(session, rt, group, "/attest/alla") for group in _by_attestant(orders)]


def mail_komplettering(session: Session, rt: "Runtime", order, message: str) -> OutboxMessage:
    """To the orderer: the Service Desk needs more information."""
    return enqueue_mail(session, rt, to=order.orderer, subject=f"Komplettering begärd för beställning {order.number}",
                        template="komplettering", context={"order": order, "message": message},
                        link_path=_feedback_path(order))


def mail_completed(session: Session, rt: "Runtime", order, has_credentials: bool) -> OutboxMessage:
    """To the orderer: every line is carried out (Avslutad); credentials wait in the portal."""
    return enqueue_mail(session, rt, to=order.orderer, subject=f"Beställning {order.number} är utförd",
                        template="completed", context={"order": order, "has_credentials": has_credentials},
                        link_path=_feedback_path(order))


def mail_withdrawn(session: Session, rt: "Runtime", order) -> OutboxMessage:
    """To the attestant: the orderer withdrew (makulerade) the order; nothing to attest."""
    return enqueue_mail(session, rt, to=order.attestant, subject=f"Beställning {order.number} är makulerad",
                        template="withdrawn", context={"order": order})
