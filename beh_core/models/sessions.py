"""Server-side record of every login session (issue 8).

The signed Flask cookie only names the record (``sid``); the record decides
whether the session is still open. Logging out, pulling the SITHS card and an
administrator's "Avsluta alla sessioner" end the record, so a copy of the
cookie taken before is refused on its next request.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class LoginSession(Base):
    """A portal session: demo login, SITHS card (challenge) or mutual TLS."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))  # demo, challenge, mtls
    certificate_sha256: Mapped[str | None] = mapped_column(String(64))  # card logins only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(String(40))

    @property
    def is_card_session(self) -> bool:
        """Opened with a SITHS card (the page then watches the card)."""
        return self.certificate_sha256 is not None
