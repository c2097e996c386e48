"""Login sessions held on the server (issue 8): open, check, end one, end all of a person.

The views keep only the session id (``sid``) in the signed cookie and ask
``is_active`` on every request; whatever ends the record (Logga ut, the card
leaving the reader, an administrator) therefore ends every copy of the cookie.
Callers add their audit event and commit, so an ended session and its audit
row are one transaction.
"""
from __future__ import annotations

import functools
import secrets
from datetime import date
from typing import Any, Mapping

from sqlalchemy import String, and_, bindparam, select, update
from sqlalchemy.orm import Session

from ..messages import N_
from .. import audit, authz
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


@functools.cache
def _session_actor_statement():
    """:func:`authz.actor_statement` for the person of an open login session (parameter ``sid`` too)."""
    return authz.actor_statement(leading=(Person,)).join(
        LoginSession, and_(LoginSession.person_id == Person.id, LoginSession.sid == bindparam("sid", type_=String),
                           LoginSession.ended_at.is_(None))).where(Person.active.isnot(False))


def open_session_actor(session: Session, sid: str | None, person_id: int | None, today: date | None = None,
                       config: Mapping[str, Any] | None = None, *, portal: authz.Portal | None = None,
                       remote_addr: str | None = None) -> authz.Actor | None:
    """The rights of the person of ``sid`` if it is an open session of ``person_id``, a person still active
    in KiV; None otherwise. One statement for the check, the user and their rights: every page of a
    logged-in user runs it, and a page of a list should cost a handful of statements in all."""
    if not sid or person_id is None:
        return None
    today = today or date.today()
    rows = session.execute(_session_actor_statement(), {"person_id": person_id, "today": today, "sid": sid}).all()
    if not rows:
        return None
    return authz.actor_from_rows(rows[0][0], rows, today, config, portal=portal, session=session,
                                 remote_addr=remote_addr, skip=1)


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
