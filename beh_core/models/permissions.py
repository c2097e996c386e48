"""Permissions a person holds (what Förändring and Avslut list)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .directory import Forvaltning, Person


class HeldPermission(Base):
    """A permission in a catalogue item held by a person, at a scope (e.g. a unit), from/to dates.

    ``ended_at`` is set when the permission has ended (an Avslut carried out, or run-due after
    ``valid_to``); a person holds one not-ended permission per item and scope at a time.
    """

    __tablename__ = "held_permissions"
    __table_args__ = (
        Index("ix_held_permissions_person_item", "person_id", "item_key"),
        Index("ix_held_permissions_valid_to", "valid_to"),  # run-due ends expired permissions by this
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    item_key: Mapped[str] = mapped_column(String(80))
    forvaltning_id: Mapped[int | None] = mapped_column(ForeignKey("forvaltningar.id"))
    # Where the permission applies within the item: "" (the person), a förvaltning id (local systems) or
    # a unit id (uppdrag at a vårdenhet). Set from the order line that granted it.
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
        """True while the permission is valid on the given day and not ended."""
        return self.ended_at is None and self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)
