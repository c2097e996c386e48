"""Self-contained signing receipts.

A receipt is canonical JSON (see ``siths.document``) with these members::

    format           "beh-siths-receipt/1"
    algorithm        "RSA-PKCS1v15-SHA256" | "ECDSA-P256-SHA256"
    document_b64     base64 of the canonical document bytes that were signed
    signature_b64    base64 of the signature (ECDSA as DER)
    certificate_chain_pem  signer certificate first, then intermediates
    signed_at        ISO 8601 UTC time the server accepted the signature
    content_sha256   hex SHA-256 over the canonical JSON of all other members

The signature protects the document; ``content_sha256`` plus the canonical
form requirement make any changed byte of the receipt (even whitespace) fail
verification.  ``content_sha256`` is only a checksum, not a seal: the proof is
the signature, which an outsider can check with the SITHS CA certificates
alone.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Sequence

from cryptography import x509

from .challenge import verify_signed_data
from .document import canonical_document, parse_canonical_document
from .errors import ReceiptInvalid
from .pki import load_pem_certificates, verify_signature
from .revocation import RevocationConfig

FORMAT = "beh-siths-receipt/1"
_MEMBERS = {"format", "algorithm", "document_b64", "signature_b64",
            "certificate_chain_pem", "signed_at", "content_sha256"}


@dataclass(frozen=True)
class ReceiptResult:
    """Outcome of ``verify_receipt``: who signed, what, and when."""

    hsa_id: str
    name: str
    signed_at: dt.datetime
    document: dict
    document_bytes: bytes
    algorithm: str
    certificate_fingerprint: str


def _content_hash(body: dict) -> str:
    return hashlib.sha256(canonical_document(body)).hexdigest()


def build_receipt(document: bytes, signature: bytes, cert_chain_pem: bytes | str, *,
                  signed_at: dt.datetime | None = None) -> bytes:
    """Build receipt bytes for a signature that the caller has *already verified*
    (with ``verify_signed_document``).  ``document`` must be canonical bytes."""
    parse_canonical_document(document)
    if isinstance(cert_chain_pem, bytes):
        cert_chain_pem = cert_chain_pem.decode("ascii")
    leaf = load_pem_certificates(cert_chain_pem)[0]
    algorithm = verify_signature(leaf, signature, document)
    signed_at = (signed_at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    body = {
        "format": FORMAT,
        "algorithm": algorithm,
        "document_b64": base64.b64encode(document).decode("ascii"),
        "signature_b64": base64.b64encode(signature).decode("ascii"),
        "certificate_chain_pem": cert_chain_pem,
        "signed_at": signed_at.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    body["content_sha256"] = _content_hash(body)
    return canonical_document(body)


def _invalid(msg: str) -> ReceiptInvalid:
    return ReceiptInvalid(msg)


def verify_receipt(receipt_bytes: bytes, trust_anchors: Sequence[x509.Certificate] | bytes | str,
                   at: dt.datetime | None = None, *,
                   revocation: RevocationConfig | None = None) -> ReceiptResult:
    """Verify a receipt completely; return who signed what and when.

    ``trust_anchors``: certificate objects or a PEM bundle.  ``at``: the time
    at which the certificate must have been valid, default the receipt's
    ``signed_at``.  Revocation is not re-checked unless ``revocation`` is given
    (it was checked by the server when the signature was accepted; later CRLs
    would also list revocations made after signing).
    Raises ``ReceiptInvalid`` or another ``SithsError``.
    """
    if isinstance(trust_anchors, (bytes, str)):
        trust_anchors = load_pem_certificates(trust_anchors)
    try:
        body = parse_canonical_document(receipt_bytes)
    except (ValueError, UnicodeDecodeError, TypeError) as exc:
        raise _invalid(f"receipt is not canonical JSON: {exc}") from exc
    if set(body) != _MEMBERS or body.get("format") != FORMAT:
        raise _invalid("unknown receipt format or members")
    if not all(isinstance(body[k], str) for k in _MEMBERS):
        raise _invalid("receipt members must be strings")
    claimed = body.pop("content_sha256")
    if _content_hash(body) != claimed:
        raise _invalid("content_sha256 mismatch")
    try:
        document = base64.b64decode(body["document_b64"], validate=True)
        signature = base64.b64decode(body["signature_b64"], validate=True)
        signed_at = dt.datetime.fromisoformat(body["signed_at"].replace("Z", "+00:00"))
        fields = parse_canonical_document(document)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _invalid(f"bad receipt member: {exc}") from exc
    if signed_at.tzinfo is None:
        raise _invalid("signed_at without time zone")
    ident = verify_signed_data(
        document, signature, body["certificate_chain_pem"], trust_anchors, usage="signing",
        revocation=revocation or RevocationConfig(enabled=False), at=at or signed_at)
    algorithm = verify_signature(ident.certificate, signature, document)
    if algorithm != body["algorithm"]:
        raise _invalid("algorithm member does not match the key")
    return ReceiptResult(hsa_id=ident.hsa_id, name=ident.name, signed_at=signed_at,
                         document=fields, document_bytes=document, algorithm=algorithm,
                         certificate_fingerprint=ident.fingerprint_sha256)


def receipt_summary(result: ReceiptResult) -> str:
    """A short bilingual human-readable description of a verified receipt."""
    lines = [
        "Signeringskvittot är giltigt / The signing receipt is valid.",
        f"Undertecknat av / Signed by: {result.name} (HSA-id {result.hsa_id})",
        f"Tidpunkt / Signed at: {result.signed_at.isoformat()}",
        f"Algoritm / Algorithm: {result.algorithm}",
        f"Certifikat (SHA-256) / Certificate: {result.certificate_fingerprint}",
        "Dokument / Document:",
        json.dumps(result.document, ensure_ascii=False, indent=2, sort_keys=True),
    ]
    return "\n".join(lines)


def verify_signed_document(document: bytes | dict, signature: bytes, cert_chain_pem: bytes | str,
                           trust_anchors: Sequence[x509.Certificate], *,
                           revocation: RevocationConfig, at: dt.datetime | None = None,
                           expected_hsa_id: str | None = None):
    """Verify an attestant's signature over a document (server side, at signing).

    ``document`` is the dict of fields or its canonical bytes.  Checks the
    signing certificate (nonRepudiation, chain, validity, revocation) and the
    signature; with ``expected_hsa_id`` raises ``WrongSigner`` if another
    person's card signed.  Returns ``VerifiedIdentity``; then call
    ``build_receipt`` with the same bytes to archive the proof.
    """
    data = canonical_document(document) if isinstance(document, dict) else document
    return verify_signed_data(data, signature, cert_chain_pem, trust_anchors, usage="signing",
                              revocation=revocation, at=at, expected_hsa_id=expected_hsa_id)
