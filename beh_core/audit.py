"""Write audit events. Call inside the operation's transaction; never commit here."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from .models import AuditEvent, Person, utcnow


def record(session: Session, actor: Any, action: str, obj_type: str, obj_id: Any, **details: Any) -> AuditEvent:
    """Add one append-only audit row (actor, time, action, object, details, address) to the session.

    ``actor`` is an ``authz.Actor`` (its person and remote address are recorded), a ``Person``, or
    None for background jobs. Never put a personnummer in ``details``.
    """
    person: Person | None = getattr(actor, "person", actor)
    event = AuditEvent(
        actor_id=person.id if person is not None else None, action=action, object_type=obj_type,
        object_id=str(obj_id), details=details, remote_addr=getattr(actor, "remote_addr", None),
    )
    session.add(event)
    return event


def record_many(session: Session, actor: Any, action: str, obj_type: str, events: list[tuple[Any, dict]]) -> None:
    """Add one audit row per (object id, details) in the caller's transaction, as one multi-row INSERT.

    For the many state changes of one operation (the orders of a mass order); the same rows as
    ``record`` would write, without an ORM object each.
    """
    if not events:
        return
    person: Person | None = getattr(actor, "person", actor)
    base = {"actor_id": person.id if person is not None else None, "action": action, "object_type": obj_type,
            "remote_addr": getattr(actor, "remote_addr", None), "at": utcnow()}
    session.execute(insert(AuditEvent), [{**base, "object_id": str(obj_id), "details": details}
                                         for obj_id, details in events])

