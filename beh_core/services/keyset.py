"""Long lists read from index ranges: a page costs the same at 5 M rows as at 50, at page 1 as at the oldest.

A list is the union of ``Range``s. A range is "these conditions, and these columns equal one of these
rows of values": every row of values is the equality prefix of one index whose next columns are the
sort key (``(omrade_id, status, kind, catalogue, created_at, id)`` with a row (7, 'avslutad', 'avslut',
<catalogue key>)). One statement answers a page:

* the capped count: at most ``COUNT_CAP + 1`` index entries, range after range;
* the page's sort keys, read from the indexes only (narrow): each range is its own ORDER BY ... LIMIT,
  which PostgreSQL merges lazily (Merge Append) while a range has few rows of values (``ARMS_MAX``, an
  arm each); more rows of values are joined LATERAL from ``unnest`` of one array per column, so 48
  ranges are one short statement with one plan, not 48;
* the rows themselves, joined to those keys, with their eager loads.

The statement of a list is built once per shape (the ranges' conditions and columns, how many rows of
values, the page asked for) and kept: every value in it is a named bind parameter, so each request only
works out its shape and its values and runs the kept statement with them (``_Shape``). Building the
statement (subqueries, LATERAL joins, unions) cost more than the rest of the page's Python.

Pages are addressed by number (an OFFSET over index entries, allowed while it reads at most
``OFFSET_LIMIT`` entries), after or before a cursor (the sort key of the row next to the page: the
100 000th page costs what the first does) or from the end (``sida=sista``: the same indexes backwards).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import (Integer, Text, and_, bindparam, cast, false, func, literal_column, select, true, tuple_,
                        union_all)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from .paging import COUNT_CAP, Page, PageRequest, decode_cursor, encode_cursor

# The most index entries a page asked for by number may read (ranges x (offset + page)); deeper pages
# are reached by cursor (Nästa sida, Sista sidan) or by narrowing the search.
OFFSET_LIMIT = 50000
# Up to this many rows of values (a beställare's delegations: 2 or 3 områden) a range is one arm per row
# on PostgreSQL too: each arm an ORDER BY ... LIMIT of its own index, merged in order (Merge Append), so a
# page reads its 16 rows in all, not 16 per row of values, and page 400 of five ranges reads 6 000 index
# entries instead of 30 000 (6.9 -> 1.0 ms at 5 M orders). More rows (a status per typ and katalog, 500
# persons by a name) are one array per column joined LATERAL: one short statement, cheap to plan.
ARMS_MAX = 8


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
    # Positions of ``columns`` whose values are written into the SQL when it runs, where a range is an arm
    # per row of values: a facet (typ, katalog) is one of a handful of values, and written in, PostgreSQL
    # plans the statement once for each, knowing how common it is. As parameters its plan for unknown
    # values looked dearer than planning every run (0.9 ms a request for Typ = Förändring).
    written: tuple = ()


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


# Statements kept per shape, in each process. A shape names its objects by id(); the entry keeps them
# alive, so an id in a kept key can never be reused by another object.
_STATEMENTS: dict[tuple, tuple[Any, tuple]] = {}
STATEMENTS_MAX = 2000


def _named(clause, prefix: str):
    """``clause`` with each of its bind parameters renamed ``{prefix}_{k}`` (k: their order in its cache key),
    and those values by name; None when SQLAlchemy cannot give the clause a cache key."""
    cache_key = clause._generate_cache_key()
    if cache_key is None:
        return None
    names: dict[int, BindParameter] = {}
    values: dict[str, Any] = {}
    for k, bind in enumerate(cache_key.bindparams):
        name = f"{prefix}_{k}"
        values[name] = bind.effective_value
        names[id(bind)] = bindparam(name, bind.effective_value, type_=bind.type, expanding=bind.expanding,
                                    literal_execute=bind.literal_execute)
    return cache_key.key, values, names


class _Shape:
    """What a request asks of a list, split into the statement's shape (``key``) and its ``values``.

    Every value goes into a named bind parameter: the range's conditions ``w{n}_{j}_{k}``, its rows of values
    (``grid_{n}_{i}`` arrays on PostgreSQL, ``r{n}_{m}_{i}`` otherwise), the extra columns ``x{i}_{k}``,
    the cursor ``cursor_{i}`` and the limits. Two requests of one shape differ in values only, so the
    statement built for the first serves the second.
    """

    def __init__(self, spec: KeysetList, postgres: bool, descending: bool, cursor: tuple | None, limit: int,
                 offset: int, cap: int) -> None:
        self.postgres = postgres
        self.values: dict[str, Any] = {"page_limit": limit, "arm_limit": offset + limit, "count_limit": cap + 1}
        if offset:
            self.values["page_offset"] = offset
        # Per condition: id(original bind) -> its named stand-in. Never shared between conditions: one
        # condition object used in two ranges still gets each range's own names (its key says nothing of it).
        self.renamed: dict[str, dict[int, BindParameter]] = {}
        keep: list = [spec.entity, spec.key, spec.row_id, spec.shape]
        parts: list = [postgres, id(spec.entity), tuple(map(id, spec.key)), id(spec.row_id), id(spec.shape),
                       spec.descending, descending, cursor is None, bool(offset)]
        self.cacheable = spec.shape is not None and not spec.options
        ranked = spec.ranked
        if cursor is not None:
            key_cursor = cursor[1:] if ranked else cursor
            parts.append(cursor[0] if ranked else None)  # which ranges lie beyond it is part of the shape
            self.values.update((f"cursor_{i}", value) for i, value in enumerate(key_cursor))
        for i, column in enumerate(spec.extra_columns):
            parts.append(self._clause(column, f"x{i}"))
        for n, rng in enumerate(spec.ranges):
            keep.append(rng.columns)
            grid = postgres and len(rng.rows) > ARMS_MAX
            parts.append((rng.rank, tuple(map(id, rng.columns)), ("grid" if grid else "rows", len(rng.rows)),
                          tuple(self._clause(clause, f"w{n}_{j}") for j, clause in enumerate(rng.where)),
                          rng.written))
            if grid:
                self.values.update((f"grid_{n}_{i}", array_literal([row[i] for row in rng.rows]))
                                   for i in range(len(rng.columns)))
                self.values[f"grid_rows_{n}"] = len(rng.rows)
            else:
                self.values.update((f"r{n}_{m}_{i}", value) for m, row in enumerate(rng.rows)
                                   for i, value in enumerate(row))
        self.key = tuple(parts) if self.cacheable else None
        self.keep = tuple(keep)

    def _clause(self, clause, prefix: str):
        named = _named(clause, prefix) if self.cacheable else None
        if named is None:
            self.cacheable = False
            return None
        key, values, renamed = named
        self.values.update(values)
        self.renamed[prefix] = renamed
        return key

    def where(self, clause, prefix: str):
        """``clause`` (the condition named ``prefix`` of the shape) with its values as named parameters."""
        renamed = self.renamed.get(prefix)
        if not renamed:
            return clause
        return visitors.replacement_traverse(
            clause, {}, lambda element: renamed.get(id(element)) if isinstance(element, BindParameter) else None)

    def value(self, name: str, column, written: bool = False):
        """The named parameter ``name`` (already among the values), typed as ``column``; ``written``: put into
        the SQL text when the statement runs (each request's own value, never one kept in the statement)."""
        return bindparam(name, self.values[name], type_=column.type, literal_execute=written)

    def limit(self, name: str):
        """A LIMIT or OFFSET, written into the SQL when it is run (not sent as a parameter): PostgreSQL then
        plans the statement once for all its runs (a generic plan) and still knows how few rows each range
        gives. With LIMIT as a parameter it had to assume a tenth of the table and planned every run anew."""
        return bindparam(name, self.values[name], type_=Integer, literal_execute=True)


def array_literal(values: list) -> str:
    """A PostgreSQL array literal of the values (``{1,7}``, ``{"avslutad","makulerad"}``), sent as one text.

    The driver dumps a list parameter element by element in Python (a few thousand instructions each):
    a grid of 4 columns x 120 rows cost 3.2 M instructions a request, a sixth of a list page. One text
    per column, cast to its array type in the SQL, costs one string join. Strings are always quoted
    (a backslash before ``"`` and ``\\``) and None is NULL, so any value reads back as itself.
    """
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join("NULL" if value is None else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for value in values) + "}"


def _grid(shape: _Shape, rng: Range, n: int):
    """The rows of values of a range as a table: unnest(array per column) LIMIT <its rows> AS grid_n(v0, ...).

    The LIMIT (written into the SQL, its row count part of the shape) is what the planner knows of the
    arrays when it plans once for all runs: it assumes 10 rows for an array parameter. A plan for 10
    rows looked dearer than planning each run for the 2 or 3 of a beställare's delegations, so
    PostgreSQL planned every run, which cost more than the run itself.
    """
    arrays = [cast(bindparam(f"grid_{n}_{i}", shape.values[f"grid_{n}_{i}"], type_=Text), ARRAY(column.type))
              for i, column in enumerate(rng.columns)]
    rows = func.unnest(*arrays).table_valued(*[f"v{i}" for i in range(len(arrays))]).render_derived(name=f"rows_{n}")
    return select(*rows.c).limit(shape.limit(f"grid_rows_{n}")).subquery(f"grid_{n}")


def _arms(shape: _Shape, spec: KeysetList, columns_of, build):
    """One select per index range (SQLite, and PostgreSQL up to ``ARMS_MAX`` rows of values in a Range) or
    per Range, its rows of values joined LATERAL (PostgreSQL, more rows).

    ``columns_of(rng)`` gives the selected columns; ``build(stmt, rng)`` adds WHERE/ORDER/LIMIT, or
    returns None when the range has nothing to give (it lies before a cursor).
    """
    arms = []
    for n, rng in enumerate(spec.ranges):
        where = [shape.where(clause, f"w{n}_{j}") for j, clause in enumerate(rng.where)]
        if shape.postgres and len(rng.rows) > ARMS_MAX:
            grid = _grid(shape, rng, n)
            inner = build(select(*columns_of(rng)).select_from(spec.entity).where(
                *where, *[column == grid.c[f"v{i}"] for i, column in enumerate(rng.columns)]), rng)
            if inner is not None:
                inner = inner.lateral(f"range_{n}")
                arms.append(select(*inner.c).select_from(grid).join(inner, true()))
            continue
        for m in range(len(rng.rows)):
            clause = and_(true(), *where, *[column == shape.value(f"r{n}_{m}_{i}", column, i in rng.written)
                                            for i, column in enumerate(rng.columns)])
            arm = build(select(*columns_of(rng)).select_from(spec.entity).where(clause), rng)
            if arm is not None:
                arms.append(arm)
    return arms


def _ids_query(shape: _Shape, spec: KeysetList, descending: bool, cursor: tuple | None, offset: int):
    """The narrow query: the sort keys of the page's rows, from the indexes only (a subquery)."""
    order = _order(spec.key, descending)
    forward = descending == spec.descending  # reading in list order (not back from a cursor or the end)
    ranked = spec.ranked
    cursor_row = None
    if cursor is not None:
        cursor_row = tuple_(*[shape.value(f"cursor_{i}", column) for i, column in enumerate(spec.key)])

    def build(stmt, rng):
        if cursor is not None:
            rank = cursor[0] if ranked else rng.rank
            if (rng.rank < rank) if forward else (rng.rank > rank):
                return None  # the whole range lies on the other side of the cursor
            if rng.rank == rank:
                row = tuple_(*spec.key)
                stmt = stmt.where(row < cursor_row if descending else row > cursor_row)
        return stmt.order_by(*order).limit(shape.limit("arm_limit"))

    def columns(rng):
        # The rank is written into the SQL (a constant of the shape), never a parameter.
        return ((literal_column(str(int(rng.rank)), Integer).label("rank"),) if ranked else ()) + tuple(spec.key)

    page_offset = shape.limit("page_offset") if offset else None
    arms = _arms(shape, spec, columns, build)
    if not arms:
        return select(*columns(spec.ranges[0])).where(false()).subquery("page_ids")
    if spec.width == 1 and not ranked:  # one index range: its own ORDER BY ... LIMIT ... OFFSET
        return arms[0].limit(shape.limit("page_limit")).offset(page_offset).subquery("page_ids")
    wrapped = [select(*sub.c) for sub in (arm.subquery(f"arm_{n}") for n, arm in enumerate(arms))]
    union = (wrapped[0] if len(wrapped) == 1 else union_all(*wrapped)).subquery("ranges")
    outer = ([union.c.rank.asc() if forward else union.c.rank.desc()] if ranked else []) + \
        _order([union.c[c.key] for c in spec.key], descending)
    return select(*union.c).order_by(*outer).limit(shape.limit("page_limit")).offset(page_offset).subquery("page_ids")


def _count_query(shape: _Shape, spec: KeysetList):
    """The capped count: at most cap + 1 index entries, range after range.

    Each range is counted in its list order (ORDER BY the key, which its index gives for free): the
    planner then reads the range's own index, never a wider one filtered until the cap is reached.
    """
    order = _order(spec.key, spec.descending)
    arms = _arms(shape, spec, lambda rng: (literal_column("1", Integer).label("one"),),
                 lambda stmt, rng: stmt.order_by(*order).limit(shape.limit("count_limit")))
    # Each arm is a subquery: SQLite allows no LIMIT inside a compound select's members.
    union = arms[0] if len(arms) == 1 else union_all(
        *[select(*arm.subquery(f"counted_{n}").c) for n, arm in enumerate(arms)])
    return select(func.count().label("n")).select_from(
        union.limit(shape.limit("count_limit")).subquery("counted")).subquery("total")


def _statement(shape: _Shape, spec: KeysetList, descending: bool, cursor: tuple | None, offset: int):
    """The page's one statement, built with the shape's named parameters."""
    total_q = _count_query(shape, spec)
    ids = _ids_query(shape, spec, descending, cursor, offset)
    key_columns = ([ids.c.rank] if spec.ranked else []) + [ids.c[c.key] for c in spec.key]
    forward = descending == spec.descending
    order = ([ids.c.rank.asc() if forward else ids.c.rank.desc()] if spec.ranked else []) + \
        _order([ids.c[c.key] for c in spec.key], descending)
    row_shape = spec.shape
    shown = row_shape.columns if row_shape else (spec.entity,)
    row_id = spec.key[-1] if spec.row_id is None else spec.row_id
    extra = tuple(shape.where(column, f"x{i}") for i, column in enumerate(spec.extra_columns))
    stmt = (select(total_q.c.n, *shown, *extra, *key_columns).select_from(total_q)
            .outerjoin(ids, true()).outerjoin(row_id.table, row_id == key_columns[-1]))
    for target, onclause in (row_shape.joins if row_shape else ()):
        stmt = stmt.outerjoin(target, onclause)
    return stmt.order_by(*order) if row_shape else stmt.options(*spec.options).order_by(*order)


def _kept_statement(shape: _Shape, spec: KeysetList, descending: bool, cursor: tuple | None, offset: int):
    """The statement of this shape: kept from an earlier request, or built now and kept when every value
    in it is one of the shape's named parameters (so no value of this request can stay in it)."""
    if shape.key is None:
        return _statement(shape, spec, descending, cursor, offset)
    kept = _STATEMENTS.get(shape.key)
    if kept is not None:
        return kept[0]
    stmt = _statement(shape, spec, descending, cursor, offset)
    cache_key = stmt._generate_cache_key()
    if cache_key is not None and all(bind.key in shape.values for bind in cache_key.bindparams):
        if len(_STATEMENTS) >= STATEMENTS_MAX:
            _STATEMENTS.clear()
        _STATEMENTS[shape.key] = (stmt, shape.keep)
    return stmt


def _fetch(session: Session, spec: KeysetList, descending: bool, cursor: tuple | None, limit: int, offset: int,
           cap: int) -> tuple[int, list, list[tuple]]:
    """One statement: (capped count, rows in list order, their sort keys)."""
    shape = _Shape(spec, session.get_bind().dialect.name == "postgresql", descending, cursor, limit, offset, cap)
    stmt = _kept_statement(shape, spec, descending, cursor, offset)
    # Plain rows (a RowShape) need nothing of the ORM's execution (its events, identity map, row loading):
    # run on the session's connection, in its transaction. About 3 % of a list page's time.
    result = session.connection().execute(stmt, shape.values) if spec.shape else session.execute(stmt, shape.values)
    total, rows, keys = 0, [], []
    row_shape = spec.shape
    width, first = len(spec.extra_columns), 1 + (len(row_shape.columns) if row_shape else 1)
    for row in (result.all() if row_shape else result.unique().all()):
        total = row[0]
        if row[1] is not None:
            item = row_shape.make(row[1:first]) if row_shape else row[1]
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

