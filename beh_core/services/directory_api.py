"""The read-only directory for plugins: persons, engagements, units, delegations, held permissions.

Plugins never see ORM objects or a session: they get frozen snapshots from a
``Directory`` bound to the request's session and day. Personnummer are never
handed out (a plugin that needs a person searches through the core).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from ..models import (Delegation, Engagement, Enhet, Forvaltning, HeldPermission, Kostnadsstalle, Omrade, Order,
                      OrderLine, Person)
from ..models.fulfilment import LINE_DONE
from . import directory_bulk
from .pending import OPEN
from .prefix import prefix_of


@dataclass(frozen=True)
class PersonInfo:
    """A person in KiV, without personnummer."""

    id: int
    vgr_id: str
    hsa_id: str | None
    first_name: str
    last_name: str
    email: str | None
    titel: str | None
    active: bool = True

    @property
    def full_name(self) -> str:
        """Förnamn Efternamn."""
        return f"{self.first_name} {self.last_name}"

    @property
    def display(self) -> str:
        """'Anna Berg (annbe1)', as the manuals show people."""
        return f"{self.first_name} {self.last_name} ({self.vgr_id})"

    @classmethod
    def of(cls, person: Person) -> "PersonInfo":
        """Snapshot of an ORM person."""
        return cls(person.id, person.vgr_id, person.hsa_id, person.first_name, person.last_name, person.email,
                   person.titel, person.active is not False)


@dataclass(frozen=True)
class ForvaltningInfo:
    """A förvaltning: id, code, name."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class UnitInfo:
    """A verksamhet or vårdenhet with its område and förvaltning."""

    id: int
    code: str
    name: str
    hsa_id: str | None
    is_vardenhet: bool
    private_provider: bool
    chef_id: int | None
    omrade_id: int
    omrade_name: str
    forvaltning: ForvaltningInfo

    @classmethod
    def of(cls, unit: Enhet) -> "UnitInfo":
        """Snapshot of an ORM unit (its område and förvaltning loaded)."""
        f = unit.omrade.forvaltning
        return cls(unit.id, unit.code, unit.name, unit.hsa_id, bool(unit.is_vardenhet), bool(unit.private_provider),
                   unit.chef_id, unit.omrade_id, unit.omrade.name, ForvaltningInfo(f.id, f.code, f.name))


@dataclass(frozen=True)
class EngagementInfo:
    """A person's engagement at a unit, with dates and kostnadsställe."""

    id: int
    person_id: int
    unit: UnitInfo
    kind: str
    start_date: date
    end_date: date | None
    is_primary: bool
    kostnadsstalle: str | None

    def is_active(self, on: date) -> bool:
        """True when the engagement covers the day."""
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


@dataclass(frozen=True)
class DelegationInfo:
    """An active delegation: scope (``omrade`` = L/R, ``enhet`` = U), place and roles."""

    id: int
    person_id: int
    scope: str
    forvaltning_id: int
    omrade_id: int | None
    enhet_id: int | None
    is_bestallare: bool
    is_attestant: bool


@dataclass(frozen=True)
class HeldPermissionInfo:
    """A permission a person holds: item, scope (e.g. a unit), details as ordered, dates."""

    id: int
    person_id: int
    item_key: str
    scope_key: str
    details: dict = field(hash=False)
    shown: tuple = field(hash=False)
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class PendingLineInfo:
    """A line of an order for the person that is not finished yet (waiting for attest or fulfilment)."""

    order_number: str
    kind: str
    item_key: str
    scope_key: str
    held_permission_id: int | None


@dataclass(frozen=True)
class KostnadsstalleInfo:
    """A kostnadsställe and who answers for it."""

    code: str
    name: str
    forvaltning_id: int | None
    ansvarig_id: int | None
    active: bool


def held_info(h: HeldPermission) -> HeldPermissionInfo:
    """Snapshot of an ORM held permission."""
    return HeldPermissionInfo(h.id, h.person_id, h.item_key, h.scope_key or "", dict(h.details or {}),
                              tuple(tuple(pair) for pair in (h.shown or [])), h.valid_from, h.valid_to)


def _unit_query():
    return select(Enhet).options(joinedload(Enhet.omrade).joinedload(Omrade.forvaltning))


def row_id(value) -> int | None:
    """``value`` as a row id, or None. A plugin may pass what a form or a scope key held: an id too large
    for the database's integer is nobody, not a driver error."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    return value if isinstance(value, int) and 0 < value <= 2**31 - 1 else None


class Directory:
    """Read-only questions about KiV and held permissions, for one day, on one session."""

    def __init__(self, session: Session, today: date) -> None:
        self._session = session
        self.today = today

    def person(self, person_id: int | None) -> PersonInfo | None:
        """The person with the id, or None."""
        found_id = row_id(person_id)
        person = self._session.get(Person, found_id) if found_id else None
        return PersonInfo.of(person) if person else None

    def persons(self, ids: Iterable[int]) -> dict[int, PersonInfo]:
        """id -> person for the ids, in one query."""
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return {}
        return {p.id: PersonInfo.of(p) for p in self._session.scalars(select(Person).where(Person.id.in_(wanted)))}

    def person_by_vgr_id(self, vgr_id: str) -> PersonInfo | None:
        """The person with the VGR-ID (case-insensitive), or None."""
        person = self._session.scalar(select(Person).where(Person.vgr_id == (vgr_id or "").strip().lower()))
        return PersonInfo.of(person) if person else None

    def engagements(self, person_id: int) -> list[EngagementInfo]:
        """Every engagement of the person (past, present and coming), oldest first."""
        rows = self._session.scalars(select(Engagement).where(Engagement.person_id == person_id).options(
            joinedload(Engagement.enhet).joinedload(Enhet.omrade).joinedload(Omrade.forvaltning))
            .order_by(Engagement.start_date, Engagement.id))
        return [EngagementInfo(e.id, e.person_id, UnitInfo.of(e.enhet), e.kind, e.start_date, e.end_date,
                               bool(e.is_primary), e.kostnadsstalle) for e in rows]

    def unit(self, unit_id: int | str | None) -> UnitInfo | None:
        """The unit with the id (or its digits, as a scope key holds them), or None."""
        found_id = row_id(unit_id)
        unit = self._session.scalar(_unit_query().where(Enhet.id == found_id)) if found_id else None
        return UnitInfo.of(unit) if unit else None

    def units(self, ids: Iterable[int]) -> list[UnitInfo]:
        """The units with the ids, by name."""
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return []
        return [UnitInfo.of(u) for u in self._session.scalars(_unit_query().where(Enhet.id.in_(wanted))
                                                               .order_by(Enhet.name, Enhet.id))]

    def units_of_forvaltning(self, forvaltning_id: int, *, vardenheter_only: bool = False) -> list[UnitInfo]:
        """Every unit of a förvaltning, by name."""
        stmt = _unit_query().join(Omrade, Enhet.omrade_id == Omrade.id).where(Omrade.forvaltning_id == forvaltning_id)
        if vardenheter_only:
            stmt = stmt.where(Enhet.is_vardenhet.is_(True))
        return [UnitInfo.of(u) for u in self._session.scalars(stmt.order_by(Enhet.name, Enhet.id)).unique()]

    def forvaltning(self, forvaltning_id: int | None) -> ForvaltningInfo | None:
        """The förvaltning with the id, or None."""
        found_id = row_id(forvaltning_id)
        f = self._session.get(Forvaltning, found_id) if found_id else None
        return ForvaltningInfo(f.id, f.code, f.name) if f else None

    def delegations(self, person_id: int, *, scope: str | None = None) -> list[DelegationInfo]:
        """The person's delegations active today (optionally of one scope: ``omrade`` or ``enhet``)."""
        stmt = select(Delegation).where(Delegation.person_id == person_id, Delegation.valid_from <= self.today,
                                        Delegation.valid_to >= self.today)
        if scope:
            stmt = stmt.where(Delegation.scope == scope)
        return [DelegationInfo(d.id, d.person_id, d.scope, d.forvaltning_id, d.omrade_id, d.enhet_id,
                               bool(d.is_bestallare), bool(d.is_attestant))
                for d in self._session.scalars(stmt.order_by(Delegation.id))]

    def held_permissions(self, person_id: int, *, item_prefix: str = "", coming: bool = False
                         ) -> list[HeldPermissionInfo]:
        """What the person holds today (optionally only items whose key starts with ``item_prefix``).

        ``coming``: also what is granted but starts later (a nyanställd's permission from the start date).
        """
        stmt = select(HeldPermission).where(
            HeldPermission.person_id == person_id, HeldPermission.ended_at.is_(None),
            or_(HeldPermission.valid_to.is_(None), HeldPermission.valid_to >= self.today))
        if not coming:
            stmt = stmt.where(HeldPermission.valid_from <= self.today)
        if item_prefix:
            stmt = stmt.where(prefix_of(HeldPermission.item_key, item_prefix, lower=False))
        return [held_info(h) for h in self._session.scalars(stmt.order_by(HeldPermission.item_key, HeldPermission.id))]

    def pending_lines(self, person_id: int, *, item_prefix: str = "") -> list[PendingLineInfo]:
        """Lines of the person's unfinished orders (optionally only items whose key starts with ``item_prefix``)."""
        stmt = (select(Order.number, Order.kind, OrderLine.item_key, OrderLine.scope_key, OrderLine.held_permission_id)
                .join(Order, OrderLine.order_id == Order.id)
                .where(Order.end_user_id == person_id, Order.status.in_(OPEN), OrderLine.removed.is_(False),
                       OrderLine.item_key.is_not(None), OrderLine.status != LINE_DONE))
        if item_prefix:
            stmt = stmt.where(prefix_of(OrderLine.item_key, item_prefix, lower=False))
        return [PendingLineInfo(r.number, r.kind, r.item_key, r.scope_key or "", r.held_permission_id)
                for r in self._session.execute(stmt.order_by(Order.id, OrderLine.position))]

    def kostnadsstalle(self, code: str | None) -> KostnadsstalleInfo | None:
        """The kostnadsställe with the code, or None."""
        k = self._session.scalar(select(Kostnadsstalle).where(Kostnadsstalle.code == (code or "").strip()))
        return KostnadsstalleInfo(k.code, k.name, k.forvaltning_id, k.ansvarig_id, bool(k.active)) if k else None

    def search_kostnadsstallen(self, prefix: str, *, limit: int = 20) -> list[KostnadsstalleInfo]:
        """Active kostnadsställen whose code starts with the text (an indexed prefix), by code."""
        text = (prefix or "").strip()
        stmt = select(Kostnadsstalle).where(Kostnadsstalle.active.is_(True))
        if text:
            stmt = stmt.where(and_(prefix_of(Kostnadsstalle.code, text, lower=False)))
        return [KostnadsstalleInfo(k.code, k.name, k.forvaltning_id, k.ansvarig_id, bool(k.active))
                for k in self._session.scalars(stmt.order_by(Kostnadsstalle.code).limit(limit))]

    # --- Many persons at once (a mass order): a constant number of queries per list ---

    def find_persons(self, identifiers: Iterable[str]) -> tuple[dict[str, PersonInfo], dict[str, str]]:
        """Find many persons by personnummer, samordningsnummer, passnummer, HSA-ID or VGR-ID at once.

        Returns ({identifier as given, stripped: person}, {identifier: why it is not an identifier});
        a well-formed identifier that matches nobody is in neither. One query per 1,000 identifiers.
        """
        found, problems = directory_bulk.find_persons(self._session, identifiers)
        return {text: PersonInfo.of(person) for text, person in found.items()}, problems

    def engaged_at(self, person_ids: Iterable[int], unit_id: int | None) -> set[int]:
        """Those of the persons with an engagement that is active today: at the unit, or anywhere (None)."""
        return directory_bulk.engaged_at(self._session, person_ids, unit_id, self.today)

    def holding(self, person_ids: Iterable[int], item_key: str, scope_key: str) -> set[int]:
        """Those of the persons who hold the item at the scope (today, or granted from a later start date)."""
        return directory_bulk.holding(self._session, person_ids, item_key, scope_key, self.today)

    def pending_for(self, person_ids: Iterable[int], item_key: str, scope_key: str) -> dict[int, str]:
        """person id -> order number, for those with an unfinished Nyupplägg of the item at the scope."""
        return directory_bulk.pending_for(self._session, person_ids, item_key, scope_key)

    def unit_attestants(self, unit_id: int) -> list[PersonInfo]:
        """Active persons with an active U attestant delegation for the vårdenhet, by name."""
        return [PersonInfo.of(p) for p in directory_bulk.unit_attestants(self._session, unit_id, self.today)]
