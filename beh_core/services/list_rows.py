"""What a row of a long list shows, read as plain rows (``keyset.RowShape``), never as mapped objects.

A list page shows 15 rows and changes none of them: mapped objects would cost per instance (identity
map, deferred columns, relationships) for nothing. The rows here hold the values the list templates
show and nothing more; ``order_rows`` and ``queue_rows`` are the shapes the order lists and the
Service Desk queue read; ``delegation_rows`` the shape of Hantera and Visa delegeringar.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import Delegation, Enhet, Forvaltning, Omrade, Order, OrderLine, Person
from .keyset import RowShape


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person as a list row names them."""

    first_name: str
    last_name: str
    vgr_id: str

    @property
    def display(self) -> str:
        """Name with VGR-ID, as the manuals show people: 'Anna Berg (annbe1)' (as ``Person.display``)."""
        return f"{self.first_name} {self.last_name} ({self.vgr_id})"


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One row of an order list (Beställd, Ordernummer, Beställare, Slutanvändare, Status, Typ,
    Återkopplingsinfo; the Service Desk queue adds Akut, Förvaltning and the lines)."""

    id: int
    number: str
    created_at: datetime
    status: str
    kind: str
    catalogue: str
    akut: bool
    orderer_id: int
    end_user_id: int
    attestant_id: int | None
    decision_comment: str | None
    orderer: PersonName | None
    end_user: PersonName | None
    forvaltning_name: str | None = None
    lines: list = field(default_factory=list)

    @property
    def active_lines(self) -> list:
        """Lines not removed by the attestant."""
        return [line for line in self.lines if not line.removed]


@dataclass(frozen=True, slots=True)
class LineRow:
    """A line as the Service Desk queue shows it: the system and how far it has come."""

    item_name: str
    status: str
    removed: bool


_ORDERS = Order.__table__
_ORDERER, _END_USER = Person.__table__.alias("orderer"), Person.__table__.alias("end_user")
_FORVALTNING = Forvaltning.__table__
_SHOWN = tuple(_ORDERS.c[name] for name in (
    "id", "number", "created_at", "status", "kind", "catalogue", "akut", "orderer_id", "end_user_id",
    "attestant_id", "decision_comment"))
_NAMES = ("first_name", "last_name", "vgr_id")
_PEOPLE = (*(_ORDERER.c[name] for name in _NAMES), *(_END_USER.c[name] for name in _NAMES))
_PEOPLE_JOINS = ((_ORDERER, _ORDERER.c.id == _ORDERS.c.orderer_id),
                 (_END_USER, _END_USER.c.id == _ORDERS.c.end_user_id))


def _person(values: tuple) -> PersonName | None:
    return PersonName(*values) if values[2] is not None else None


def _order_row(values: tuple) -> OrderRow:
    """An OrderRow of ``_SHOWN``, the two persons' names and, for the queue, the förvaltning's name."""
    n = len(_SHOWN)
    return OrderRow(*values[:n], orderer=_person(values[n:n + 3]), end_user=_person(values[n + 3:n + 6]),
                    forvaltning_name=values[n + 6] if len(values) > n + 6 else None)


order_rows = RowShape(columns=(*_SHOWN, *_PEOPLE), make=_order_row, joins=_PEOPLE_JOINS)
queue_rows = RowShape(columns=(*_SHOWN, *_PEOPLE, _FORVALTNING.c.name), make=_order_row,
                      joins=(*_PEOPLE_JOINS, (_FORVALTNING, _FORVALTNING.c.id == _ORDERS.c.forvaltning_id)))


@functools.cache
def _lines_statement():
    """:func:`add_lines`' statement (parameter ``ids``, a list), built once per process."""
    return (select(OrderLine.order_id, OrderLine.item_name, OrderLine.status, OrderLine.removed)
            .where(OrderLine.order_id.in_(bindparam("ids", expanding=True)))
            .order_by(OrderLine.order_id, OrderLine.position))


def add_lines(session: Session, rows: list[OrderRow]) -> None:
    """Fill in the lines of the rows (one statement for the page), in their order in each order."""
    if not rows:
        return
    by_order = {row.id: row for row in rows}
    for order_id, item_name, status, removed in session.execute(_lines_statement(), {"ids": sorted(by_order)}):
        by_order[order_id].lines.append(LineRow(item_name, status, bool(removed)))


@dataclass(frozen=True, slots=True)
class Named:
    """A förvaltning, område or enhet as a list row names it."""

    name: str


@dataclass(frozen=True, slots=True)
class DelegationRow:
    """One row of Hantera delegeringar and Visa delegeringar: who, where, when, which roles, by whom."""

    id: int
    scope: str
    valid_from: date
    valid_to: date
    is_bestallare: bool
    is_attestant: bool
    ended_at: datetime | None
    person: PersonName
    delegated_by: PersonName | None
    ended_by: PersonName | None
    forvaltning: Named
    omrade: Named | None
    enhet: Named | None


_DELEGATIONS = Delegation.__table__
_HOLDER, _DELEGATOR, _ENDER = (Person.__table__.alias(name) for name in ("holder", "delegator", "ender"))
_OMRADE, _ENHET = Omrade.__table__, Enhet.__table__
_DELEGATION_SHOWN = tuple(_DELEGATIONS.c[name] for name in (
    "id", "scope", "valid_from", "valid_to", "is_bestallare", "is_attestant", "ended_at"))


def _named(value: str | None) -> Named | None:
    return Named(value) if value is not None else None


def _delegation_row(values: tuple) -> DelegationRow:
    """A DelegationRow of ``_DELEGATION_SHOWN``, the three persons' names and the three places' names."""
    n = len(_DELEGATION_SHOWN)
    return DelegationRow(*values[:n], person=_person(values[n:n + 3]), delegated_by=_person(values[n + 3:n + 6]),
                         ended_by=_person(values[n + 6:n + 9]), forvaltning=Named(values[n + 9]),
                         omrade=_named(values[n + 10]), enhet=_named(values[n + 11]))


delegation_rows = RowShape(
    columns=(*_DELEGATION_SHOWN, *(alias.c[name] for alias in (_HOLDER, _DELEGATOR, _ENDER) for name in _NAMES),
             _FORVALTNING.c.name, _OMRADE.c.name, _ENHET.c.name),
    make=_delegation_row,
    joins=((_HOLDER, _HOLDER.c.id == _DELEGATIONS.c.person_id),
           (_DELEGATOR, _DELEGATOR.c.id == _DELEGATIONS.c.delegated_by_id),
           (_ENDER, _ENDER.c.id == _DELEGATIONS.c.ended_by_id),
           (_FORVALTNING, _FORVALTNING.c.id == _DELEGATIONS.c.forvaltning_id),
           (_OMRADE, _OMRADE.c.id == _DELEGATIONS.c.omrade_id),
           (_ENHET, _ENHET.c.id == _DELEGATIONS.c.enhet_id)))
