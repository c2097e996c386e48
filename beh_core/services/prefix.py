"""Indexed prefix search: ``LIKE 'abc%'`` written so both databases use an ordinary b-tree index."""
from __future__ import annotations


def prefix_pattern(text: str) -> str:
    """``LIKE`` pattern for an indexed prefix search: wildcards in the text are escaped with '\\'."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def prefix_of(column, text: str, *, lower: bool = True):
    """WHERE column starts with the text (lower-cased unless ``lower`` is False).

    Searched columns are stored lower-cased (or are codes), use the "C" collation on PostgreSQL and
    ``case_sensitive_like`` on SQLite (models.base.PrefixString, db.py), so the index serves the range.
    """
    value = text.strip()
    return column.like(prefix_pattern(value.lower() if lower else value), escape="\\")
