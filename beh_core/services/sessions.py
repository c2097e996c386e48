"""Login sessions held on the server (issue 8): open, check, end one, end all of a person.

The views keep only the session id (``sid``) in the signed cookie and ask
``is_active`` on every request; whatever ends the record (Logga ut, the card
leaving the reader, an administrator) therefore ends every copy of the cookie.
Callers add their audit event and commit, so an ended session and its audit
row are one transaction.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..messages import N_
from .. import audit
from ..models import LoginSession, Person, utcnow
from .errors import ValidationFailed

REASON_LENGTH = 40


def open_session(session: Session, person: Person, method: str, certificate_sha256: str | None = None) -> str:
    """Add the record of a new login (caller commits); return its random id."""
    sid = secrets.token_urlsafe(32)
    session.add(LoginSession(sid=sid, person_id=person.id, method=method[:20],
                             certificate_sha256=certificate_sha256))
    return sid


def session_record(session: Session, sid: str | None) -> LoginSession | None:
    """The record with the id, or None."""
    if not sid:
        return None
    return session.scalar(select(LoginSession).where(LoginSession.sid == sid))


def is_active(session: Session, sid: str | None, person_id: int | None) -> bool:
    """Is ``sid`` an open session of ``person_id``, a person still active in KiV?

    A person the directory sync marked inactive (they left) is logged out on their next request.
    """
    row = session_record(session, sid)
    if row is None or row.ended_at is not None or row.person_id != person_id:
        return False
    person = session.get(Person, person_id)
    return person is not None and person.is_active


def open_session_person(session: Session, sid: str | None, person_id: int | None) -> Person | None:
    """The person of ``sid`` if it is an open session of ``person_id``, a person still active in KiV
    (one statement: the check and the user). A person the directory sync marked inactive (they left)
    is logged out on their next request."""
    if not sid or person_id is None:
        return None
    return session.scalar(select(Person).join(LoginSession, LoginSession.person_id == Person.id).where(
        LoginSession.sid == sid, LoginSession.ended_at.is_(None), Person.id == person_id,
        Person.active.isnot(False)))


def end_session(session: Session, sid: str, reason: str) -> bool:
    """End one session in the caller's transaction; True if it was open.

    A conditional UPDATE: of two concurrent ends (Logga ut in two tabs) only one returns True.
    """
    table = LoginSession.__table__
    return session.execute(
        update(table).where(table.c.sid == sid, table.c.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason[:REASON_LENGTH])
    ).rowcount == 1


def end_all_sessions(session: Session, actor: Person | None, vgr_id: str, reason: str = "admin") -> int:
    """Avsluta alla sessioner: end every open session of the person with the VGR-ID, audited; commits.

    ``actor`` is the administrator (None from the command line). Returns how many were open.
    """
    text = (vgr_id or "").strip().lower()
    if not text:
        raise ValidationFailed({"vgr_id": N_("Ange VGR-ID.")})
    person = session.scalar(select(Person).where(Person.vgr_id == text))
    if person is None:
        raise ValidationFailed({"vgr_id": N_("Ingen person med detta VGR-ID finns i KiV.")})
    table = LoginSession.__table__
    ended = session.execute(
        update(table).where(table.c.person_id == person.id, table.c.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason[:REASON_LENGTH])
    ).rowcount
    audit.record(session, actor, "sessions.ended_all", "person", person.vgr_id, sessions=ended, reason=reason)
    session.commit()
    return ended
