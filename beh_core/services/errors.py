"""Typed errors raised by operations; views turn them into messages at the fields or 403/404."""
from __future__ import annotations

from ..messages import N_


class OperationError(Exception):
    """Base class of errors an operation raises on purpose."""


class ValidationFailed(OperationError):
    """Bad input: ``errors`` maps a field name to a Swedish message shown at that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotFound(OperationError):
    """The object does not exist (or is not visible to the actor)."""

    def __init__(self, message: str = N_("Hittades inte.")) -> None:
        super().__init__(message)
        self.message = message


class Conflict(OperationError):
    """The object is in a state where the action is no longer possible (for example already attested)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# PostgreSQL's "deadlock detected" and "could not serialize": the database chose this transaction as the
# loser of a race (an exclusion constraint checked by two inserts at once can deadlock, as PostgreSQL's
# documentation of exclusion constraints says). Like a unique or exclusion violation, it is an answer to
# give the user, not a server error.
RACE_LOST_SQLSTATES = frozenset({"40P01", "40001"})


def lost_race(error: Exception) -> bool:
    """Did the database refuse the statement because a concurrent transaction won (constraint, deadlock)?"""
    from sqlalchemy.exc import IntegrityError, OperationalError

    if isinstance(error, IntegrityError):
        return True
    if isinstance(error, OperationalError):
        return getattr(error.orig, "sqlstate", None) in RACE_LOST_SQLSTATES
    return False
