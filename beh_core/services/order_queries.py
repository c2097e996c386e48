"""Read side of orders: Tidigare beställningar (Mina / Alla), attest list, one order.

Every list is a union of index ranges (``paging.KeysetList``): each range is an equality prefix of
one index of ``orders`` followed by ``(created_at, id)``, so a page reads at most a page of index
entries per range and the count at most ``COUNT_CAP`` entries, whatever the filter:

* no status/typ/katalog filter: ``(scope, created_at, id)`` with scope = orderer (Mina), område or
  vårdenhet (one range per delegation, Alla) or nothing (administrators, Service Desk);
* any of status, typ, katalog: ``(scope, status, kind, catalogue, created_at, id)``, one range per
  combination of the values left open (typ=forandring = 8 statuses x the catalogues), so a filter
  that matches nothing reads nothing;
* Beställare (one person) in Alla: ``(orderer_id, omrade_id, created_at, id)`` per delegation;
* Slutanvändare, or Beställare matching several persons: ``(end_user_id | orderer_id, created_at, id)``
  of those persons (at most ``person_match.PERSON_LIMIT``), the rest filtered on their few orders;
* Ordernummer: the unique index; the date range narrows every range; System: the lines'
  ``(item_key, order_id)`` index.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from itertools import product
from typing import NamedTuple

from sqlalchemy import String, bindparam, exists, false, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from .. import authz
from ..authz import Actor
from ..labels import _N
from ..models import STEP_WAITING, Credential, Order, OrderAttestStep, OrderLine, OrderStatus
from .keyset import KeysetList, Range, keyset_page
from .list_rows import order_rows
from .paging import COUNT_CAP, PROBED_COUNT_CAP, Page, PageRequest
from .person_match import persons_matching

PAGE_SIZE = 15  # "Totalt 194 st. Sida 1 av 13." (manual 000)
# System is checked line by line (is the line the first of the system in its order, is the order's status
# the one asked for): its count stops at the cap of a probed count.
SYSTEM_COUNT_CAP = PROBED_COUNT_CAP
# Slutanvändare or Beställare by a name that several persons have: the count reads their orders person by
# person (one range each, or each person's rows of an IN), so it too is exact up to ten pages of 15 and says
# "fler än 150" beyond, where a name is too wide to page through and needs narrowing anyway.
PERSONS_COUNT_CAP = PROBED_COUNT_CAP


class ListRanges(NamedTuple):
    """What a list reads: its index ranges (none: nothing can match), whether they are ranges of lines
    (a System filter: the orders are found through their lines' indexes) and where its count stops."""

    ranges: list[Range]
    of_lines: bool = False
    cap: int = COUNT_CAP

STATUS_LABELS = {
    OrderStatus.VANTAR_PA_ATTEST.value: _N("Väntar på Attest"),
    OrderStatus.ATTESTERAD.value: _N("Attesterad"),
    OrderStatus.UNDER_UTFORANDE.value: _N("Under utförande"),
    OrderStatus.KOMPLETTERING.value: _N("Komplettering begärd"),
    OrderStatus.SCHEMALAGD.value: _N("Schemalagd"),
    OrderStatus.AVSLUTAD.value: _N("Avslutad"),
    OrderStatus.AVSLAGEN.value: _N("Avslagen"),
    OrderStatus.MAKULERAD.value: _N("Makulerad"),
}
KINDS = ("nyupplagg", "forandring", "avslut")
SORT_KEY = (Order.created_at, Order.id)


@dataclass
class OrderFilter:
    """Sökalternativ of Tidigare beställningar (every field optional, all combinable)."""

    number: str = ""
    catalogue: str = ""
    status: str = ""
    kind: str = ""
    end_user: str = ""  # VGR-ID, HSA-ID, personnummer or name
    orderer: str = ""  # Beställare (Alla): VGR-ID, HSA-ID, personnummer or name
    system: tuple[str, ...] = ()  # the item keys of one system (every förvaltning offering it)
    date_from: date | None = None
    date_to: date | None = None
    catalogues: tuple[str, ...] = ()  # every catalogue key orders may have (the registry's)

    @property
    def facets(self) -> bool:
        """Is status, typ or katalog chosen (the ranges then include them)?"""
        return bool(self.status or self.kind or self.catalogue)


def _facet_values(flt: OrderFilter) -> list[tuple[str, str, str]]:
    """Every (status, kind, catalogue) the filter leaves open: one index range each."""
    statuses = [flt.status] if flt.status else list(STATUS_LABELS)
    kinds = [flt.kind] if flt.kind else list(KINDS)
    if not flt.catalogue and not flt.catalogues:
        # Without the keys no range could be formed and the list would be silently empty.
        raise ValueError("OrderFilter.catalogues must hold the portal's catalogue keys when a facet is chosen")
    catalogues = [flt.catalogue] if flt.catalogue else sorted(set(flt.catalogues))
    return list(product(statuses, kinds, catalogues))


def _narrow(flt: OrderFilter, person_ids: dict[str, list[int]]) -> list:
    """Conditions every range gets: the date range and the filters that are not part of its index prefix."""
    where = []
    if flt.date_from:
        where.append(Order.created_at >= datetime.combine(flt.date_from, time.min, timezone.utc))
    if flt.date_to:
        where.append(Order.created_at <= datetime.combine(flt.date_to, time.max, timezone.utc))
    if flt.system:
        where.append(Order.id.in_(select(OrderLine.order_id).where(
            OrderLine.item_key.in_(sorted(flt.system)), OrderLine.removed.is_(False))))
    if flt.number:
        where.append(Order.number == flt.number.strip().lower())
    for column, ids in ((Order.end_user_id, person_ids.get("end_user")), (Order.orderer_id, person_ids.get("orderer"))):
        if ids is not None:
            where.append(column.in_(ids) if ids else false())
    return where


def _facet_filter(flt: OrderFilter) -> list:
    """Status, typ and katalog checked on the rows a range reads (not part of its index prefix).

    The values are written into the SQL: there are a handful of each, and PostgreSQL then plans each
    statement once for all its runs knowing how common the value is. As parameters its generic plan
    looked dearer than planning every run (System + status: 2 ms of planning for a 2.5 ms run).
    """
    where = []
    for column, value in ((Order.status, flt.status), (Order.kind, flt.kind), (Order.catalogue, flt.catalogue)):
        if value:
            where.append(column == literal(value, literal_execute=True))
    return where


SCOPE_COLUMNS = {"orderer": Order.orderer_id, "omrade": Order.omrade_id, "enhet": Order.enhet_id}
# The same scopes on the lines (copies kept by the database, migration 0014): System as an index range.
LINE_SCOPE_COLUMNS = {"orderer": OrderLine.orderer_id, "omrade": OrderLine.omrade_id, "enhet": OrderLine.enhet_id}
LINE_SORT_KEY = (OrderLine.order_created_at, OrderLine.order_id)
FACET_COLUMNS = (Order.status, Order.kind, Order.catalogue)
KIND_COLUMNS = (Order.kind, Order.catalogue)  # Typ and Beställning without a Status


def _scope_value(kind: str, value):
    """A vårdenhet scope is (område, enhet) and read through the enhet index (it lies in one område)."""
    return value[1] if kind == "enhet" else value


def _scope_clause(scopes: list[tuple] | None):
    if scopes is None:
        return true()
    return or_(*[SCOPE_COLUMNS[kind] == _scope_value(kind, value) for kind, value in scopes])


def _facet_prefix(flt: OrderFilter) -> tuple[tuple, list[tuple]]:
    """The facet columns of the index the ranges read, and their open values (a range each).

    With a Status: ``(status, kind, catalogue)``. Typ or Beställning without a Status read the indexes
    without the status, ``(kind, catalogue)``: the eight statuses are not spelled out as eight ranges each
    (Beställning alone was 24 ranges per delegation, 1.2 ms at 5 M orders; migration 0021).
    """
    if not flt.facets:
        return (), [()]
    combos = _facet_values(flt)
    if flt.status:
        return FACET_COLUMNS, combos
    return KIND_COLUMNS, sorted({(kind, catalogue) for _status, kind, catalogue in combos})


def _scope_ranges(scopes: list[tuple] | None, flt: OrderFilter, narrow: list) -> list[Range]:
    """One range per scope (per kind of scope: one index), times the open facet values when a facet is chosen."""
    facet_columns, combos = _facet_prefix(flt)
    if scopes is None:
        return [Range(tuple(narrow), facet_columns, tuple(combos), written=tuple(range(len(facet_columns))))]
    ranges = []
    for kind in ("orderer", "omrade", "enhet"):
        values = [_scope_value(k, v) for k, v in scopes if k == kind]
        if values:
            ranges.append(Range(tuple(narrow), (SCOPE_COLUMNS[kind], *facet_columns),
                                tuple((value, *combo) for value in values for combo in combos),
                                written=tuple(range(1, 1 + len(facet_columns)))))
    return ranges


def _ranges(session: Session, scopes: list[tuple] | None, flt: OrderFilter) -> ListRanges:
    """Every index range of the list for the filter (none: nothing can match), with where its count stops."""
    people: dict[str, list[int]] = {}
    if flt.end_user:
        people["end_user"] = persons_matching(session, flt.end_user, "slutanvandare")
    if flt.orderer:
        people["orderer"] = persons_matching(session, flt.orderer, "bestallare")
    if any(ids == [] for ids in people.values()):
        return ListRanges([])
    persons_cap = PERSONS_COUNT_CAP if any(len(ids) > 1 for ids in people.values()) else COUNT_CAP
    if flt.end_user and not flt.number and session.get_bind().dialect.name == "postgresql":
        # Slutanvändare (up to 500 persons by a name): each person's orders are their own range of
        # (end_user_id, created_at, id), read newest first as far as a page needs, the rest checked on
        # those rows. One IN over all of them would read and sort every order of every person found,
        # which grows with the orders per person. (SQLite keeps the IN: 500 ranges would be 500 SELECTs.)
        others = {kind: ids for kind, ids in people.items() if kind != "end_user"}
        where = (_scope_clause(scopes), *_facet_filter(flt), *_narrow(flt, others))
        return ListRanges([Range(where, (Order.end_user_id,), tuple((person_id,) for person_id in people["end_user"]))],
                          cap=persons_cap)
    if flt.number or flt.end_user or len(people.get("orderer", ())) > 1:
        # Few rows whatever the scope: the number's or the persons' index, the rest filtered on those rows.
        return ListRanges([Range((_scope_clause(scopes), *_facet_filter(flt), *_narrow(flt, people)))], cap=persons_cap)
    orderer = people["orderer"][0] if flt.orderer else None  # one beställare
    if orderer is not None and scopes is not None and any(kind == "orderer" for kind, _ in scopes) \
            and scopes != [("orderer", orderer)]:
        return ListRanges([])  # Mina: only the actor's own
    if flt.system:
        return ListRanges(_system_ranges(scopes, flt, orderer), True, SYSTEM_COUNT_CAP)
    narrow = _narrow(flt, {})
    if orderer is None:
        return ListRanges(_scope_ranges(scopes, flt, narrow))
    if scopes is None or any(kind == "orderer" for kind, _ in scopes):
        return ListRanges(_scope_ranges([("orderer", orderer)], flt, narrow))
    # Her orders in each delegation: (orderer_id, omrade_id, created_at, id), a vårdenhet filtered within.
    where = (*_facet_filter(flt), *narrow)
    ranges = []
    areas = [value for kind, value in scopes if kind == "omrade"]
    if areas:
        ranges.append(Range(where, (Order.orderer_id, Order.omrade_id), tuple((orderer, o) for o in areas)))
    units = [value for kind, value in scopes if kind == "enhet"]
    if units:
        ranges.append(Range(where, (Order.orderer_id, Order.omrade_id, Order.enhet_id),
                            tuple((orderer, o, e) for o, e in units)))
    return ListRanges(ranges)


# Another line of the same order (is this line the order's first of the system?). Made once: an alias made
# per request built its column collection anew each time, a fifth of a System page's time in the view.
_OTHER_LINE = aliased(OrderLine, name="other_line")


def _system_ranges(scopes: list[tuple] | None, flt: OrderFilter, orderer: int | None) -> list[Range]:
    """System (with any other filter): ranges of the lines' ``(item_key, scope, order_created_at, order_id)``
    indexes, one per item key of the system and scope value; status, typ and katalog are checked on the
    order of each line read, and an order with two lines of the system counts once (its first line)."""
    keys = sorted(flt.system)
    other = _OTHER_LINE  # this line must be the order's first of the system
    where = [OrderLine.removed.is_(False),
             ~exists().where(other.order_id == OrderLine.order_id, other.item_key.in_(keys),
                             other.removed.is_(False), other.id < OrderLine.id)]
    if flt.date_from:
        where.append(OrderLine.order_created_at >= datetime.combine(flt.date_from, time.min, timezone.utc))
    if flt.date_to:
        where.append(OrderLine.order_created_at <= datetime.combine(flt.date_to, time.max, timezone.utc))
    facets = _facet_filter(flt)
    if facets:
        where.append(exists().where(Order.id == OrderLine.order_id, *facets))
    if orderer is not None:  # one beställare: her lines of the system, within the scopes
        if scopes is not None and not any(kind == "orderer" for kind, _ in scopes):
            where.append(or_(*[LINE_SCOPE_COLUMNS[kind] == _scope_value(kind, value) for kind, value in scopes]))
        return [Range(tuple(where), (OrderLine.item_key, OrderLine.orderer_id), tuple((key, orderer) for key in keys))]
    if scopes is None:
        return [Range(tuple(where), (OrderLine.item_key,), tuple((key,) for key in keys))]
    ranges = []
    for kind in ("orderer", "omrade", "enhet"):
        values = [_scope_value(k, v) for k, v in scopes if k == kind]
        if values:
            ranges.append(Range(tuple(where), (OrderLine.item_key, LINE_SCOPE_COLUMNS[kind]),
                                tuple((key, value) for key in keys for value in values)))
    return ranges


_WITH_CREDENTIALS = exists().where(Credential.order_id == Order.id).correlate(Order).label("with_credentials")


def _list(session: Session, actor: Actor, ranges: ListRanges, request: PageRequest, size: int) -> Page:
    """One page of the ranges (of orders, or of lines leading to their orders), with the orders whose
    credentials the actor (their orderer) may read."""
    order_ranges, of_lines, cap = ranges
    spec = KeysetList(entity=OrderLine if of_lines else Order, key=LINE_SORT_KEY if of_lines else SORT_KEY,
                      ranges=tuple(order_ranges), shape=order_rows, extra_columns=(_WITH_CREDENTIALS,),
                      row_id=Order.id if of_lines else None)
    page = keyset_page(session, spec, request, size, cap)
    # Only the orderer reads an order's credentials: checked here on the row, so the flag's SQL is the same
    # for every actor (built once; building it per request with the actor in it was 4 % of a list page).
    page.marks = {order.id for order, has_credentials in page.rows if has_credentials and order.orderer_id == actor.id}
    page.rows = [order for order, _ in page.rows]
    return page


def my_orders(session: Session, actor: Actor, flt: OrderFilter, request: PageRequest | None = None,
              size: int = PAGE_SIZE) -> Page:
    """Mina beställningar: orders the actor placed."""
    return _list(session, actor, _ranges(session, [("orderer", actor.id)], flt), request or PageRequest(), size)


def all_orders(session: Session, actor: Actor, flt: OrderFilter, request: PageRequest | None = None,
               size: int = PAGE_SIZE) -> Page:
    """Alla beställningar: orders inside the actor's delegations (or all for admin / Service Desk)."""
    scopes = authz.all_orders_scope_keys(actor)
    if scopes == []:
        return Page([], 0, 1, 1)
    return _list(session, actor, _ranges(session, scopes, flt), request or PageRequest(), size)


def _attestable(actor: Actor) -> tuple:
    """The conditions of ``authz.may_attest`` the attest list, its count and Godkänn flera på en gång can
    afford on every row: the waiting step is the actor's, of a rule the actor can meet at all (``area``: they
    hold an L/R attest delegation, ``unit``: a U one; ``plugin``: the plugin named them when the order was
    made), and the order is neither theirs nor for them. An order of an attestant with no attest delegation
    (the demo's random attestants, someone whose delegations ended) no longer lists only to answer 403.

    Whether the delegation covers that very order is checked when it is opened (authz.may_attest): spelled
    out per delegation in SQL it cost 3 M instructions per page and kept the statement from being reused.
    """
    own = (Order.orderer_id != actor.id, Order.end_user_id != actor.id)
    rules = ["plugin", *(["area"] if actor.area_attestant else []), *(["unit"] if actor.unit_attestant else [])]
    if len(rules) == 3:  # every rule can be met: a step waiting for them is one they may decide (no subquery)
        return own
    step = exists().where(OrderAttestStep.order_id == Order.id, OrderAttestStep.status == STEP_WAITING,
                          OrderAttestStep.attestant_id == actor.id, OrderAttestStep.rule.in_(rules))
    return (*own, step)


def orders_to_attest(session: Session, actor: Actor, request: PageRequest | None = None,
                     size: int = PAGE_SIZE) -> Page:
    """Orders the actor may attest now, newest first: one range of (attestant_id, status, created_at, id),
    narrowed to the orders whose waiting step's rule the actor meets (``_attestable``)."""
    where = (Order.attestant_id == actor.id, Order.status == OrderStatus.VANTAR_PA_ATTEST.value,
             *_attestable(actor))
    spec = KeysetList(entity=Order, key=SORT_KEY, ranges=(Range(where),), shape=order_rows)
    return keyset_page(session, spec, request or PageRequest(), size)


def load_order(session: Session, number: str) -> Order | None:
    """One order with its people, attest steps and lines, in two statements whatever their number.

    The attest steps (one to three) are joined to the order's row; the lines, up to hundreds, come in a
    statement of their own, so the order's columns are not repeated once per line.
    """
    return session.execute(_order_statement(), {"number": number}).unique().scalar_one_or_none()


@functools.cache
def _order_statement():
    """:func:`load_order`'s statement (parameter ``number``), built once per process: building its eight
    loader options anew cost more Python on every order page than running it."""
    return select(Order).where(Order.number == bindparam("number", type_=String)).options(
        joinedload(Order.orderer), joinedload(Order.end_user), joinedload(Order.attestant),
        joinedload(Order.forvaltning), joinedload(Order.omrade), joinedload(Order.enhet),
        joinedload(Order.attest_steps).joinedload(OrderAttestStep.attestant), selectinload(Order.lines),
    )


# Godkänn flera på en gång shows the oldest this many orders waiting; when they are decided, the next ones.
# A VMU mass order of up to 10 000 rows is then approved in batches of 1 000: each page and each signature
# cover a bounded list (the whole queue was 6.7 s for an attestant with 10 000 waiting at 5 M orders).
MANY_BATCH = 1000


def waiting_count(session: Session, actor: Actor, cap: int = COUNT_CAP) -> int:
    """How many orders the actor may attest now, counted up to ``cap + 1`` (an index range)."""
    waiting = (select(Order.id).where(Order.attestant_id == actor.id,
                                      Order.status == OrderStatus.VANTAR_PA_ATTEST.value,
                                      *_attestable(actor)).limit(cap + 1))
    return session.scalar(select(func.count()).select_from(waiting.subquery())) or 0


def waiting_for(session: Session, actor: Actor, *, ids: list[int] | None = None, limit: int = 10_000) -> list[Order]:
    """Orders the actor may attest now (optionally only the given ids), oldest first, with their people
    and lines loaded (Godkänn markerade: constant queries however many)."""
    stmt = (select(Order).where(Order.attestant_id == actor.id, Order.status == OrderStatus.VANTAR_PA_ATTEST.value,
                                *_attestable(actor))
            # forvaltning and enhet: the mails of Godkänn markerade name them (no statement per order)
            .options(joinedload(Order.end_user), joinedload(Order.orderer), joinedload(Order.forvaltning),
                     joinedload(Order.enhet), selectinload(Order.lines),
                     selectinload(Order.attest_steps))
            .order_by(Order.created_at, Order.id).limit(limit))
    if ids is not None:
        stmt = stmt.where(Order.id.in_(ids))
    return list(session.scalars(stmt).unique())
