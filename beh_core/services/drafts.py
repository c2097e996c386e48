"""Server-side drafts of every order flow (the session cookie holds only a random token per catalogue).

A draft is the beställare's scratch pad: what they typed, page by page, of any size.
It belongs to one person and one catalogue, is saved on every step (no audit event:
nothing in the portal changes until the order is sent) and is consumed once by
``ordering.create_orders``. Unused drafts are removed by ``run-due`` after
``DRAFT_MAX_AGE_DAYS``.
"""
from __future__ import annotations

import copy
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from ..authz import Actor
from ..models import OrderDraft, utcnow

DRAFT_MAX_AGE_DAYS = 7


def new_draft(session: Session, actor: Actor, catalogue: str, data: dict) -> OrderDraft:
    """Start a draft for the actor in the catalogue; commits. Its token goes into the session."""
    draft = OrderDraft(token=secrets.token_urlsafe(32), person_id=actor.id, catalogue=catalogue, data=data,
                       order_count=0)
    session.add(draft)
    session.commit()
    return draft


def load_draft(session: Session, actor: Actor, token: str | None, catalogue: str) -> OrderDraft | None:
    """The actor's draft with the token in the catalogue (used or not), or None: another person's token is nothing."""
    if not token:
        return None
    draft = session.scalar(select(OrderDraft).where(OrderDraft.token == token))
    if draft is None or draft.person_id != actor.id or draft.catalogue != catalogue:
        return None
    return draft


def save_draft(session: Session, draft: OrderDraft, data: dict) -> None:
    """Store the draft's new content; commits. A draft already sent is never changed."""
    if draft.order_id is not None:
        return
    draft.data = copy.deepcopy(data)
    flag_modified(draft, "data")  # nested changes are not seen by the JSON column on their own
    draft.updated_at = utcnow()
    session.commit()


def discard_draft(session: Session, draft: OrderDraft | None) -> None:
    """Ångra: throw an unsent draft away; commits."""
    if draft is not None and draft.order_id is None:
        session.delete(draft)
        session.commit()


def purge_drafts(session: Session, now: datetime | None = None, max_age_days: int = DRAFT_MAX_AGE_DAYS) -> int:
    """Delete drafts untouched for ``max_age_days`` (sent ones too: the order keeps everything); commits."""
    cutoff = (now or utcnow()) - timedelta(days=max_age_days)
    removed = session.execute(delete(OrderDraft).where(OrderDraft.updated_at < cutoff)
                              .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return removed
