"""Directory sync from LDAP (KiV/HSA): run records, staged entries, and reminders about leavers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, PrefixString, utcnow

RUN_RUNNING = "running"
RUN_OK = "ok"
RUN_FAILED = "failed"
RUN_STOPPED = "stopped"  # the mass-deactivation guard stopped it: run again with --confirm


class DirectorySyncRun(Base):
    """One run of ``flask beh directory sync``: when, how, what it changed and what it skipped.

    Administrators see these on the Katalogsynk page. ``high_water`` is the newest
    modifyTimestamp the run read; the next incremental run asks LDAP for what changed since.
    """

    __tablename__ = "directory_sync_runs"
    __table_args__ = (Index("ix_directory_sync_runs_status_started", "status", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))  # "full" or "incremental"
    status: Mapped[str] = mapped_column(String(12), default=RUN_RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    started_by: Mapped[str | None] = mapped_column(String(80))
    counts: Mapped[dict] = mapped_column(default=dict)
    # Skipped entries, each naming its DN or VGR-ID and the reason, never a personnummer (at most ERRORS_KEPT).
    errors: Mapped[dict] = mapped_column(default=dict)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)  # why the run failed or stopped
    high_water: Mapped[str | None] = mapped_column(String(20))


class DirectorySyncStaged(Base):
    """An entry read from LDAP by a running sync, waiting for the run's one apply transaction."""

    __tablename__ = "directory_sync_staged"
    __table_args__ = (Index("ix_directory_sync_staged_run_kind_key", "run_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("directory_sync_runs.id"))
    kind: Mapped[str] = mapped_column(String(12))  # unit, kostnad, person, present
    # Compared with persons.vgr_id: the same collation ("C" on PostgreSQL), so the index serves the anti-join.
    key: Mapped[str] = mapped_column(PrefixString(200))
    data: Mapped[dict] = mapped_column(default=dict)


class LeaverReminder(Base):
    """run-due reminded the beställare and chef about an ended engagement's permissions (once per engagement)."""

    __tablename__ = "leaver_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id"), unique=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
