"""Pagination shared by every list: 'Totalt N st. Sida X av Y.' at a bounded cost.

Counting millions of rows on every page view is what makes lists slow at the
scale of a region (5 M orders), so the count stops at ``COUNT_CAP``: beyond
that the list says "Totalt fler än 10000 st." and offers the first pages;
narrowing the search brings the exact count back.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, distinct, func, literal, select, union_all
from sqlalchemy.orm import Session

COUNT_CAP = 10000


@dataclass
class Page:
    """One page of a list: rows, total (capped), page number and number of pages."""

    rows: list
    total: int
    page: int
    pages: int
    capped: bool = False


def paginate(session: Session, stmt: Select, page: int, size: int, *order_by, cap: int = COUNT_CAP) -> Page:
    """Run one page of ``stmt`` (a select of one entity) and a capped count; two queries plus eager loads."""
    counted = stmt.with_only_columns(literal(1), maintain_column_froms=True).order_by(None).limit(cap + 1).subquery()
    total = session.scalar(select(func.count()).select_from(counted)) or 0
    capped = total > cap
    total = min(total, cap)
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = list(session.scalars(stmt.order_by(*order_by).offset((page - 1) * size).limit(size)).unique())
    return Page(rows, total, page, pages, capped)


def paginate_merged(session: Session, entity, branches: list[Select], page: int, size: int, *order_by,
                    options=(), cap: int = COUNT_CAP) -> Page:
    """One page of the union of several selects of ``entity``, each able to use its own index.

    'Alla beställningar' of a person with two delegations is "område A or område B";
    a single OR makes the database sort every matching row, while each branch
    alone reads its (omrade_id, created_at) index backwards and stops after
    offset + size rows. The branches are merged and sorted here, in SQL, so a
    page costs the same at 5 M orders as at 500.
    """
    if not branches:
        return Page([], 0, 1, 1)
    ident = entity.id
    counted = union_all(*[
        select(b.with_only_columns(ident).order_by(None).limit(cap + 1).subquery().c.id) for b in branches
    ]).subquery()
    total = session.scalar(select(func.count(distinct(counted.c.id)))) or 0
    capped = total > cap
    total = min(total, cap)
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    wanted = page * size
    ids = union_all(*[
        select(b.with_only_columns(ident).order_by(*order_by).limit(wanted).subquery().c.id) for b in branches
    ]).subquery()
    stmt = select(entity).where(ident.in_(select(ids.c.id))).options(*options)
    rows = list(session.scalars(stmt.order_by(*order_by).offset((page - 1) * size).limit(size)).unique())
    return Page(rows, total, page, pages, capped)
