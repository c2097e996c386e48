"""Permissions a person holds (what Förändring and Avslut list)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .directory import Forvaltning, Person


class HeldPermission(Base):
    """A permission in a catalogue item held by a person, from/to dates."""

    __tablename__ = "held_permissions"
    __table_args__ = (
        Index("ix_held_permissions_person_item", "person_id", "item_key"),
        Index("ix_held_permissions_valid_to", "valid_to"),  # run-due ends expired permissions by this
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    item_key: Mapped[str] = mapped_column(String(80))
    forvaltning_id: Mapped[int | None] = mapped_column(ForeignKey("forvaltningar.id"))
    details: Mapped[dict] = mapped_column(default=dict)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    granted_by_line_id: Mapped[int | None] = mapped_column()  # order_lines.id; no FK to avoid a cycle
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    forvaltning: Mapped[Forvaltning | None] = relationship()

    def is_held(self, on: date) -> bool:
        """True while the permission is valid on the given day."""
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)
