"""An in-process OCSP responder for tests and demos.

``make_ocsp_responder`` returns a function DER request -> DER response that
can be given to ``RevocationConfig(ocsp_fetcher=...)``, so OCSP is exercised
for real (request encoding, response signature, status) without a network.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from .demo_pki import DemoCA


def make_ocsp_responder(ca: DemoCA, certificates: list[x509.Certificate],
                        revoked: dict[int, dt.datetime] | None = None, *,
                        signer: DemoCA | None = None,
                        validity: dt.timedelta = dt.timedelta(hours=1)) -> Callable[[bytes], bytes]:
    """Answer for ``certificates`` issued by ``ca``; serials in ``revoked`` are
    revoked.  Unknown serials get UNAUTHORIZED.  ``signer`` lets a test sign
    with a wrong key (default: the CA itself).  ``revoked`` is read at each
    request, so a test can revoke later."""
    revoked = revoked if revoked is not None else {}
    by_serial = {c.serial_number: c for c in certificates}
    signer = signer or ca

    def respond(request_der: bytes) -> bytes:
        req = ocsp.load_der_ocsp_request(request_der)
        cert = by_serial.get(req.serial_number)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(Encoding.DER)
        now = dt.datetime.now(dt.timezone.utc)
        when = revoked.get(cert.serial_number)
        b = ocsp.OCSPResponseBuilder().add_response(
            cert=cert, issuer=ca.cert, algorithm=hashes.SHA256(),
            cert_status=ocsp.OCSPCertStatus.REVOKED if when else ocsp.OCSPCertStatus.GOOD,
            this_update=now - dt.timedelta(minutes=1), next_update=now + validity,
            revocation_time=when, revocation_reason=None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, signer.cert)
        return b.sign(signer.key, hashes.SHA256()).public_bytes(Encoding.DER)

    return respond
