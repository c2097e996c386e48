"""Signed attest: the decision document, the signing window and the receipt.

After Godkänn or Avslå the attestant gets a signing window ("Signering av
beställning c…").  ``prepare`` builds the decision document - order number,
the lines as approved (after removals), decision, comment, start date, the
attestant's HSA-ID, time and a one-time nonce - in canonical form
(``siths.canonical_document``) and stores it pending, bound to attestant,
order and decision, for ``SITHS_SIGNING_MAX_AGE`` seconds.

``submit`` records the decision only if the signature verifies over exactly
those stored bytes with a *signing* (nonRepudiation) certificate of the
logged-in attestant that passes the same checks as at login.  Used nonce,
signature row (document, signature, chain, receipt) and decision are one
transaction (``services.attest.decide`` commits them).  Without a valid
signature nothing about the decision is recorded: the nonce is used up with
one audit event ``attest.signature_refused`` in one transaction.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import TYPE_CHECKING, Mapping

from sqlalchemy import delete, select, update
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy.orm import Session

from siths import (SithsError, build_receipt, canonical_document, parse_canonical_document,
                   verify_signed_document)

from ..messages import N_
from .. import audit
from ..authz import Actor, Forbidden
from ..models import Order, utcnow
from ..models.signing import AttestSignature, AttestSigningRequest, as_utc
from . import attest as attest_ops
from .errors import Conflict, NotFound, ValidationFailed
from .siths_login import checked_chain, decode_signature, pki_settings

if TYPE_CHECKING:
    from ..runtime import Runtime

log = logging.getLogger(__name__)

DOCUMENT_FORMAT = "beh-attest-decision/2"
DECISION_TEXT = {True: "godkänd", False: "avslagen"}


def signing_mode(config: Mapping) -> str:
    """``"required"`` or ``"off"``; raises ``RuntimeError`` for a bad setting.

    "off" is only allowed in demo mode (DEMO true): the demo fallback without a
    card and the core's older HTTP tests.
    """
    mode = str(config.get("ATTEST_SIGNING", "required")).strip().lower()
    if mode not in ("required", "off"):
        raise RuntimeError(f"ATTEST_SIGNING must be 'required' or 'off', not {mode!r}")
    if mode == "off" and not config.get("DEMO"):
        raise RuntimeError("ATTEST_SIGNING='off' is only allowed when DEMO is true")
    return mode


def signing_required(config: Mapping) -> bool:
    """True unless signing is switched off (demo only)."""
    return signing_mode(config) == "required"


def _plain(value):
    """JSON values for the canonical document: floats (not allowed there) become strings."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def line_pairs(line) -> list[tuple[str, str]]:
    """(label, value) of a line as ordered; lines stored before labels were kept show their field names."""
    if line.shown:
        return [(label, value) for label, value in line.shown if value]
    return [(str(key).capitalize(), str(value)) for key, value in (line.values or {}).items() if value]


def decision_fields(order: Order, attestant_hsa_id: str, *, approve: bool, comment: str,
                    nonce: str, at: dt.datetime) -> dict:
    """The fields the attestant signs (no personnummer: only names and ids)."""
    step = order.current_step
    return {
        "format": DOCUMENT_FORMAT,
        "ordernummer": order.number,
        "katalog": order.catalogue,
        "attesteringssteg": step.label if step else "Attest",
        "beslut": DECISION_TEXT[approve],
        "kommentar": comment,
        "startdatum": order.start_date.isoformat(),
        "slutdatum": order.end_date.isoformat() if order.end_date else None,
        "slutanvandare": order.end_user.display,
        "uppgifter": [[label, value] for label, value in (order.fields_shown or [])],
        "rader": [{"behorighet": line.item_key, "namn": line.item_name,
                   "uppgifter": _plain(line.values or {}),
                   "visas": [[label, value] for label, value in line_pairs(line)], "fritext": line.free_text}
                  for line in order.active_lines],
        "attestant_hsa_id": attestant_hsa_id,
        "tidpunkt": at.astimezone(dt.timezone.utc).replace(microsecond=0)
        .isoformat().replace("+00:00", "Z"),
        "nonce": nonce,
    }


def _check_decision(actor: Actor, order: Order, approve: bool, comment: str) -> str:
    """The checks ``decide`` makes, done before the signing window opens, plus: the attestant has an HSA-ID."""
    comment = attest_ops.check_decision(actor, order, approve=approve, comment=comment)
    if not actor.person.hsa_id:
        raise Conflict(N_("Du saknar HSA-id i katalogen och kan därför inte signera."))
    return comment


def prepare(session: Session, actor: Actor, order: Order, *, approve: bool,
            comment: str = "") -> AttestSigningRequest:
    """Open a signing window: store the pending document and its nonce; commits."""
    comment = _check_decision(actor, order, approve, comment)
    nonce = secrets.token_urlsafe(24)
    now = utcnow()
    document = canonical_document(decision_fields(order, actor.person.hsa_id, approve=approve,
                                                  comment=comment, nonce=nonce, at=now))
    request = AttestSigningRequest(nonce=nonce, order_id=order.id, attestant_id=actor.id,
                                   approve=approve, comment=comment or None, document=document,
                                   created_at=now)
    session.add(request)
    session.execute(delete(AttestSigningRequest).where(
        AttestSigningRequest.created_at < now - dt.timedelta(days=1)))
    session.commit()
    return request


def pending(session: Session, actor: Actor, order: Order, nonce: str,
            config: Mapping) -> AttestSigningRequest:
    """The open signing window ``nonce`` of this attestant and order (else NotFound/Conflict)."""
    request = session.scalar(select(AttestSigningRequest).where(AttestSigningRequest.nonce == nonce))
    if request is None or request.attestant_id != actor.id or request.order_id != order.id:
        raise NotFound(N_("Signeringen finns inte. Gå tillbaka till beställningen och försök igen."))
    if request.used_at is not None:
        raise Conflict(N_("Signeringen är redan använd. Gå tillbaka till beställningen och försök igen."))
    max_age = dt.timedelta(seconds=int(config.get("SITHS_SIGNING_MAX_AGE", 600)))
    if utcnow() - as_utc(request.created_at) > max_age:
        raise Conflict(N_("Tiden för signeringen har gått ut. Gå tillbaka till beställningen och försök igen."))
    return request


ALREADY_USED = N_("Signeringen är redan använd. Gå tillbaka till beställningen och försök igen.")


def _use_nonce(session: Session, request: AttestSigningRequest) -> None:
    """Use the nonce up in the caller's transaction (one window, one try).

    One conditional UPDATE: of two concurrent tries only one matches the row
    (PostgreSQL re-checks ``used_at`` after the other commits; SQLite writes
    one at a time).  Raises ``Conflict`` (after a rollback) if it was used.
    """
    table = AttestSigningRequest.__table__
    taken = session.execute(update(table).where(table.c.id == request.id, table.c.used_at.is_(None))
                            .values(used_at=utcnow())).rowcount
    if taken != 1:
        session.rollback()
        raise Conflict(ALREADY_USED)


def _refusal_code(exc: Exception) -> str:
    """Stable reason code of a refused signature for the audit event (no personal data)."""
    if isinstance(exc, SithsError):
        return exc.code
    return getattr(exc, "reason", None) or {
        ValidationFailed: "invalid_decision", Conflict: "conflict", Forbidden: "forbidden",
        NotFound: "not_found"}.get(type(exc), "refused")


def _refuse(session: Session, actor: Actor, order: Order, request: AttestSigningRequest,
            exc: Exception) -> None:
    """A failed try: use the nonce up and audit ``attest.signature_refused``, one transaction."""
    code = _refusal_code(exc)
    _use_nonce(session, request)
    audit.record(session, actor, "attest.signature_refused", "order", order.number,
                 reason=code, decision="approve" if request.approve else "reject",
                 signing_request_id=request.id)
    session.commit()
    log.warning("attest signature refused for order %s by %s: %s", order.number,
                actor.person.vgr_id, code)


class _OrderChanged(Conflict):
    reason = "order_changed"


def submit(session: Session, rt: "Runtime", actor: Actor, order: Order, nonce: str, *, signature_b64: str,
           chain_pem: str) -> AttestSignature:
    """Verify the attestant's signature and record decision + signature in one transaction.

    Raises ``SithsError`` (bad signature, wrong person, certificate problems),
    ``Conflict``/``ValidationFailed``/``Forbidden``; then nothing about the
    decision is recorded, and the nonce is used up together with one audit
    event ``attest.signature_refused`` (``reason`` = the error code), so a new
    window is needed.  An unusable window (``pending``) or missing SITHS
    settings refuse before the try counts.
    """
    config = rt.config
    request = pending(session, actor, order, nonce, config)
    settings = pki_settings(config)
    comment = request.comment or ""
    try:
        _check_decision(actor, order, request.approve, comment)
        stored = decision_fields(order, actor.person.hsa_id, approve=request.approve,
                                 comment=comment, nonce=nonce, at=as_utc(request.created_at))
        if canonical_document(stored) != request.document:
            raise _OrderChanged(N_("Beställningen har ändrats sedan signeringen öppnades. Försök igen."))
        signature = decode_signature(signature_b64)
        ident = verify_signed_document(request.document, signature,
                                       checked_chain(chain_pem, settings), settings.anchors,
                                       revocation=settings.revocation,
                                       expected_hsa_id=actor.person.hsa_id)
    except (SithsError, ValidationFailed, Conflict, Forbidden) as exc:
        _refuse(session, actor, order, request, exc)
        raise
    signed_at = utcnow()
    chain = ident_chain_pem(ident)
    receipt = build_receipt(request.document, signature, chain, signed_at=signed_at)
    row = AttestSignature(order_id=order.id, signer_id=actor.id, signer_hsa_id=ident.hsa_id,
                          approve=request.approve, nonce=nonce, document=request.document,
                          signature=signature, algorithm=_algorithm(receipt),
                          certificate_chain_pem=chain, certificate_sha256=ident.fingerprint_sha256,
                          receipt=receipt, signed_at=signed_at)
    # One transaction: nonce used, signature row, decision with its audit event (decide commits).
    _use_nonce(session, request)
    session.add(row)
    try:
        session.flush()
        attest_ops.decide(session, rt, actor, order, approve=request.approve, comment=comment,
                          signature_id=row.id)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        session.rollback()  # e.g. decided by someone else meanwhile: the try still counts
        _refuse(session, actor, order, request, exc)
        raise
    except Exception:
        session.rollback()
        raise
    return row


def ident_chain_pem(ident) -> str:
    """The verified path (leaf first, without the trust anchor) as PEM for the receipt."""
    path = list(ident.chain)[:-1] or [ident.certificate]
    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in path)


def _algorithm(receipt: bytes) -> str:
    return parse_canonical_document(receipt)["algorithm"]


def signature_of(session: Session, order: Order) -> AttestSignature | None:
    """The signature that backs the order's attest decision, if any."""
    return session.scalar(select(AttestSignature).where(AttestSignature.order_id == order.id)
                          .order_by(AttestSignature.id.desc()).limit(1))


def receipt_for(session: Session, number: str) -> bytes:
    """The self-contained receipt (``beh-siths-receipt/1``) of order ``number``'s attest."""
    order = session.scalar(select(Order).where(Order.number == number))
    if order is None:
        raise NotFound(N_("Beställning %(number)s finns inte.", number=number))
    row = signature_of(session, order)
    if row is None:
        raise NotFound(N_("Beställning %(number)s har ingen signerad attest.", number=number))
    return row.receipt
