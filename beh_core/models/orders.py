"""Orders (beställningar) and their lines."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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
    # Every list of orders reads index ranges that end in (created_at, id): an equality prefix, then the
    # sort key, so a page and a capped count read only matching entries (services/order_queries.py).
    __table_args__ = (
        Index("ix_orders_created", "created_at", "id"),  # Alla for Service Desk and administrators
        Index("ix_orders_facets", "status", "kind", "catalogue", "created_at", "id"),
        Index("ix_orders_orderer", "orderer_id", "created_at", "id"),  # Mina beställningar
        Index("ix_orders_orderer_facets", "orderer_id", "status", "kind", "catalogue", "created_at", "id"),
        Index("ix_orders_orderer_omrade", "orderer_id", "omrade_id", "created_at", "id"),  # Alla, one beställare
        Index("ix_orders_omrade", "omrade_id", "created_at", "id"),  # Alla for L/R delegations
        Index("ix_orders_omrade_facets", "omrade_id", "status", "kind", "catalogue", "created_at", "id"),
        Index("ix_orders_enhet", "enhet_id", "created_at", "id"),  # Alla for U delegations and verksamheter
        Index("ix_orders_enhet_facets", "enhet_id", "status", "kind", "catalogue", "created_at", "id"),
        # Typ and Beställning without a Status: one range per typ and katalog, no status spelled out (0021).
        Index("ix_orders_kinds", "kind", "catalogue", "created_at", "id"),
        Index("ix_orders_orderer_kinds", "orderer_id", "kind", "catalogue", "created_at", "id"),
        Index("ix_orders_omrade_kinds", "omrade_id", "kind", "catalogue", "created_at", "id"),
        Index("ix_orders_enhet_kinds", "enhet_id", "kind", "catalogue", "created_at", "id"),
        # Slutanvändare; on PostgreSQL it carries the scope columns, the beställare, the status and Akut, so a
        # person's range within the actor's delegations (or the Service Desk queue) is read from the index
        # alone (migration 0018).
        Index("ix_orders_end_user", "end_user_id", "created_at", "id",
              postgresql_include=["omrade_id", "enhet_id", "orderer_id", "status", "akut"]),
        # Attestera; on PostgreSQL it carries the beställare and the slutanvändare, so the list's "not the
        # attestant's own order, not for themselves" is told from the index alone (migration 0020).
        Index("ix_orders_attestant_status", "attestant_id", "status", "created_at", "id",
              postgresql_include=["orderer_id", "end_user_id"]),
        Index("ix_orders_status_created", "status", "created_at"),  # reminders and due jobs by status
        Index("ix_orders_queue", "status", "akut", "created_at", "id"),  # the Service Desk queue
        Index("ix_orders_queue_forvaltning", "forvaltning_id", "status", "akut", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    catalogue: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    orderer_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    end_user_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    attestant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    forvaltning_id: Mapped[int] = mapped_column(ForeignKey("forvaltningar.id"))
    omrade_id: Mapped[int] = mapped_column(ForeignKey("omraden.id"))
    enhet_id: Mapped[int] = mapped_column(ForeignKey("enheter.id"))
    start_date: Mapped[date] = mapped_column(Date)
    # Optional Slutdatum: the held permissions end then (run-due carries it out).
    end_date: Mapped[date | None] = mapped_column(Date)
    akut: Mapped[bool] = mapped_column(Boolean, default=False)
    # Values of the catalogue's order-level fields (kostnadsställe, orsak, Tilläggsinformation, ...).
    fields: Mapped[dict] = mapped_column(default=dict)
    # (label, value shown) pairs of those fields, as ordered: what every page, mail and receipt shows.
    fields_shown: Mapped[list] = mapped_column(JSON, default=list)
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
    attest_steps: Mapped[list["OrderAttestStep"]] = relationship(
        back_populates="order", order_by="OrderAttestStep.position", cascade="all, delete-orphan"
    )

    @property
    def current_step(self) -> "OrderAttestStep | None":
        """The attest step waiting for a decision, or None."""
        return next((step for step in self.attest_steps if step.status == STEP_WAITING), None)

    @property
    def active_lines(self) -> list["OrderLine"]:
        """Lines not removed by the attestant."""
        return [line for line in self.lines if not line.removed]


class OrderLine(Base):
    """One permission in an order: a catalogue item with its field values, or free text (Avslut)."""

    __tablename__ = "order_lines"
    __table_args__ = (
        Index("ix_order_lines_item_order", "item_key", "order_id"),  # the Service Desk queue's System
        # System in Sökalternativ is an index range like a status: (item_key, scope, time, order) for each
        # scope a list reads (everything, a beställare, an område, a vårdenhet), from the order's values
        # that the database copies onto its lines (migration 0014's triggers).
        Index("ix_order_lines_system", "item_key", "order_created_at", "order_id"),
        Index("ix_order_lines_system_orderer", "item_key", "orderer_id", "order_created_at", "order_id"),
        Index("ix_order_lines_system_omrade", "item_key", "omrade_id", "order_created_at", "order_id"),
        Index("ix_order_lines_system_enhet", "item_key", "enhet_id", "order_created_at", "order_id"),
        # Att avsluta asks per held permission whether an Avslut line for it is under way (migration 0017).
        Index("ix_order_lines_held_permission", "held_permission_id", sqlite_where=text("held_permission_id IS NOT NULL"),
              postgresql_where=text("held_permission_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item_key: Mapped[str | None] = mapped_column(String(80))
    item_name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))  # the wizard page it was chosen on ("free" for free text)
    # Where the line applies within its item ("" or e.g. a unit id); becomes the held permission's scope.
    scope_key: Mapped[str] = mapped_column(String(40), default="", server_default="")
    values: Mapped[dict] = mapped_column(default=dict)
    # (label, value shown) pairs as ordered, e.g. [["Enhet 1", "Bengtsfors vårdcentral"]].
    shown: Mapped[list] = mapped_column(JSON, default=list)
    free_text: Mapped[str | None] = mapped_column(Text)
    held_permission_id: Mapped[int | None] = mapped_column(ForeignKey("held_permissions.id"))
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(30), default="")
    # Copies of the order's time, beställare, område and vårdenhet, written by the database (triggers on
    # insert of a line and on update of the order, migration 0014), never by the application: the
    # System filter of a list reads them from the indexes above.
    order_created_at: Mapped[datetime | None] = mapped_column()
    orderer_id: Mapped[int | None] = mapped_column(Integer)
    omrade_id: Mapped[int | None] = mapped_column(Integer)
    enhet_id: Mapped[int | None] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")


STEP_WAITING = "vantar"  # the step the order waits for
STEP_LATER = "kommande"  # reached when the steps before it are approved
STEP_APPROVED = "godkand"
STEP_REJECTED = "avslagen"


WAITING_PLUGIN_STEP = "status = 'vantar' AND rule = 'plugin'"


class OrderAttestStep(Base):
    """One attest step of an order (Attest, Ekonomisk attest, ...); decided in position order, each signed.

    The order's ``attestant_id`` is the attestant of the waiting step, so the attest list stays one
    index range whatever the number of steps.
    """

    __tablename__ = "order_attest_steps"
    __table_args__ = (
        UniqueConstraint("order_id", "position", name="uq_order_attest_steps_order_position"),
        # The left menu asks on every page whether a plugin's step waits for the user: only those steps.
        Index("ix_order_attest_steps_waiting_plugin", "attestant_id",
              sqlite_where=text(WAITING_PLUGIN_STEP), postgresql_where=text(WAITING_PLUGIN_STEP)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80))
    rule: Mapped[str] = mapped_column(String(20))
    attestant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    decided_at: Mapped[datetime | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)

    order: Mapped[Order] = relationship(back_populates="attest_steps")
    attestant: Mapped[Person] = relationship()


class OrderDraft(Base):
    """The draft of an order flow, kept on the server (the session holds only its random token).

    Drafts of any size survive; ``order_id`` is set in the transaction that creates the order, so a
    draft is consumed exactly once: a second submit, concurrent or later, finds the order already made.
    """

    __tablename__ = "order_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)  # whose draft it is
    catalogue: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    order_count: Mapped[int] = mapped_column(Integer, default=0)  # orders a mass order created


class OrderedFor(Base):
    """Mina identiteter: a person a beställare has ordered for, and when last (one row per pair).

    Written by the database, never by the application: a trigger on orders keeps it (migration 0016), so
    the page is an index range of ``(orderer_id, last_ordered_at)`` however many orders lie behind it.
    """

    __tablename__ = "ordered_for"
    __table_args__ = (Index("ix_ordered_for_recent", "orderer_id", "last_ordered_at", "person_id"),)

    orderer_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    last_ordered_at: Mapped[datetime] = mapped_column()
