"""Append-only audit trail: one row per state change, written in the same transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .directory import Person


class AuditEvent(Base):
    """Who did what to which object, when. Rows are never updated or deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[Person | None] = relationship()
