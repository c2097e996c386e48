"""One-time login challenges and verification of signed challenges.

Flow: the server makes a random challenge (``new_challenge``) and stores it;
the page hands it to the local agent, which signs it with the card's
authentication key; the server calls ``verify_signed_challenge`` which
consumes the challenge (so it can never be replayed), verifies the
certificate and the signature, and returns the identity (HSA-ID).
"""
from __future__ import annotations

import base64
import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from typing import Protocol, Sequence

from cryptography import x509

from .errors import ChallengeInvalid, WrongSigner
from .pki import (Usage, VerifiedIdentity, load_pem_certificates, verify_certificate,
                  verify_signature)
from .revocation import RevocationConfig
from .texts import N_

DEFAULT_MAX_AGE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class ChallengeRecord:
    """A stored challenge; ``used`` is True if it was taken before."""

    value: str
    created_at: dt.datetime
    used: bool = False


class ChallengeStore(Protocol):
    """Storage for challenges.  A DB implementation must make ``take`` atomic
    (e.g. ``UPDATE ... SET used=true WHERE value=? AND NOT used RETURNING``)
    so that two concurrent logins can never both consume one challenge."""

    def put(self, value: str, created_at: dt.datetime) -> None:
        """Store a new, unused challenge."""

    def take(self, value: str) -> ChallengeRecord | None:
        """Mark ``value`` used; return the record as it was *before*, or None."""


class InMemoryChallengeStore:
    """Thread-safe in-process ``ChallengeStore`` (for tests and one-process use).

    Used challenges are remembered until ``purge`` so a replay is reported as
    such instead of as "unknown".
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, ChallengeRecord] = {}

    def put(self, value: str, created_at: dt.datetime) -> None:
        """Store a new, unused challenge."""
        with self._lock:
            if value in self._items:
                raise ValueError("duplicate challenge")
            self._items[value] = ChallengeRecord(value, created_at)

    def take(self, value: str) -> ChallengeRecord | None:
        """Atomically mark used and return the previous record (or None)."""
        with self._lock:
            rec = self._items.get(value)
            if rec is not None:
                self._items[value] = ChallengeRecord(rec.value, rec.created_at, True)
            return rec

    def purge(self, older_than: dt.datetime) -> int:
        """Forget challenges created before ``older_than``; return how many."""
        with self._lock:
            old = [k for k, r in self._items.items() if r.created_at < older_than]
            for k in old:
                del self._items[k]
            return len(old)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_challenge(store: ChallengeStore, *, nbytes: int = 32,
                  now: dt.datetime | None = None) -> str:
    """Create, store and return a random URL-safe challenge (256 bits default).

    The value is ASCII; the bytes the agent signs are ``challenge_bytes(value)``.
    """
    value = base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).rstrip(b"=").decode("ascii")
    store.put(value, now or _now())
    return value


def challenge_bytes(value: str) -> bytes:
    """The exact bytes that are signed for challenge ``value``."""
    return value.encode("ascii")


def consume(store: ChallengeStore, value: str, max_age: dt.timedelta = DEFAULT_MAX_AGE,
            *, now: dt.datetime | None = None) -> ChallengeRecord:
    """Use up ``value``; raise ``ChallengeInvalid`` if unknown, used or stale."""
    now = now or _now()
    rec = store.take(value)
    if rec is None:
        raise ChallengeInvalid("unknown challenge",
                               message_sv=N_("Okänd inloggningsutmaning. Försök igen."))
    if rec.used:
        raise ChallengeInvalid("challenge already used (replay)",
                               message_sv=N_("Inloggningsutmaningen är redan använd."))
    if now - rec.created_at > max_age or rec.created_at > now + dt.timedelta(minutes=1):
        raise ChallengeInvalid("challenge too old",
                               message_sv=N_("Inloggningsutmaningen är för gammal. Försök igen."))
    return rec


def split_chain(cert_chain_pem: bytes | str) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """Return (leaf, intermediates) from a PEM chain whose first cert is the leaf."""
    certs = load_pem_certificates(cert_chain_pem)
    return certs[0], certs[1:]


def verify_signed_data(data: bytes, signature: bytes, cert_chain_pem: bytes | str,
                       trust_anchors: Sequence[x509.Certificate], *, usage: Usage,
                       revocation: RevocationConfig, at: dt.datetime | None = None,
                       expected_hsa_id: str | None = None) -> VerifiedIdentity:
    """Verify certificate chain for ``usage`` and the signature over ``data``.

    If ``expected_hsa_id`` is given and the signer differs, ``WrongSigner`` is
    raised; otherwise the caller should compare ``result.hsa_id`` itself.
    """
    leaf, intermediates = split_chain(cert_chain_pem)
    ident = verify_certificate(leaf, intermediates, trust_anchors, usage=usage, at=at,
                               revocation=revocation)
    verify_signature(leaf, signature, data)
    if expected_hsa_id is not None and ident.hsa_id != expected_hsa_id:
        raise WrongSigner(f"signed by {ident.hsa_id}, expected {expected_hsa_id}")
    return ident


def verify_signed_challenge(challenge: str, signature: bytes, cert_chain_pem: bytes | str,
                            trust_anchors: Sequence[x509.Certificate], *,
                            revocation: RevocationConfig,
                            store: ChallengeStore | None = None,
                            max_age: dt.timedelta = DEFAULT_MAX_AGE,
                            at: dt.datetime | None = None) -> VerifiedIdentity:
    """Verify a login: consume ``challenge`` from ``store`` (if given), then
    check the authentication certificate and the signature over
    ``challenge_bytes(challenge)``.  Returns the identity (``.hsa_id``).

    The challenge is consumed *before* the signature check so that a failed
    attempt also burns it: one challenge, one try.
    """
    if store is not None:
        consume(store, challenge, max_age, now=at)
    return verify_signed_data(challenge_bytes(challenge), signature, cert_chain_pem,
                              trust_anchors, usage="authentication",
                              revocation=revocation, at=at)
