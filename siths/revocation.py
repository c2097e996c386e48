"""Revocation checking by CRL and OCSP.

Policy: every certificate in a verified chain except the trust anchor is
checked.  For each one we first look for a CRL issued by its issuer, then ask
OCSP if a responder is configured.  If neither gives a fresh, correctly signed
answer the status is *unknown* and we fail closed (``RevocationUnknown``)
unless ``RevocationConfig(fail_open=True)`` - fail-open only makes sense in a
demo or while a CA's CRL distribution is down and someone has decided to
accept the risk.
"""
from __future__ import annotations

import datetime as dt
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from .errors import CertificateRevoked, RevocationUnknown
from .texts import N_

#: An OCSP transport: takes a DER OCSPRequest, returns a DER OCSPResponse.
OcspFetcher = Callable[[bytes], bytes]


@dataclass
class RevocationConfig:
    """How to establish revocation status.

    ``crls``: CRL objects, or paths to PEM/DER CRL files, for any CAs.
    ``ocsp_fetcher``: a transport used for every certificate (tests pass an
    in-process responder; production may pass ``http_ocsp_fetcher(url)``).
    ``ocsp_from_aia``: if no fetcher is given, POST to the OCSP URL named in
    the certificate's Authority Information Access extension.
    ``fail_open``: accept when status cannot be had (default: refuse).
    ``enabled=False`` turns checking off entirely (tests/archives only).
    ``clock_skew``: tolerance for thisUpdate/nextUpdate comparisons.
    """

    crls: Sequence[x509.CertificateRevocationList | str] = field(default_factory=list)
    ocsp_fetcher: OcspFetcher | None = None
    ocsp_from_aia: bool = False
    ocsp_timeout: float = 5.0
    fail_open: bool = False
    enabled: bool = True
    clock_skew: dt.timedelta = dt.timedelta(minutes=5)

    def loaded_crls(self) -> list[x509.CertificateRevocationList]:
        """Return the configured CRLs as objects, loading files on demand."""
        out = []
        for item in self.crls:
            if isinstance(item, x509.CertificateRevocationList):
                out.append(item)
                continue
            with open(item, "rb") as fh:
                data = fh.read()
            if b"-----BEGIN" in data:
                out.append(x509.load_pem_x509_crl(data))
            else:
                out.append(x509.load_der_x509_crl(data))
        return out


def http_ocsp_fetcher(url: str, timeout: float = 5.0) -> OcspFetcher:
    """Return an OCSP transport that POSTs to ``url`` (RFC 6960 appendix A)."""

    def fetch(request_der: bytes) -> bytes:
        req = urllib.request.Request(
            url, data=request_der, method="POST",
            headers={"Content-Type": "application/ocsp-request"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - URL from config/cert
            return resp.read(1_000_000)

    return fetch


def verify_with_key(public_key, signature: bytes, data: bytes, hash_alg) -> None:
    """Verify ``signature`` over ``data`` with an RSA (PKCS#1 v1.5) or EC key.

    Raises ``InvalidSignature`` on mismatch and ``TypeError`` for other keys.
    """
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, data, padding.PKCS1v15(), hash_alg)
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(hash_alg))
    else:
        raise TypeError("unsupported key type")


def check_revocation(chain: Sequence[x509.Certificate], at: dt.datetime,
                     config: RevocationConfig) -> None:
    """Check every certificate of ``chain`` (leaf first, anchor last).

    Raises ``CertificateRevoked`` or ``RevocationUnknown``.
    """
    if not config.enabled:
        return
    crls = config.loaded_crls()
    for cert, issuer in zip(chain, chain[1:]):
        status = _status_from_crls(cert, issuer, crls, at, config)
        if status is None:
            status = _status_from_ocsp(cert, issuer, at, config)
        if status is None:
            if config.fail_open:
                continue
            raise RevocationUnknown(
                f"no revocation status for serial {cert.serial_number:x}",
                message_sv=N_("Det gick inte att kontrollera om certifikatet är spärrat "
                              "(ingen giltig spärrlista eller OCSP-svar)."))
        if status == "revoked":
            leaf = cert is chain[0]
            raise CertificateRevoked(
                f"certificate serial {cert.serial_number:x} is revoked",
                message_sv=N_("Certifikatet är spärrat.") if leaf
                else N_("Utfärdarcertifikatet i kedjan är spärrat."))


def _status_from_crls(cert, issuer, crls: Iterable[x509.CertificateRevocationList],
                      at, config) -> str | None:
    """'good'/'revoked' from a fresh CRL signed by ``issuer``, else None."""
    for crl in crls:
        if crl.issuer != issuer.subject:
            continue
        try:
            if not crl.is_signature_valid(issuer.public_key()):
                continue
        except (TypeError, ValueError):
            continue
        # A CRL is only evidence while it is current: a stale CRL could hide
        # a later revocation.
        if crl.last_update_utc > at + config.clock_skew:
            continue
        if crl.next_update_utc is None or crl.next_update_utc < at - config.clock_skew:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and entry.revocation_date_utc <= at + config.clock_skew:
            return "revoked"
        return "good"
    return None


def _ocsp_fetcher_for(cert, config) -> OcspFetcher | None:
    if config.ocsp_fetcher is not None:
        return config.ocsp_fetcher
    if not config.ocsp_from_aia:
        return None
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return None
    for desc in aia:
        if desc.access_method == AuthorityInformationAccessOID.OCSP:
            return http_ocsp_fetcher(desc.access_location.value, config.ocsp_timeout)
    return None


def _status_from_ocsp(cert, issuer, at, config) -> str | None:
    """'good'/'revoked' from a valid OCSP response, None if none could be had."""
    fetch = _ocsp_fetcher_for(cert, config)
    if fetch is None:
        return None
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
    try:
        response = ocsp.load_der_ocsp_response(fetch(request.public_bytes(serialization.Encoding.DER)))
    except Exception:  # network error, garbage answer: status unknown
        return None
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return None
    if not _ocsp_signed_by_issuer_or_delegate(response, issuer, at):
        return None
    for single in response.responses:
        if single.serial_number != cert.serial_number:
            continue
        if single.issuer_name_hash != request.issuer_name_hash or \
                single.issuer_key_hash != request.issuer_key_hash:
            continue
        if single.this_update_utc > at + config.clock_skew:
            continue
        if single.next_update_utc is not None and single.next_update_utc < at - config.clock_skew:
            continue
        if single.certificate_status == ocsp.OCSPCertStatus.GOOD:
            return "good"
        if single.certificate_status == ocsp.OCSPCertStatus.REVOKED:
            return "revoked"
        return None
    return None


def _ocsp_signed_by_issuer_or_delegate(response, issuer, at) -> bool:
    """Accept a response signed by the CA itself or by a delegated responder
    certificate that the CA issued with the OCSPSigning EKU (RFC 6960 4.2.2.2)."""
    candidates = [issuer]
    for responder in response.certificates:
        try:
            responder.verify_directly_issued_by(issuer)
            eku = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in eku and \
                responder.not_valid_before_utc <= at <= responder.not_valid_after_utc:
            candidates.append(responder)
    for signer in candidates:
        if response.responder_name is not None and response.responder_name != signer.subject:
            continue
        try:
            verify_with_key(signer.public_key(), response.signature,
                            response.tbs_response_bytes, response.signature_hash_algorithm)
            return True
        except (InvalidSignature, TypeError, ValueError):
            continue
    return False
