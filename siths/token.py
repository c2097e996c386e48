"""PKCS#11 access to the smart card (or SoftHSM2 in tests), for the agent.

One ``Pkcs11Token`` = one card = one PKCS#11 token, picked by its label.
Certificates are public objects and are listed without login; signing opens a
logged-in session with the PIN from the caller (the agent's PinProvider) and
closes it again at once, so the card is never left unlocked.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pkcs11
import pkcs11.exceptions as p11x
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_ecdsa_signature

from . import texts
from .errors import PinIncorrect, PinLocked, TokenError

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@dataclass(frozen=True)
class TokenCertificate:
    """A certificate object on the token with its CKA_ID and classification."""

    usage: str  # "authentication", "signing" or "ca"
    label: str
    key_id: bytes
    certificate: x509.Certificate

    def to_json(self) -> dict:
        """JSON-friendly description (PEM, subject, HSA-ID, validity)."""
        sn = self.certificate.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)
        return {
            "usage": self.usage, "label": self.label, "id": self.key_id.hex(),
            "subject": self.certificate.subject.rfc4514_string(),
            "hsa_id": str(sn[0].value) if sn else None,
            "not_after": self.certificate.not_valid_after_utc.isoformat(),
            "pem": self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        }


@dataclass(frozen=True)
class SignResult:
    """A signature (ECDSA in DER) plus the signer certificate chain as PEM."""

    signature: bytes
    algorithm: str
    certificate: x509.Certificate
    chain_pem: str


def classify(cert: x509.Certificate) -> str:
    """Classify a card certificate by its key usage.

    nonRepudiation -> "signing"; digitalSignature -> "authentication";
    CA certificates -> "ca"; anything else -> "other".
    """
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return "ca"
    except x509.ExtensionNotFound:
        pass
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return "other"
    if ku.content_commitment:
        return "signing"
    if ku.digital_signature:
        return "authentication"
    return "other"


class Pkcs11Token:
    """The card behind a PKCS#11 module, chosen by token label."""

    def __init__(self, module_path: str = DEFAULT_MODULE, token_label: str | None = None,
                 extra_chain: list[x509.Certificate] | None = None):
        self.module_path = module_path
        self.token_label = token_label
        self.extra_chain = list(extra_chain or [])

    def _token(self):
        try:
            lib = pkcs11.lib(self.module_path)
            if self.token_label:
                return lib.get_token(token_label=self.token_label)
            tokens = [t for t in lib.get_tokens() if t.flags & pkcs11.TokenFlag.TOKEN_INITIALIZED]
        except p11x.NoSuchToken as exc:
            raise TokenError("token not found", message_sv=texts.NO_CARD) from exc
        except p11x.PKCS11Error as exc:
            raise TokenError(f"PKCS#11 error: {type(exc).__name__}") from exc
        if len(tokens) != 1:
            raise TokenError(f"{len(tokens)} tokens present, set a token label",
                             message_sv=texts.NOT_ONE_CARD)
        return tokens[0]

    def list_certificates(self) -> list[TokenCertificate]:
        """All X.509 certificates on the token, classified (no PIN needed)."""
        token = self._token()
        try:
            with token.open() as session:
                # list(): an unfinished object search makes the session close fail
                objs = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
                out = []
                for obj in objs:
                    cert = x509.load_der_x509_certificate(obj[Attribute.VALUE])
                    out.append(TokenCertificate(classify(cert), obj[Attribute.LABEL],
                                                bytes(obj[Attribute.ID]), cert))
                return out
        except p11x.PKCS11Error as exc:
            raise TokenError(f"PKCS#11 error: {type(exc).__name__}") from exc

    def certificate_for(self, usage: str) -> TokenCertificate:
        """The single certificate of ``usage`` on the token (raises TokenError)."""
        found = [c for c in self.list_certificates() if c.usage == usage]
        if len(found) != 1:
            raise TokenError(f"{len(found)} {usage} certificates on token",
                             message_sv=texts.NOT_ONE_CERTIFICATE)
        return found[0]

    def chain_pem(self, leaf: x509.Certificate) -> str:
        """Leaf PEM followed by the CA certificates (token + configured) above it."""
        cas = [c.certificate for c in self.list_certificates() if c.usage == "ca"]
        cas += self.extra_chain
        chain, current = [leaf], leaf
        while True:
            nxt = next((c for c in cas if c.subject == current.issuer and c not in chain
                        and c.subject != c.issuer), None)
            if nxt is None:
                break
            chain.append(nxt)
            current = nxt
        return "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in chain)

    def sign(self, usage: str, data: bytes, pin: str) -> SignResult:
        """Sign ``data`` (SHA-256) with the private key of the ``usage`` certificate.

        RSA: CKM_SHA256_RSA_PKCS.  EC: we hash here and use plain CKM_ECDSA
        (SoftHSM and many cards lack CKM_ECDSA_SHA256), then DER-encode r||s.
        """
        tc = self.certificate_for(usage)
        token = self._token()
        try:
            with token.open(user_pin=pin) as session:
                key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=tc.key_id)
                if key.key_type == KeyType.RSA:
                    sig = key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS)
                    alg = "RSA-PKCS1v15-SHA256"
                elif key.key_type == KeyType.EC:
                    raw = key.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)
                    sig = encode_ecdsa_signature(raw)
                    alg = "ECDSA-P256-SHA256"
                else:
                    raise TokenError("unsupported key type on token")
        except (p11x.PinIncorrect, p11x.PinLenRange) as exc:
            raise PinIncorrect("wrong PIN", message_sv=texts.WRONG_PIN) from exc
        except p11x.PinLocked as exc:
            raise PinLocked("PIN locked") from exc
        except p11x.NoSuchKey as exc:
            raise TokenError("no private key with the certificate's CKA_ID",
                             message_sv=texts.NO_KEY) from exc
        except p11x.PKCS11Error as exc:
            raise TokenError(f"PKCS#11 error: {type(exc).__name__}") from exc
        return SignResult(sig, alg, tc.certificate, self.chain_pem(tc.certificate))
