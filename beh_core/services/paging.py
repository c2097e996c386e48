"""Pagination shared by every list: 'Totalt N st. Sida X av Y.' at a cost that does not grow with the rows.

``Page`` is one page of any list; ``PageRequest`` what the address asks for (``sida=N``, ``sida=sista``,
a cursor ``efter`` / ``fore``). ``paginate`` serves short lists (the delegations of one område, an order's
history): a capped count and an OFFSET page. The long lists (orders, the attest list, the Service Desk
queue) are read by cursor from index ranges: ``services/keyset.py``.

A count reads at most ``COUNT_CAP + 1`` rows; beyond, the list says "fler än 1000" and goes on by cursor.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from sqlalchemy import Integer, Select, bindparam, func, literal, select, true
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from .keyset import RowShape

# A count reads at most this many index entries (+1); beyond, the list says "fler än 1000". The bare page
# of the benchmark counts about as many, and a page then costs the same at 5 M orders as at 500.
COUNT_CAP = 1000
# A count that checks each row it reads against another table (System: does the order have a line of the
# system, is it the line's first) costs index probes per row, not one index entry: it is exact up to ten
# pages of 15 and says "fler än 150" beyond, where counting up to 1 000 took most of the page's time.
PROBED_COUNT_CAP = 150
LAST = -1  # PageRequest.number of "Sista sidan"
MAX_PAGE_NUMBER = 10_000_000
MAX_OFFSET = 2**31 - 1  # PostgreSQL's OFFSET parameter is an integer: a larger one is an error, not an empty page


def page_offset(page: int, size: int) -> int:
    """The OFFSET of page ``page`` (1-based) of ``size`` rows, at most what the database takes.

    A page number that fits an integer can still give an offset that does not (sida=85899347 of 25 rows);
    such a page lies far beyond every list, so the largest offset gives the same answer: no rows.
    """
    return min((max(1, page) - 1) * size, MAX_OFFSET)


@dataclass
class Page:
    """One page of a list.

    ``total`` is exact unless ``capped`` (then it is the cap: "fler än"). ``page`` is the number shown;
    a negative number counts from the end (-1 = the last page), used when the total is not known.
    ``missing`` says the asked page does not exist (or cannot be reached by number), ``after`` and
    ``before`` are the cursors of the next and previous page (None: there is none).
    """

    rows: list
    total: int
    page: int
    pages: int
    capped: bool = False
    missing: bool = False
    after: str | None = None
    before: str | None = None
    asked: int | None = None  # the page number asked for, when it was missing
    marks: set = field(default_factory=set)  # ids of rows the list flags (e.g. orders with credentials)

    @property
    def has_next(self) -> bool:
        """Is there a page after this one?"""
        return self.after is not None

    @property
    def has_previous(self) -> bool:
        """Is there a page before this one?"""
        return self.before is not None or self.page > 1


@dataclass(frozen=True)
class PageRequest:
    """Which page to show: a number (``LAST`` for the last page), optionally with a cursor."""

    number: int = 1
    after: str = ""
    before: str = ""

    @classmethod
    def parse(cls, sida: str | None, efter: str | None = None, fore: str | None = None) -> "PageRequest":
        """From the query string: sida=N or sida=sista, efter=<cursor> (Nästa), fore=<cursor> (Föregående)."""
        text = (sida or "").strip().lower()
        if text == "sista":
            number = LAST
        else:
            try:
                number = int(text) if text else 1
            except ValueError:
                number = 1
        number = max(-MAX_PAGE_NUMBER, min(MAX_PAGE_NUMBER, number)) or 1
        return cls(number=number, after=(efter or "").strip()[:80], before=(fore or "").strip()[:80])


def paginate(session: Session, stmt: Select, page: int, size: int, *order_by, cap: int = COUNT_CAP) -> Page:
    """One OFFSET page of ``stmt`` (a select of one entity) and a capped count: for short lists.

    A page beyond the last is reported as ``missing`` (never silently replaced by the last page).
    """
    counted = stmt.with_only_columns(literal(1), maintain_column_froms=True).order_by(None).limit(cap + 1).subquery()
    total = session.scalar(select(func.count()).select_from(counted)) or 0
    capped = total > cap
    total = min(total, cap)
    pages = max(1, math.ceil(total / size))
    asked = max(1, page)
    if asked > pages and not capped:
        return Page([], total, pages, pages, capped, missing=True, asked=asked)
    page = min(asked, pages)
    rows = list(session.scalars(stmt.order_by(*order_by).offset(page_offset(page, size)).limit(size)).unique())
    return Page(rows, total, page, pages, capped, missing=page != asked, asked=asked if page != asked else None)


# Statements of ``paginate_ids`` kept between requests, by the caller's key (a handful of shapes per list).
_KEPT_PAGES: dict[tuple, Select] = {}
KEPT_PAGES_MAX = 256


def paginate_ids(session: Session, entity, ids: Callable[[], Select], page: int, size: int, shape: "RowShape", *,
                 cap: int = COUNT_CAP, keep: tuple | None = None, values: Mapping[str, Any] | None = None) -> Page:
    """A short list, ids first, in one statement: the capped count, the page's ids (a narrow query in
    the order of ``ids()``: a select of ``entity.id`` with its WHERE and ORDER BY) and the rows of those ids.

    The rows are what ``shape`` (a ``keyset.RowShape``) makes of plain values: no mapped objects for a
    page that is only shown, and its joins read 25 rows, not every row the sort reads.

    ``keep``: a key for the shape of ``ids()`` whose every value is a named parameter without a value of its
    own, given in ``values``. The whole statement is then built once per process and run with this
    request's values (building it cost more Python than running it); a statement holding any value of its
    own is never kept, so no value of one request can reach another's.
    """
    stmt = _KEPT_PAGES.get(keep) if keep is not None else None
    if stmt is None:
        stmt = _ids_page_statement(entity, ids(), shape, cap)
        if keep is not None and _only_named(stmt, {*(values or {}), "page_offset", "page_size", "count_limit"}):
            if len(_KEPT_PAGES) >= KEPT_PAGES_MAX:
                _KEPT_PAGES.clear()
            _KEPT_PAGES[keep] = stmt
    asked = max(1, page)
    found = session.connection().execute(
        stmt, {**(values or {}), "page_offset": page_offset(asked, size), "page_size": size, "count_limit": cap + 1}).all()
    shown = [shape.make(tuple(row[1:])) for row in found if row[1] is not None]
    total = found[0][0] if found else 0
    capped = total > cap
    total = min(total, cap)
    pages = max(1, math.ceil(total / size))
    if not shown and asked > 1:
        return Page([], total, pages, pages, capped, missing=True, asked=asked)
    return Page(shown, total, asked, pages, capped)


def _ids_page_statement(entity, ids: Select, shape: "RowShape", cap: int) -> Select:
    """The statement of :func:`paginate_ids`: its page and the count's limit are the parameters ``page_offset``,
    ``page_size`` and ``count_limit``."""
    order = list(ids._order_by_clauses)
    # The limits are written into the SQL when it runs (literal_execute), not sent as parameters: with
    # ``LIMIT $1 OFFSET $2`` PostgreSQL's generic plan guesses a tenth of the rows, so it planned every
    # request anew (2.4 ms of planning for Hantera delegeringar's 0.8 ms of work). Written in, each page
    # is a statement of its own that the driver prepares and PostgreSQL plans once.
    counted = select(func.count().label("n")).select_from(
        ids.order_by(None).limit(_written_in("count_limit")).subquery("counted")).subquery("total")
    numbered = ids.add_columns(func.row_number().over(order_by=order).label("pos")) \
        .offset(_written_in("page_offset")).limit(_written_in("page_size")).subquery("page_ids")
    table = entity.__table__
    rows_of_page = numbered.join(table, table.c.id == numbered.c[0])
    for target, onclause in shape.joins:
        rows_of_page = rows_of_page.outerjoin(target, onclause)
    return (select(counted.c.n, *shape.columns).select_from(counted).outerjoin(rows_of_page, true())
            .order_by(numbered.c.pos))


def _written_in(name: str):
    """A named integer parameter written into the SQL text when the statement runs (see ``_ids_page_statement``)."""
    return bindparam(name, type_=Integer, literal_execute=True)


def _only_named(stmt: Select, names: set[str]) -> bool:
    """Is every value in the statement one of the named parameters, without a value of its own (nothing of
    this request kept in it: run again without that name, the statement fails instead of using it)?"""
    cache_key = stmt._generate_cache_key()
    return cache_key is not None and all(bind.key in names and bind.value is None and bind.callable is None
                                         for bind in cache_key.bindparams)


# --- Cursors: the sort key of the row next to a page, in the address ------------------------


def encode_cursor(values: Sequence[Any]) -> str:
    """A URL-safe cursor for the sort key values of one row (datetimes as UTC microseconds)."""
    parts = []
    for value in values:
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            delta = aware - datetime(1970, 1, 1, tzinfo=timezone.utc)
            parts.append(str((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds))
        elif isinstance(value, date):
            parts.append(value.isoformat())
        elif isinstance(value, bool):
            parts.append("1" if value else "0")
        else:
            parts.append(str(int(value)))
    return ".".join(parts)


def decode_cursor(token: str, kinds: Sequence[type]) -> tuple | None:
    """The sort key values of a cursor, or None when it is not one of this list's cursors."""
    parts = token.split(".") if token else []
    if len(parts) != len(kinds):
        return None
    values: list[Any] = []
    try:
        for part, kind in zip(parts, kinds):
            if kind is datetime:
                micros = int(part)
                values.append(datetime.fromtimestamp(micros // 1_000_000, timezone.utc)
                              .replace(microsecond=micros % 1_000_000))
            elif kind is date:
                values.append(date.fromisoformat(part))
            elif kind is bool:
                if part not in ("0", "1"):
                    return None
                values.append(part == "1")
            else:
                number = int(part)
                if abs(number) > 2**62:
                    return None
                values.append(number)
    except (ValueError, OverflowError, OSError):
        return None
    return tuple(values)
