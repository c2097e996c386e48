"""Verification of SITHS certificates.

We walk the chain by hand instead of using
``cryptography.x509.verification``: its policies are built for the WebPKI
(they demand SAN and EKU profiles that SITHS signing certificates do not
have), and a small explicit walk lets us raise precise, typed errors.

The walk: from the leaf, repeatedly find an issuer (first among the trust
anchors, then among the supplied intermediates) whose subject equals the
current issuer name and whose key verifies the signature; every issuer must be
a CA (basicConstraints cA=TRUE, keyCertSign if keyUsage is present, path length
respected); every certificate must be inside its validity period at ``at``;
unknown critical extensions are refused; then revocation is checked.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Literal, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import (BadSignature, CertificateExpired, CertificateNotYetValid,
                     UntrustedChain, WrongKeyUsage)
from .revocation import RevocationConfig, check_revocation, verify_with_key
from .texts import N_

Usage = Literal["authentication", "signing"]
MAX_CHAIN = 6

# Extensions we understand; a critical extension outside this set means the
# issuer wants a constraint enforced that we cannot enforce, so we refuse.
_KNOWN_CRITICAL = {
    x509.KeyUsage.oid, x509.BasicConstraints.oid, x509.ExtendedKeyUsage.oid,
    x509.CertificatePolicies.oid, x509.SubjectAlternativeName.oid,
}


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who a verified certificate belongs to.

    ``hsa_id`` is the subject serialNumber (OID 2.5.4.5); ``name`` the common
    name (or "given surname"); ``fingerprint_sha256`` is hex of the DER.
    """

    hsa_id: str
    name: str
    given_name: str | None
    surname: str | None
    usage: str
    fingerprint_sha256: str
    serial_number: int
    issuer: str
    policy_oids: tuple[str, ...]
    certificate: x509.Certificate = field(repr=False, compare=False)
    chain: tuple[x509.Certificate, ...] = field(repr=False, compare=False)


def load_pem_certificates(data: bytes | str) -> list[x509.Certificate]:
    """Parse all certificates in a PEM bundle (raises ``UntrustedChain`` if none)."""
    if isinstance(data, str):
        data = data.encode("ascii")
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise UntrustedChain(f"cannot parse PEM certificates: {exc}",
                             message_sv=N_("Certifikatkedjan kunde inte läsas.")) from exc
    return certs


def load_certificate_files(paths: Sequence[str]) -> list[x509.Certificate]:
    """Read PEM certificate files (e.g. the trust anchors) into a list."""
    out: list[x509.Certificate] = []
    for path in paths:
        with open(path, "rb") as fh:
            out.extend(load_pem_certificates(fh.read()))
    return out


def fingerprint(cert: x509.Certificate) -> str:
    """Hex SHA-256 over the certificate's DER encoding."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _first_attr(name: x509.Name, oid) -> str | None:
    attrs = name.get_attributes_for_oid(oid)
    return str(attrs[0].value) if attrs else None


def _check_validity(cert: x509.Certificate, at: dt.datetime, is_leaf: bool) -> None:
    if at < cert.not_valid_before_utc:
        raise CertificateNotYetValid(
            f"certificate {cert.subject.rfc4514_string()} not valid before "
            f"{cert.not_valid_before_utc.isoformat()}",
            message_sv=N_("Certifikatet är giltigt först från %(time)s UTC.") if is_leaf
            else N_("Utfärdarcertifikatet är giltigt först från %(time)s UTC."),
            params={"time": f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M}"})
    if at > cert.not_valid_after_utc:
        raise CertificateExpired(
            f"certificate {cert.subject.rfc4514_string()} expired "
            f"{cert.not_valid_after_utc.isoformat()}",
            message_sv=N_("Certifikatet gick ut %(time)s UTC.") if is_leaf
            else N_("Utfärdarcertifikatet gick ut %(time)s UTC."),
            params={"time": f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M}"})


def _check_critical(cert: x509.Certificate) -> None:
    for ext in cert.extensions:
        if ext.critical and ext.oid not in _KNOWN_CRITICAL:
            raise UntrustedChain(f"unsupported critical extension {ext.oid.dotted_string}",
                                 message_sv=N_("Certifikatet har en okänd kritisk utökning."))


def _check_ca(cert: x509.Certificate, certs_below: int) -> None:
    """``certs_below`` = number of non-self-issued intermediates under this CA."""
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        bc = None
    if bc is None or not bc.ca:
        raise UntrustedChain(f"{cert.subject.rfc4514_string()} is not a CA",
                             message_sv=N_("Ett certifikat i kedjan är inte en utfärdare (CA)."))
    if bc.path_length is not None and certs_below > bc.path_length:
        raise UntrustedChain("path length constraint exceeded",
                             message_sv=N_("Certifikatkedjan är för lång för utfärdaren."))
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not ku.key_cert_sign:
        raise UntrustedChain("issuer lacks keyCertSign",
                             message_sv=N_("Utfärdaren får inte utfärda certifikat."))


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)  # name match + signature
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


def build_chain(leaf: x509.Certificate, intermediates: Sequence[x509.Certificate],
                trust_anchors: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """Return ``[leaf, intermediates..., anchor]`` or raise ``UntrustedChain``.

    Only signatures and names are checked here; ``verify_certificate`` adds
    the remaining checks.
    """
    if not trust_anchors:
        raise UntrustedChain("no trust anchors configured")
    anchor_ders = {a.public_bytes(serialization.Encoding.DER) for a in trust_anchors}
    chain = [leaf]
    current = leaf
    for _ in range(MAX_CHAIN):
        for anchor in trust_anchors:
            if _issued_by(current, anchor):
                if current.public_bytes(serialization.Encoding.DER) in anchor_ders:
                    return chain  # the leaf itself is an anchor: never valid for people
                chain.append(anchor)
                return chain
        nxt = next((c for c in intermediates if c not in chain and _issued_by(current, c)), None)
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    raise UntrustedChain(
        f"no path from {leaf.subject.rfc4514_string()} to a trust anchor",
        message_sv=N_("Certifikatet är inte utfärdat av en betrodd SITHS-utfärdare."))


def check_key_usage(cert: x509.Certificate, usage: Usage) -> None:
    """Check that ``cert`` may be used for ``usage`` (raises ``WrongKeyUsage``).

    authentication: keyUsage digitalSignature, and clientAuth if an EKU is present.
    signing: keyUsage nonRepudiation (contentCommitment).
    """
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise WrongKeyUsage("certificate has no keyUsage",
                            message_sv=N_("Certifikatet saknar angiven användning.")) from exc
    if usage == "authentication":
        if not ku.digital_signature:
            raise WrongKeyUsage("not an authentication certificate (no digitalSignature)",
                                message_sv=N_("Certifikatet är inte ett legitimeringscertifikat."))
        try:
            eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            return
        if ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
            raise WrongKeyUsage("EKU present without clientAuth",
                                message_sv=N_("Certifikatet får inte användas för inloggning."))
    elif usage == "signing":
        if not ku.content_commitment:
            raise WrongKeyUsage("not a signing certificate (no nonRepudiation)",
                                message_sv=N_("Certifikatet är inte ett underskriftscertifikat."))
    else:
        raise ValueError(f"unknown usage {usage!r}")


def identity_of(cert: x509.Certificate, usage: str,
                chain: Sequence[x509.Certificate] = ()) -> VerifiedIdentity:
    """Extract the identity fields of ``cert`` (no verification is done)."""
    hsa_id = _first_attr(cert.subject, NameOID.SERIAL_NUMBER)
    if not hsa_id:
        raise UntrustedChain("certificate has no subject serialNumber (HSA-ID)",
                             message_sv=N_("Certifikatet saknar HSA-id."))
    given = _first_attr(cert.subject, NameOID.GIVEN_NAME)
    surname = _first_attr(cert.subject, NameOID.SURNAME)
    name = _first_attr(cert.subject, NameOID.COMMON_NAME) or " ".join(
        p for p in (given, surname) if p) or hsa_id
    try:
        policies = tuple(p.policy_identifier.dotted_string for p in
                         cert.extensions.get_extension_for_class(x509.CertificatePolicies).value)
    except x509.ExtensionNotFound:
        policies = ()
    return VerifiedIdentity(
        hsa_id=hsa_id, name=name, given_name=given, surname=surname, usage=usage,
        fingerprint_sha256=fingerprint(cert), serial_number=cert.serial_number,
        issuer=cert.issuer.rfc4514_string(), policy_oids=policies,
        certificate=cert, chain=tuple(chain))


def verify_certificate(cert: x509.Certificate, intermediates: Sequence[x509.Certificate],
                       trust_anchors: Sequence[x509.Certificate], *, usage: Usage,
                       at: dt.datetime | None = None,
                       revocation: RevocationConfig) -> VerifiedIdentity:
    """Fully verify ``cert`` for ``usage`` at time ``at`` (default: now, UTC).

    Checks chain to ``trust_anchors``, CA constraints, validity periods, key
    usage, critical extensions and revocation.  Returns the identity or raises
    a ``SithsError`` subclass.
    """
    at = at or dt.datetime.now(dt.timezone.utc)
    if at.tzinfo is None:
        raise ValueError("'at' must be timezone-aware")
    chain = build_chain(cert, intermediates, trust_anchors)
    if len(chain) < 2:
        raise UntrustedChain("a trust anchor cannot be used as a personal certificate")
    check_key_usage(cert, usage)
    _check_critical(cert)
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            raise WrongKeyUsage("a CA certificate is not a personal certificate")
    except x509.ExtensionNotFound:
        pass
    for i, c in enumerate(chain):
        _check_validity(c, at, is_leaf=(i == 0))
        if i > 0:
            _check_critical(c)
            _check_ca(c, certs_below=max(0, i - 1))
    check_revocation(chain, at, revocation)
    return identity_of(cert, usage, chain)


def verify_signature(cert: x509.Certificate, signature: bytes, data: bytes) -> str:
    """Verify a SHA-256 signature by ``cert``'s key over ``data``.

    Accepts RSA (>= 2048 bits) PKCS#1 v1.5 and ECDSA on P-256 with a DER
    signature.  Returns the algorithm name used in receipts; raises
    ``BadSignature``.
    """
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048:
        alg = "RSA-PKCS1v15-SHA256"
    elif isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        alg = "ECDSA-P256-SHA256"
    else:
        raise BadSignature("unsupported key type or size",
                           message_sv=N_("Certifikatets nyckeltyp stöds inte."))
    try:
        verify_with_key(key, signature, data, hashes.SHA256())
    except (InvalidSignature, ValueError) as exc:
        raise BadSignature("signature does not verify",
                           message_sv=N_("Signaturen stämmer inte med innehållet.")) from exc
    return alg
