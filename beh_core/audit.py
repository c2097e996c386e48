"""Write audit events. Call inside the operation's transaction; never commit here."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from .models import AuditEvent, Person


def record(session: Session, actor: Person | None, action: str, obj_type: str, obj_id: Any, **details: Any) -> AuditEvent:
    """Add one append-only audit row (actor, time, action, object, details) to the session.

    Never put a personnummer in ``details``.
    """
    event = AuditEvent(
        actor_id=actor.id if actor else None, action=action, object_type=obj_type,
        object_id=str(obj_id), details=details,
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    session.add(event)
    return event
