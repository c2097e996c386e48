"""SITHS smart-card support for BEH: certificate verification, login
challenges, signed attest documents with receipts, and the local agent.

The server side needs only ``cryptography`` (``pki``, ``revocation``,
``challenge``, ``document``, ``receipt``); ``token``/``reader``/``agent`` run
on the user's workstation and need python-pkcs11 / pyscard, so they are not
imported here.
"""
from .challenge import (ChallengeRecord, ChallengeStore, InMemoryChallengeStore,
                        challenge_bytes, consume, new_challenge, verify_signed_challenge,
                        verify_signed_data)
from .document import canonical_document, parse_canonical_document
from .errors import (BadSignature, CertificateExpired, CertificateNotYetValid,
                     CardNotPresent, CertificateRevoked, ChallengeInvalid, PinIncorrect, ReceiptInvalid,
                     RevocationUnknown, SithsError, TokenError, UntrustedChain, WrongKeyUsage,
                     WrongSigner)
from .pki import (VerifiedIdentity, load_certificate_files, load_pem_certificates,
                  verify_certificate, verify_signature)
from .receipt import ReceiptResult, build_receipt, verify_receipt, verify_signed_document
from .revocation import RevocationConfig, http_ocsp_fetcher

import types as _types

__all__ = [n for n, v in dict(globals()).items()
           if not n.startswith("_") and not isinstance(v, _types.ModuleType)]
