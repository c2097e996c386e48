"""Delegations: dated grants of the roles beställare and attestant (manual 002)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, PrefixString, utcnow
from .directory import Enhet, Forvaltning, Omrade, Person

# Delegation scopes of manual 002, stored as neutral codes; the UI shows them as "U" and "L/R".
SCOPE_UNIT = "enhet"  # U: one vårdenhet (what unit-based catalogues, e.g. uppdrag, are ordered through)
SCOPE_AREA = "omrade"  # L/R: one förvaltning + område
SCOPE_LABELS = {SCOPE_UNIT: "U", SCOPE_AREA: "L/R"}


class Delegation(Base):
    """Beställare and/or attestant for one scope: U (a vårdenhet) or L/R (förvaltning + område)."""

    __tablename__ = "delegations"
    __table_args__ = (
        Index("ix_delegations_person_dates", "person_id", "valid_from", "valid_to"),
        Index("ix_delegations_scope", "scope", "forvaltning_id", "omrade_id"),
        Index("ix_delegations_valid_to", "valid_to"),
        # Hantera delegeringar: one område's delegations by Efternamn, read in index order (migration 0015).
        Index("ix_delegations_scope_name", "scope", "forvaltning_id", "omrade_id", "person_last_name_lc",
              "person_first_name_lc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    scope: Mapped[str] = mapped_column(String(10))
    forvaltning_id: Mapped[int] = mapped_column(ForeignKey("forvaltningar.id"))
    omrade_id: Mapped[int | None] = mapped_column(ForeignKey("omraden.id"))
    enhet_id: Mapped[int | None] = mapped_column(ForeignKey("enheter.id"), index=True)
    is_bestallare: Mapped[bool] = mapped_column(Boolean, default=False)
    is_attestant: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    delegated_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Ta bort (ended early): valid_to is set to yesterday and these record who and when.
    ended_at: Mapped[datetime | None] = mapped_column()
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    # The Gäller till a reminder was e-mailed for; a later extension makes a new reminder due.
    reminded_for: Mapped[date | None] = mapped_column(Date)
    # Copies of the person's lower-case names, written by the database (triggers on insert of a delegation
    # and on a changed name in KiV, migration 0015), never by the application: the list's sort key.
    person_last_name_lc: Mapped[str | None] = mapped_column(PrefixString(100))
    person_first_name_lc: Mapped[str | None] = mapped_column(PrefixString(100))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    delegated_by: Mapped[Person | None] = relationship(foreign_keys=[delegated_by_id])
    ended_by: Mapped[Person | None] = relationship(foreign_keys=[ended_by_id])
    forvaltning: Mapped[Forvaltning] = relationship()
    omrade: Mapped[Omrade | None] = relationship()
    enhet: Mapped[Enhet | None] = relationship()

    def is_active(self, on: date) -> bool:
        """True when the delegation is valid on the given day."""
        return self.valid_from <= on <= self.valid_to
