"""SITHS tables: one-time login challenges, SITHS login sessions, pending
attest signing requests and the stored attest signatures.

* ``SithsChallenge`` backs ``DbChallengeStore`` (a ``siths.ChallengeStore``):
  ``take`` is one conditional UPDATE, so two concurrent logins can never both
  use one challenge.
* ``SithsSession`` is now ``LoginSession`` (models/sessions.py), the record
  of every login; a card login is one with a certificate fingerprint.
* ``AttestSigningRequest`` is the pending, short-lived one-time nonce of a
  signing window, bound to attestant, order and decision, with the exact
  document bytes to be signed.
* ``AttestSigningBatch`` is the same for "Godkänn markerade": one window, one nonce and one
  document listing every order, so one signature approves them all.
* ``AttestSignature`` is the proof: document, signature, chain and receipt,
  written in the same transaction as the decision it backs.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, Text, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column, relationship

from siths.challenge import ChallengeRecord

from .base import Base, utcnow
from .directory import Person
from .orders import Order
from .sessions import LoginSession


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC datetime (SQLite returns naive datetimes for timezone columns)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class SithsChallenge(Base):
    """A one-time login challenge: random value, creation time, used flag."""

    __tablename__ = "siths_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    used_at: Mapped[datetime | None] = mapped_column()


# Card sessions are login sessions with a certificate (models/sessions.py); the old name stays.
SithsSession = LoginSession


class AttestSigningRequest(Base):
    """A pending signing window: the nonce and the document the attestant will sign."""

    __tablename__ = "attest_signing_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    attestant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    approve: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    used_at: Mapped[datetime | None] = mapped_column()

    order: Mapped[Order] = relationship()


class AttestSigningBatch(Base):
    """A pending signing window over several orders (Godkänn markerade): one document lists them all."""

    __tablename__ = "attest_signing_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    attestant_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    approve: Mapped[bool] = mapped_column(Boolean)
    order_ids: Mapped[list] = mapped_column(JSON)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    used_at: Mapped[datetime | None] = mapped_column()


class AttestSignature(Base):
    """The attestant's signature over the decision document, with its receipt."""

    __tablename__ = "attest_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    signer_hsa_id: Mapped[str] = mapped_column(String(31))
    approve: Mapped[bool] = mapped_column(Boolean)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    algorithm: Mapped[str] = mapped_column(String(30))
    certificate_chain_pem: Mapped[str] = mapped_column(Text)
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()
    signer: Mapped[Person] = relationship()


class DbChallengeStore:
    """``siths.ChallengeStore`` on the ``siths_challenges`` table.

    Each call runs in its own short transaction on ``engine`` so that a taken
    challenge stays used even when the login that took it fails (one
    challenge, one try) and the caller's session is rolled back.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, value: str, created_at: datetime) -> None:
        """Store a new, unused challenge."""
        table = SithsChallenge.__table__
        with self.engine.begin() as conn:
            conn.execute(table.insert().values(value=value, created_at=created_at, used=False))

    def take(self, value: str) -> ChallengeRecord | None:
        """Atomically mark ``value`` used; return the record as it was before, or None."""
        table = SithsChallenge.__table__
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(table).where(table.c.value == value, table.c.used.is_(False))
                .values(used=True, used_at=utcnow())
            ).rowcount
            row = conn.execute(select(table.c.created_at).where(table.c.value == value)).first()
        if row is None:
            return None
        return ChallengeRecord(value, as_utc(row.created_at), used=taken != 1)

    def count_open(self, since: datetime) -> int:
        """Unused challenges created at or after ``since`` (those that may still be signed)."""
        table = SithsChallenge.__table__
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(
                table.c.created_at >= since, table.c.used.is_(False))).scalar_one()

    def purge(self, older_than: datetime) -> int:
        """Delete challenges created before ``older_than``; return how many."""
        table = SithsChallenge.__table__
        with self.engine.begin() as conn:
            return conn.execute(table.delete().where(table.c.created_at < older_than)).rowcount
