"""Orders (beställningar) and their lines."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .directory import Enhet, Forvaltning, Omrade, Person


class OrderKind(str, enum.Enum):
    """Nyupplägg, Förändring or Avslut."""

    NYUPPLAGG = "nyupplagg"
    FORANDRING = "forandring"
    AVSLUT = "avslut"


class OrderStatus(str, enum.Enum):
    """The order life cycle of the domain notes."""

    VANTAR_PA_ATTEST = "vantar_pa_attest"
    ATTESTERAD = "attesterad"
    UNDER_UTFORANDE = "under_utforande"
    KOMPLETTERING = "komplettering"
    SCHEMALAGD = "schemalagd"
    AVSLUTAD = "avslutad"
    AVSLAGEN = "avslagen"
    MAKULERAD = "makulerad"


class Order(Base):
    """One beställning: an end user, an orderer, an attestant and one or more lines."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_orderer_created", "orderer_id", "created_at"),
        Index("ix_orders_attestant_status", "attestant_id", "status", "created_at"),
        Index("ix_orders_status_created", "status", "created_at"),
        Index("ix_orders_forvaltning_created", "forvaltning_id", "created_at"),
        Index("ix_orders_omrade_created", "omrade_id", "created_at"),
        Index("ix_orders_end_user_created", "end_user_id", "created_at"),
        Index("ix_orders_created", "created_at", "id"),  # Alla for Service Desk and administrators
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    catalogue: Mapped[str] = mapped_column(String(20), default="lr")
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    orderer_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    end_user_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    attestant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    forvaltning_id: Mapped[int] = mapped_column(ForeignKey("forvaltningar.id"))
    omrade_id: Mapped[int] = mapped_column(ForeignKey("omraden.id"))
    enhet_id: Mapped[int] = mapped_column(ForeignKey("enheter.id"))
    start_date: Mapped[date] = mapped_column(Date)
    akut: Mapped[bool] = mapped_column(Boolean, default=False)
    tillaggsinformation: Mapped[str | None] = mapped_column(Text)
    projekt: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_comment: Mapped[str | None] = mapped_column(Text)

    orderer: Mapped[Person] = relationship(foreign_keys=[orderer_id])
    end_user: Mapped[Person] = relationship(foreign_keys=[end_user_id])
    attestant: Mapped[Person] = relationship(foreign_keys=[attestant_id])
    forvaltning: Mapped[Forvaltning] = relationship()
    omrade: Mapped[Omrade] = relationship()
    enhet: Mapped[Enhet] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan"
    )

    @property
    def active_lines(self) -> list["OrderLine"]:
        """Lines not removed by the attestant."""
        return [line for line in self.lines if not line.removed]


class OrderLine(Base):
    """One permission in an order: a catalogue item with its field values, or free text (Avslut)."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item_key: Mapped[str | None] = mapped_column(String(80))
    item_name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))
    values: Mapped[dict] = mapped_column(default=dict)
    free_text: Mapped[str | None] = mapped_column(Text)
    held_permission_id: Mapped[int | None] = mapped_column(ForeignKey("held_permissions.id"))
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(30), default="")

    order: Mapped[Order] = relationship(back_populates="lines")
