"""Pagination shared by every list: 'Totalt N st. Sida X av Y.' at a bounded cost.

Counting millions of rows on every page view is what makes lists slow at the
scale of a region (5 M orders), so the count stops at ``COUNT_CAP``: beyond
that the list says "Totalt fler än 10000 st." and offers the first pages;
narrowing the search brings the exact count back.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, func, literal, select
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
