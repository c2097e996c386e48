"""What plugins are told about orders: frozen snapshots (never ORM objects) and the order context."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..models import Order, OrderLine
from .directory_api import Directory, ForvaltningInfo, PersonInfo


@dataclass(frozen=True)
class LineInfo:
    """One line of an order: an item with its values and scope, a held permission, or free text."""

    id: int | None
    item_key: str | None
    item_name: str
    values: dict = field(hash=False)
    scope_key: str = ""
    held_permission_id: int | None = None
    free_text: str | None = None
    status: str = ""
    removed: bool = False
    shown: tuple = field(default=(), hash=False)

    @classmethod
    def of(cls, line: OrderLine) -> "LineInfo":
        """Snapshot of an ORM line."""
        return cls(line.id, line.item_key, line.item_name, dict(line.values or {}), line.scope_key or "",
                   line.held_permission_id, line.free_text, line.status or "", bool(line.removed),
                   tuple(tuple(pair) for pair in (line.shown or [])))


@dataclass(frozen=True)
class OrderInfo:
    """An order as committed (or, with ``number`` None, as it is being placed)."""

    id: int | None
    number: str | None
    catalogue: str
    kind: str
    status: str
    orderer: PersonInfo
    end_user: PersonInfo
    attestant: PersonInfo | None
    forvaltning_id: int
    omrade_id: int | None
    enhet_id: int | None
    start_date: date
    end_date: date | None
    akut: bool
    fields: dict = field(hash=False)
    lines: tuple[LineInfo, ...] = ()
    created_at: datetime | None = None

    @property
    def active_lines(self) -> tuple[LineInfo, ...]:
        """Lines not removed at attest."""
        return tuple(line for line in self.lines if not line.removed)

    @classmethod
    def of(cls, order: Order) -> "OrderInfo":
        """Snapshot of an ORM order with its people and lines."""
        return cls(order.id, order.number, order.catalogue, order.kind, order.status, PersonInfo.of(order.orderer),
                   PersonInfo.of(order.end_user), PersonInfo.of(order.attestant) if order.attestant else None,
                   order.forvaltning_id, order.omrade_id, order.enhet_id, order.start_date, order.end_date,
                   bool(order.akut), dict(order.fields or {}), tuple(LineInfo.of(line) for line in order.lines),
                   order.created_at)


@dataclass(frozen=True)
class OrderContext:
    """Everything a plugin may know while an order is being put together.

    :param catalogue: the catalogue key.
    :param kind: ``nyupplagg``, ``forandring`` or ``avslut``.
    :param end_user: who will hold the permissions.
    :param forvaltning: the chosen förvaltning (None where the flow has none, e.g. uppdrag per vårdenhet).
    :param actor: the beställare.
    :param today: the day the order is placed.
    :param directory: the read-only directory (persons, engagements, units, delegations, held permissions).
    """

    catalogue: str
    kind: str
    end_user: PersonInfo
    forvaltning: ForvaltningInfo | None
    actor: PersonInfo
    today: date
    directory: Directory = field(hash=False, compare=False)
