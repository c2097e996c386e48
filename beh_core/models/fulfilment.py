"""Fulfilment (issue 3): per-line fulfilment, encrypted credentials, komplettering, mail outbox, dated jobs."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .directory import Person

# OrderLine.status values used by fulfilment ("" = waiting for Service Desk).
LINE_WAITING = ""
LINE_AUTOMATIC = "automatisk"  # an automatic line whose start date has come; run-due or attest carries it out
LINE_SCHEDULED = "schemalagd"  # an automatic line waiting for its start date
LINE_FAILED = "fel"  # automatic fulfilment failed: the Service Desk carries it out
LINE_DONE = "utford"



def _N(text: str) -> str:
    """Mark a label for translation (as services.ordering._N, which cannot be imported here: circular)."""
    return text


LINE_STATUS_LABELS = {
    LINE_WAITING: _N("Ej utförd"), LINE_AUTOMATIC: _N("Utförs automatiskt"), LINE_SCHEDULED: _N("Schemalagd"),
    LINE_FAILED: _N("Automatiskt utförande misslyckades"), LINE_DONE: _N("Utförd"),
}


class LineFulfilment(Base):
    """How one order line was carried out: by whom (None = automatically), when, feedback, last error."""

    __tablename__ = "line_fulfilments"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column()
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    # Only feedback fields that are not secret (for example Login); secret ones live in Credential.
    feedback: Mapped[dict] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Set while an automatic line waits to be carried out (its start date); cleared when done or failed.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)

    done_by: Mapped[Person | None] = relationship()


class Credential(Base):
    """The secret feedback values of one line (Lösenord), Fernet-encrypted; only the orderer reads them."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), unique=True)
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Komplettering(Base):
    """A Service Desk request for more information, and the orderer's answer."""

    __tablename__ = "kompletteringar"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    message: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    answered_at: Mapped[datetime | None] = mapped_column()
    answer: Mapped[str | None] = mapped_column(Text)

    requested_by: Mapped[Person] = relationship(foreign_keys=[requested_by_id])
    answered_by: Mapped[Person | None] = relationship(foreign_keys=[answered_by_id])


OUTBOX_PENDING = "pending"
OUTBOX_SENDING = "sending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"


class OutboxMessage(Base):
    """One e-mail, written in the transaction of the change it tells about; a sender delivers it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    to_address: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(80))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default=OUTBOX_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)

    to_person: Mapped[Person | None] = relationship()


class AttestReminder(Base):
    """A reminder sent to the attestant of a waiting order; one per order and reminder period."""

    __tablename__ = "attest_reminders"
    __table_args__ = (UniqueConstraint("order_id", "period", name="uq_attest_reminders_order_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    period: Mapped[int] = mapped_column(Integer)
    attestant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class PermissionEnding(Base):
    """Marks that run-due has ended a held permission whose end date passed (so it happens once)."""

    __tablename__ = "permission_endings"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_permission_id: Mapped[int] = mapped_column(ForeignKey("held_permissions.id"), unique=True)
    ended_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
