"""Typed errors raised by the ``siths`` package.

Every error carries a short English ``str()`` for logs and a Swedish
``message_sv`` for the user.  ``message_sv`` is ``msgid`` with ``params`` filled
in: the portal translates ``msgid`` and fills in the same values (``texts.N_``
marks every msgid).  The errors never contain PINs, keys or personal identity
numbers, so they are safe to log.
"""
from __future__ import annotations

from typing import Any, Mapping

from . import texts
from .texts import N_


class SithsError(Exception):
    """Base class of every error this package raises on purpose.

    ``code`` is a stable machine-readable identifier (for JSON APIs and audit
    logs); ``message_sv`` is the user-facing Swedish text: ``msgid`` (a text
    marked with ``N_``, ``%(name)s`` for each value) with ``params`` filled in.
    """

    code = "siths_error"
    default_sv = N_("SITHS-kontrollen misslyckades.")

    def __init__(self, message: str = "", *, message_sv: str | None = None,
                 params: Mapping[str, Any] | None = None):
        super().__init__(message or self.__class__.__name__)
        self.msgid = message_sv or self.default_sv
        self.params = dict(params or {})
        self.message_sv = self.msgid % self.params if self.params else self.msgid


class CertificateExpired(SithsError):
    """A certificate in the chain is past its notAfter time."""

    code = "certificate_expired"
    default_sv = N_("Certifikatet har gått ut.")


class CertificateNotYetValid(SithsError):
    """A certificate in the chain is before its notBefore time."""

    code = "certificate_not_yet_valid"
    default_sv = N_("Certifikatet är ännu inte giltigt.")


class UntrustedChain(SithsError):
    """No valid path from the certificate to a configured trust anchor."""

    code = "untrusted_chain"
    default_sv = N_("Certifikatet är inte utfärdat av en betrodd SITHS-utfärdare.")


class WrongKeyUsage(SithsError):
    """The certificate may not be used for the requested purpose."""

    code = "wrong_key_usage"
    default_sv = N_("Certifikatet får inte användas för detta ändamål.")


class CertificateRevoked(SithsError):
    """The certificate (or a CA in its chain) is revoked."""

    code = "certificate_revoked"
    default_sv = N_("Certifikatet är spärrat.")


class RevocationUnknown(SithsError):
    """Revocation status could not be established (fail closed)."""

    code = "revocation_unknown"
    default_sv = N_("Det gick inte att kontrollera om certifikatet är spärrat.")


class BadSignature(SithsError):
    """A signature does not verify, or uses an algorithm we do not accept."""

    code = "bad_signature"
    default_sv = N_("Signaturen är ogiltig.")


class ChallengeInvalid(SithsError):
    """A one-time challenge is unknown, already used or too old."""

    code = "challenge_invalid"
    default_sv = N_("Inloggningsutmaningen är ogiltig eller för gammal. Försök igen.")


class WrongSigner(SithsError):
    """The signature is valid but made by another person than expected."""

    code = "wrong_signer"
    default_sv = N_("Signaturen är gjord med en annan persons SITHS-kort.")


class ReceiptInvalid(SithsError):
    """A signing receipt is malformed or has been altered."""

    code = "receipt_invalid"
    default_sv = N_("Signeringskvittot är ogiltigt eller har ändrats.")


class TokenError(SithsError):
    """The smart card / PKCS#11 token could not be used."""

    code = "token_error"
    default_sv = texts.TOKEN_UNUSABLE


class CardNotPresent(TokenError):
    """The agent requires a card in the reader (PC/SC) and none is there."""

    code = "card_not_present"
    default_sv = texts.INSERT_CARD


class PinIncorrect(TokenError):
    """The PIN given to the token was wrong."""

    code = "pin_incorrect"
    default_sv = texts.PIN_INCORRECT


class PinLocked(TokenError):
    """The PIN is locked after too many wrong tries."""

    code = "pin_locked"
    default_sv = texts.PIN_LOCKED
