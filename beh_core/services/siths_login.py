"""SITHS card login: one-time challenges, signed-challenge and mutual-TLS
logins, and the server-side record of a card session.

The portal never talks to the card.  The page gets a challenge here, the
local agent (``beh-siths-agent``) signs it with the card's authentication key
and the page posts signature + certificate chain back.  We verify with
``siths`` (chain to the configured trust anchors, validity, key usage,
revocation failing closed unless configured otherwise, challenge fresh and
used once) and then look the HSA-ID (subject serialNumber) up in the
directory.  Only the HSA-ID of the *verified* certificate is used, never a
value from the page.

Every function here raises ``siths.SithsError`` subclasses with a Swedish
``message_sv`` (its ``msgid`` and ``params``) that the views show in the page's language.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import logging
import os
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session

from siths import (BadSignature, ChallengeInvalid, RevocationConfig, SithsError, UntrustedChain, VerifiedIdentity,
                   http_ocsp_fetcher, load_certificate_files, load_pem_certificates, new_challenge,
                   verify_certificate, verify_signed_challenge)
from siths.challenge import challenge_bytes

from ..messages import N_
from ..models import Person, utcnow
from ..models.signing import DbChallengeStore
from . import sessions

log = logging.getLogger(__name__)

SESSION_KEY = "sid"  # the Flask session key holding the login session's id (every login, not only cards)
MAX_CHAIN_CHARS = 32_000
MAX_SIGNATURE_BYTES = 2048


class SithsNotConfigured(SithsError):
    """No trust anchors are configured, so no card can be accepted."""

    code = "siths_not_configured"
    default_sv = N_("Inloggning med SITHS-kort är inte konfigurerad i portalen.")


class UnknownPerson(SithsError):
    """The certificate is valid but its HSA-ID is not a person in the directory."""

    code = "unknown_person"
    default_sv = (N_("Ditt HSA-id finns inte i katalogen (KiV). Kontakta din "
                  "behörighetsadministratör."))


class InactivePerson(SithsError):
    """The certificate is valid but the person has left KiV (marked inactive by the directory sync)."""

    code = "inactive_person"
    default_sv = N_("Du finns inte längre som aktiv i katalogen (KiV) och kan inte logga in. Kontakta din "
                    "behörighetsadministratör.")


class NoClientCertificate(SithsError):
    """No client certificate arrived from a trusted reverse proxy."""

    code = "no_client_certificate"
    default_sv = N_("Inget klientcertifikat togs emot. Sätt i kortet och försök igen.")


@dataclass(frozen=True)
class PkiSettings:
    """What the server needs to verify a SITHS certificate, from the configuration."""

    anchors: list[x509.Certificate]
    intermediates_pem: str
    revocation: RevocationConfig


def pki_settings(config: Mapping) -> PkiSettings:
    """Load trust anchors, intermediates and the revocation policy from ``config``.

    Files are read on every call so that a cron job can replace CRLs and
    certificates without a restart.  A missing CRL file is logged and left
    out: the check then fails closed (unless fail-open is configured).
    """
    anchor_files = list(config.get("SITHS_TRUST_ANCHORS") or [])
    if not anchor_files:
        raise SithsNotConfigured("SITHS_TRUST_ANCHORS is empty")
    try:
        anchors = load_certificate_files(anchor_files)
        intermediates = load_certificate_files(list(config.get("SITHS_INTERMEDIATES") or []))
    except OSError as exc:
        log.error("SITHS certificate file unreadable: %s", exc)
        raise SithsNotConfigured(str(exc)) from exc
    crls = []
    for path in config.get("SITHS_CRL_FILES") or []:
        if os.path.exists(path):
            crls.append(path)
        else:
            log.warning("SITHS CRL file missing: %s", path)
    url = config.get("SITHS_OCSP_URL") or ""
    revocation = RevocationConfig(
        crls=crls, ocsp_fetcher=http_ocsp_fetcher(url) if url else None,
        ocsp_from_aia=bool(config.get("SITHS_OCSP_FROM_AIA")),
        fail_open=bool(config.get("SITHS_REVOCATION_FAIL_OPEN")))
    pem = "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in intermediates)
    return PkiSettings(anchors, pem, revocation)


def decode_signature(signature_b64: str) -> bytes:
    """Base64 signature from the page -> bytes (raises ``BadSignature``)."""
    try:
        signature = base64.b64decode(signature_b64 or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadSignature("signature is not base64") from exc
    if not signature or len(signature) > MAX_SIGNATURE_BYTES:
        raise BadSignature("missing or oversized signature")
    return signature


def checked_chain(chain_pem: str, settings: PkiSettings) -> str:
    """The page's chain (leaf first) plus the configured intermediates."""
    if not chain_pem or len(chain_pem) > MAX_CHAIN_CHARS or "BEGIN CERTIFICATE" not in chain_pem:
        raise UntrustedChain("missing or oversized certificate chain",
                             message_sv=N_("Certifikatkedjan saknas eller kunde inte läsas."))
    return chain_pem.strip() + "\n" + settings.intermediates_pem


class TooManyChallenges(SithsError):
    """More unused, unexpired challenges exist than ``SITHS_CHALLENGES_MAX_OPEN`` allows."""

    code = "too_many_challenges"
    default_sv = N_("Just nu pågår för många inloggningar med kort. Vänta en stund och försök igen.")


def new_login_challenge(session: Session, config: Mapping) -> dict:
    """Create and store a one-time challenge; return what the page sends the agent.

    Anonymous callers may ask, so the table is kept small: expired challenges
    (older than ``SITHS_CHALLENGE_MAX_AGE``) are deleted on every insert, and
    when ``SITHS_CHALLENGES_MAX_OPEN`` unused ones are still open no more are
    made (``TooManyChallenges``). The rate limit per address comes first.
    """
    pki_settings(config)  # refuse early when SITHS is not configured
    store = DbChallengeStore(session.get_bind())
    expired_before = utcnow() - dt.timedelta(seconds=int(config.get("SITHS_CHALLENGE_MAX_AGE", 300)))
    store.purge(expired_before)
    if store.count_open(expired_before) >= int(config.get("SITHS_CHALLENGES_MAX_OPEN", 10000)):
        log.warning("SITHS challenge requests refused: %s open challenges", config.get("SITHS_CHALLENGES_MAX_OPEN"))
        raise TooManyChallenges("too many open challenges")
    value = new_challenge(store)
    return {"challenge": value,
            "data_b64": base64.b64encode(challenge_bytes(value)).decode("ascii")}


def person_for(session: Session, ident: VerifiedIdentity) -> Person:
    """The directory person with the certificate's HSA-ID (raises ``UnknownPerson``)."""
    person = session.scalar(select(Person).where(Person.hsa_id == ident.hsa_id))
    if person is None:
        raise UnknownPerson(f"HSA-ID {ident.hsa_id} not in the directory")
    if not person.is_active:
        raise InactivePerson(f"HSA-ID {ident.hsa_id} is inactive in the directory")
    return person


def login_with_signature(session: Session, config: Mapping, *, challenge: str,
                         signature_b64: str, chain_pem: str) -> tuple[Person, VerifiedIdentity]:
    """Verify a signed login challenge; return the person and the verified identity.

    The challenge is consumed first (in its own transaction), so a failed
    attempt burns it too: one challenge, one try.
    """
    settings = pki_settings(config)
    store = DbChallengeStore(session.get_bind())
    max_age = dt.timedelta(seconds=int(config.get("SITHS_CHALLENGE_MAX_AGE", 300)))
    if not challenge or len(challenge) > 64:
        raise ChallengeInvalid("missing challenge")
    signature = decode_signature(signature_b64)
    ident = verify_signed_challenge(challenge, signature, checked_chain(chain_pem, settings),
                                    settings.anchors, revocation=settings.revocation,
                                    store=store, max_age=max_age)
    return person_for(session, ident), ident


def client_certificate_pem(headers: Mapping, remote_addr: str | None, config: Mapping) -> str | None:
    """The client certificate a trusted reverse proxy passed on, else None.

    The header (``CLIENT_CERT_HEADER``) is only believed when the request comes
    straight from an address in ``TRUSTED_PROXIES``; from anyone else it is
    ignored, since a client could set it to any certificate it likes.
    """
    name = config.get("CLIENT_CERT_HEADER") or ""
    if not name:
        return None
    value = headers.get(name)
    if not value or not is_trusted_proxy(remote_addr, config.get("TRUSTED_PROXIES") or []):
        return None
    pem = unquote(value.strip())  # nginx $ssl_client_escaped_cert is URL-encoded PEM
    return pem if "BEGIN CERTIFICATE" in pem else None


def is_trusted_proxy(remote_addr: str | None, proxies) -> bool:
    """Is ``remote_addr`` one of the configured proxy addresses or networks?"""
    if not remote_addr:
        return False
    try:
        addr = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    for entry in proxies:
        try:
            if addr in ipaddress.ip_network(str(entry).strip(), strict=False):
                return True
        except ValueError:
            log.warning("TRUSTED_PROXIES entry is not an address or network: %r", entry)
    return False


def login_with_client_certificate(session: Session, config: Mapping, pem: str | None
                                  ) -> tuple[Person, VerifiedIdentity]:
    """Verify a certificate from mutual TLS (the proxy has checked key possession).

    ``pem`` comes from ``client_certificate_pem``; None means no usable header.
    """
    if not pem:
        raise NoClientCertificate("no client certificate from a trusted proxy")
    settings = pki_settings(config)
    certs = load_pem_certificates(checked_chain(pem, settings))
    ident = verify_certificate(certs[0], certs[1:], settings.anchors, usage="authentication",
                               revocation=settings.revocation)
    return person_for(session, ident), ident


def record_session(session: Session, person: Person, ident: VerifiedIdentity, method: str) -> str:
    """Add the server-side record of a card session (caller commits); return its id."""
    return sessions.open_session(session, person, method, certificate_sha256=ident.fingerprint_sha256)


def session_active(session: Session, sid: str, person_id: int | None) -> bool:
    """Is the session ``sid`` of ``person_id`` still open? (``services.sessions.is_active``)"""
    return sessions.is_active(session, sid, person_id)


def end_session(session: Session, sid: str, reason: str) -> bool:
    """End the session in the caller's transaction; True if it was open (``services.sessions.end_session``).

    The caller adds its audit event (``logout`` with the reason) and commits.
    """
    return sessions.end_session(session, sid, reason)
