"""Long lists read from index ranges: a page costs the same at 5 M rows as at 50, at page 1 as at the oldest.

A list is the union of ``Range``s. A range is "these conditions, and these columns equal one of these
rows of values": every row of values is the equality prefix of one index whose next columns are the
sort key (``(omrade_id, status, kind, catalogue, created_at, id)`` with a row (7, 'avslutad', 'avslut',
<catalogue key>)). One statement answers a page:

* the capped count: at most ``COUNT_CAP + 1`` index entries, range after range;
* the page's sort keys, read from the indexes only (narrow): each range is its own ORDER BY ... LIMIT,
  which PostgreSQL merges lazily (Merge Append); the rows of values of a range are joined LATERAL from
  ``unnest`` of one array per column, so 48 ranges are one short statement with one plan, not 48;
* the rows themselves, joined to those keys, with their eager loads.

Pages are addressed by number (an OFFSET over index entries, allowed while it reads at most
``OFFSET_LIMIT`` entries), after or before a cursor (the sort key of the row next to the page: the
100 000th page costs what the first does) or from the end (``sida=sista``: the same indexes backwards).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import and_, bindparam, false, func, literal, select, true, tuple_, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from .paging import COUNT_CAP, Page, PageRequest, decode_cursor, encode_cursor

# The most index entries a page asked for by number may read (ranges x (offset + page)); deeper pages
# are reached by cursor (Nästa sida, Sista sidan) or by narrowing the search.
OFFSET_LIMIT = 50000


@dataclass(frozen=True)
class Range:
    """Rows matching ``where`` whose ``columns`` equal one of ``rows`` (each row of values: one index range).

    ``rank`` sorts whole ranges before the key: the Service Desk queue shows its akut ranges (rank 0)
    before the others (rank 1), each oldest first.
    """

    where: tuple = ()
    columns: tuple = ()
    rows: tuple = ((),)
    rank: int = 0

    def clauses(self) -> list:
        """One WHERE clause per row of values (how SQLite reads the ranges)."""
        return [and_(true(), *self.where, *[column == value for column, value in zip(self.columns, row)])
                for row in self.rows]


@dataclass(frozen=True)
class RowShape:
    """Plain rows instead of mapped objects, for a list shown and never changed.

    ``columns`` are read (the first one is NULL only when the page is empty), with the outer ``joins``
    ``(target, onclause)`` they need, and ``make`` turns one row's values into what the page shows.
    A mapped object costs per instance (identity map, deferred columns); a list page needs none of it.
    """

    columns: tuple
    make: Callable[[tuple], Any]
    joins: tuple = ()


@dataclass(frozen=True)
class KeysetList:
    """A list: ``ranges`` sorted by ``key`` (the same columns in every range's index; the last is the id).

    ``entity`` is the mapped class whose rows are listed: shown as mapped objects with ``options``
    (eager loads), or as what ``shape`` makes of plain columns; ``extra_columns`` (e.g. an EXISTS flag)
    are loaded alongside. With ``row_id`` the ranges read ``entity`` but the page shows the rows of
    ``row_id``'s table whose ``row_id`` is the key's last column (orders found through their lines).
    """

    entity: Any
    key: tuple
    ranges: tuple
    descending: bool = True
    options: tuple = ()
    extra_columns: tuple = ()
    shape: RowShape | None = None
    row_id: Any = None

    @property
    def ranked(self) -> bool:
        """Do the ranges have ranks (then the rank leads the sort key and every cursor)?"""
        return len({r.rank for r in self.ranges}) > 1

    @property
    def kinds(self) -> tuple[type, ...]:
        """The Python types of a cursor's values (to read cursors)."""
        return ((int,) if self.ranked else ()) + tuple(column.type.python_type for column in self.key)

    @property
    def width(self) -> int:
        """How many index ranges the list reads."""
        return sum(len(r.rows) for r in self.ranges)


def _order(columns, descending: bool):
    return [c.desc() if descending else c.asc() for c in columns]


def _grid(rng: Range, n: int):
    """The rows of values of a range as a table: unnest(array per column) AS grid_n(v0, v1, ...)."""
    arrays = [bindparam(f"grid_{n}_{i}", [row[i] for row in rng.rows], type_=ARRAY(column.type))
              for i, column in enumerate(rng.columns)]
    return func.unnest(*arrays).table_valued(*[f"v{i}" for i in range(len(arrays))]).render_derived(name=f"grid_{n}")


def _arms(session: Session, spec: KeysetList, columns_of, build):
    """One select per index range (SQLite) or per Range, its rows of values joined LATERAL (PostgreSQL).

    ``columns_of(rng)`` gives the selected columns; ``build(stmt, rng)`` adds WHERE/ORDER/LIMIT, or
    returns None when the range has nothing to give (it lies before a cursor).
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    arms = []
    for n, rng in enumerate(spec.ranges):
        if postgres and len(rng.rows) > 1:
            grid = _grid(rng, n)
            inner = build(select(*columns_of(rng)).select_from(spec.entity).where(
                *rng.where, *[column == grid.c[f"v{i}"] for i, column in enumerate(rng.columns)]), rng)
            if inner is not None:
                inner = inner.lateral(f"range_{n}")
                arms.append(select(*inner.c).select_from(grid).join(inner, true()))
        else:
            arms += [arm for arm in (build(select(*columns_of(rng)).select_from(spec.entity).where(clause), rng)
                                     for clause in rng.clauses())
                     if arm is not None]
    return arms


def _ids_query(session: Session, spec: KeysetList, descending: bool, cursor: tuple | None, limit: int, offset: int):
    """The narrow query: the sort keys of the page's rows, from the indexes only (a subquery)."""
    order = _order(spec.key, descending)
    forward = descending == spec.descending  # reading in list order (not back from a cursor or the end)
    ranked = spec.ranked
    key_cursor = cursor[1:] if ranked and cursor is not None else cursor

    def build(stmt, rng):
        if cursor is not None:
            rank = cursor[0] if ranked else rng.rank
            if (rng.rank < rank) if forward else (rng.rank > rank):
                return None  # the whole range lies on the other side of the cursor
            if rng.rank == rank:
                row = tuple_(*spec.key)
                stmt = stmt.where(row < tuple_(*key_cursor) if descending else row > tuple_(*key_cursor))
        return stmt.order_by(*order).limit(offset + limit)

    def columns(rng):
        return ((literal(rng.rank).label("rank"),) if ranked else ()) + tuple(spec.key)

    arms = _arms(session, spec, columns, build)
    if not arms:
        return select(*columns(spec.ranges[0])).where(false()).subquery("page_ids")
    if spec.width == 1 and not ranked:  # one index range: its own ORDER BY ... LIMIT ... OFFSET
        return arms[0].limit(limit).offset(offset or None).subquery("page_ids")
    wrapped = [select(*sub.c) for sub in (arm.subquery(f"arm_{n}") for n, arm in enumerate(arms))]
    union = (wrapped[0] if len(wrapped) == 1 else union_all(*wrapped)).subquery("ranges")
    outer = ([union.c.rank.asc() if forward else union.c.rank.desc()] if ranked else []) + \
        _order([union.c[c.key] for c in spec.key], descending)
    return select(*union.c).order_by(*outer).limit(limit).offset(offset or None).subquery("page_ids")


def _count_query(session: Session, spec: KeysetList, cap: int):
    """The capped count: at most cap + 1 index entries, range after range.

    Each range is counted in its list order (ORDER BY the key, which its index gives for free): the
    planner then reads the range's own index, never a wider one filtered until the cap is reached.
    """
    order = _order(spec.key, spec.descending)
    arms = _arms(session, spec, lambda rng: (literal(1).label("one"),),
                 lambda stmt, rng: stmt.order_by(*order).limit(cap + 1))
    # Each arm is a subquery: SQLite allows no LIMIT inside a compound select's members.
    union = arms[0] if len(arms) == 1 else union_all(
        *[select(*arm.subquery(f"counted_{n}").c) for n, arm in enumerate(arms)])
    return select(func.count().label("n")).select_from(union.limit(cap + 1).subquery("counted")).subquery("total")


def _fetch(session: Session, spec: KeysetList, descending: bool, cursor: tuple | None, limit: int, offset: int,
           cap: int) -> tuple[int, list, list[tuple]]:
    """One statement: (capped count, rows in list order, their sort keys)."""
    total_q = _count_query(session, spec, cap)
    ids = _ids_query(session, spec, descending, cursor, limit, offset)
    key_columns = ([ids.c.rank] if spec.ranked else []) + [ids.c[c.key] for c in spec.key]
    forward = descending == spec.descending
    order = ([ids.c.rank.asc() if forward else ids.c.rank.desc()] if spec.ranked else []) + \
        _order([ids.c[c.key] for c in spec.key], descending)
    shape = spec.shape
    shown = shape.columns if shape else (spec.entity,)
    row_id = spec.key[-1] if spec.row_id is None else spec.row_id
    stmt = (select(total_q.c.n, *shown, *spec.extra_columns, *key_columns).select_from(total_q)
            .outerjoin(ids, true()).outerjoin(row_id.table, row_id == key_columns[-1]))
    for target, onclause in (shape.joins if shape else ()):
        stmt = stmt.outerjoin(target, onclause)
    stmt = stmt.order_by(*order) if shape else stmt.options(*spec.options).order_by(*order)
    result = session.execute(stmt)
    total, rows, keys = 0, [], []
    width, first = len(spec.extra_columns), 1 + len(shown)
    for row in (result.all() if shape else result.unique().all()):
        total = row[0]
        if row[1] is not None:
            item = shape.make(row[1:first]) if shape else row[1]
            rows.append((item, *row[first:first + width]) if width else item)
            keys.append(tuple(row[first + width:]))
    return total, rows, keys


def keyset_page(session: Session, spec: KeysetList, request: PageRequest, size: int,
                cap: int = COUNT_CAP) -> Page:
    """One page of ``spec`` as ``request`` asks: by number, after / before a cursor, or the last page."""
    if not spec.ranges or spec.width == 0:
        return Page([], 0, 1, 1)
    forward = spec.descending
    after = decode_cursor(request.after, spec.kinds) if request.after else None
    before = decode_cursor(request.before, spec.kinds) if request.before else None
    number = request.number
    if before is not None:  # Föregående sida: the rows just before the cursor, read backwards
        total, rows, keys = _fetch(session, spec, not forward, before, size + 1, 0, cap)
        return _page(rows[:size][::-1], keys[:size][::-1], total, cap, size, number,
                     has_before=len(rows) > size, has_after=True)
    if number < 0 and after is not None:  # Nästa from a page counted from the end
        return _forward(session, spec, after, None, size, cap, number)
    if number < 0:  # Sista sidan: the oldest rows, read from the other end of the same ranges
        total, rows, keys = _fetch(session, spec, not forward, None, size + 1, 0, cap)
        if total <= cap:  # exact: the last page holds what is left after the full pages
            pages = max(1, math.ceil(total / size))
            last = total - (pages - 1) * size
            return _page(rows[:last][::-1], keys[:last][::-1], total, cap, size, pages,
                         has_before=pages > 1, has_after=False)
        return _page(rows[:size][::-1], keys[:size][::-1], total, cap, size, -1,
                     has_before=len(rows) > size, has_after=False)
    return _forward(session, spec, after, number, size, cap, number)


def _forward(session: Session, spec: KeysetList, after: tuple | None, number: int | None, size: int, cap: int,
             shown: int) -> Page:
    offset = (number - 1) * size if after is None and number and number > 1 else 0
    if offset and spec.width * (offset + size) > OFFSET_LIMIT:  # too deep for a number alone: say so
        total, _, _ = _fetch(session, spec, spec.descending, None, 0, 0, cap)
        return _missing(total, cap, size, number)
    total, rows, keys = _fetch(session, spec, spec.descending, after, size + 1, offset, cap)
    if not rows and (offset or after is not None):
        return _missing(total, cap, size, shown)
    return _page(rows[:size], keys[:size], total, cap, size, shown,
                 has_before=shown > 1 or after is not None or shown < -1, has_after=len(rows) > size)


def _missing(total: int, cap: int, size: int, asked: int) -> Page:
    pages = max(1, math.ceil(min(total, cap) / size))
    return Page([], min(total, cap), pages, pages, total > cap, missing=True, asked=asked)


def _page(rows: list, keys: list[tuple], total: int, cap: int, size: int, number: int, *, has_before: bool,
          has_after: bool) -> Page:
    capped = total > cap
    total = min(total, cap)
    pages = max(1, math.ceil(total / size))
    if not capped and number < 0:  # a page counted from the end, now that the total is known
        number = max(1, pages + 1 + number)
    return Page(rows, total, number, pages, capped,
                after=encode_cursor(keys[-1]) if has_after and keys else None,
                before=encode_cursor(keys[0]) if has_before and keys else None)

