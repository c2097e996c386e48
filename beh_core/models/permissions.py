"""Permissions a person holds (what Förändring and Avslut list)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .directory import Forvaltning, Person


# Not ended: what the unique index below and every "held now" question mean by active.
ACTIVE = "ended_at IS NULL"


class HeldPermission(Base):
    """A permission in a catalogue item held by a person, at a scope, from/to dates.

    ``scope_key`` says where it holds: "" (the person), the förvaltning id for a local system, or
    e.g. a unit id for an uppdrag at a vårdenhet; set from the order line that granted it.
    ``ended_at`` is set when the permission ends (an Avslut whose end date has come, or run-due
    ending an expired one). At most one not-ended permission per person, item and scope: the
    database holds that rule (a partial unique index), whatever the timing of two completions.
    """

    __tablename__ = "held_permissions"
    __table_args__ = (
        Index("ix_held_permissions_person_item", "person_id", "item_key"),
        Index("ix_held_permissions_valid_to", "valid_to"),  # run-due ends expired permissions by this
        Index("uq_held_permissions_active", "person_id", "item_key", "scope_key", unique=True,
              sqlite_where=text(ACTIVE), postgresql_where=text(ACTIVE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    item_key: Mapped[str] = mapped_column(String(80))
    forvaltning_id: Mapped[int | None] = mapped_column(ForeignKey("forvaltningar.id"))
    scope_key: Mapped[str] = mapped_column(String(40), default="", server_default="")
    details: Mapped[dict] = mapped_column(default=dict)
    # (label, value shown) pairs as ordered, e.g. [["Enhet 1", "Bengtsfors vårdcentral"], ["Titel", "Superuser"]].
    shown: Mapped[list] = mapped_column(JSON, default=list)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    granted_by_line_id: Mapped[int | None] = mapped_column()  # order_lines.id; no FK to avoid a cycle
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()

    person: Mapped[Person] = relationship()
    forvaltning: Mapped[Forvaltning | None] = relationship()

    def is_held(self, on: date) -> bool:
        """True while the permission is valid on the given day (and, for today on, not ended)."""
        if self.ended_at is not None and self.ended_at.date() <= on:
            return False
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)
