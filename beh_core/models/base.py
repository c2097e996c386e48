"""Declarative base and shared column types for BEH's SQLAlchemy 2 models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, MetaData, String
from sqlalchemy.orm import DeclarativeBase

# Explicit constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def PrefixString(length: int) -> String:
    """A string column searched by prefix (``LIKE 'abc%'``) through an ordinary b-tree index.

    PostgreSQL can only use a plain b-tree index for LIKE prefixes under the "C"
    collation; SQLite does so with ``PRAGMA case_sensitive_like=ON`` (set in db.py).
    Values are stored lower-cased, so the search is still case-insensitive.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Base class of every BEH table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict: JSON,
    }
