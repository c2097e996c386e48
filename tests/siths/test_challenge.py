"""Login: challenge -> token signature (real SoftHSM2) -> verification."""
from __future__ import annotations

import datetime as dt

import pytest

from siths.challenge import (InMemoryChallengeStore, challenge_bytes, consume, new_challenge,
                             verify_signed_challenge)
from siths.errors import BadSignature, ChallengeInvalid, PinIncorrect, WrongKeyUsage
from siths.token import Pkcs11Token

from siths_sim import ANNA, EVA_EC, PIN

NOW = lambda: dt.datetime.now(dt.timezone.utc)  # noqa: E731


@pytest.mark.parametrize("person", [ANNA, EVA_EC], ids=["rsa", "ec-p256"])
def test_login_sign_and_verify(demo_pki, trust_anchors, crl_revocation, person):
    store = InMemoryChallengeStore()
    challenge = new_challenge(store)
    token = Pkcs11Token(demo_pki.module_path, person[0])
    signed = token.sign("authentication", challenge_bytes(challenge), PIN)
    ident = verify_signed_challenge(challenge, signed.signature, signed.chain_pem, trust_anchors,
                                    revocation=crl_revocation, store=store)
    assert ident.hsa_id == person[0]
    assert ident.usage == "authentication"
    assert signed.algorithm == ("ECDSA-P256-SHA256" if person is EVA_EC else "RSA-PKCS1v15-SHA256")


def test_wrong_pin_refused(anna_token):
    with pytest.raises(PinIncorrect) as exc:
        anna_token.sign("authentication", b"x", "000000")
    assert exc.value.message_sv.startswith("Fel PIN-kod")


def test_replayed_challenge_refused(demo_pki, anna_token, trust_anchors, crl_revocation):
    store = InMemoryChallengeStore()
    challenge = new_challenge(store)
    signed = anna_token.sign("authentication", challenge_bytes(challenge), PIN)
    args = (challenge, signed.signature, signed.chain_pem, trust_anchors)
    verify_signed_challenge(*args, revocation=crl_revocation, store=store)
    with pytest.raises(ChallengeInvalid) as exc:
        verify_signed_challenge(*args, revocation=crl_revocation, store=store)
    assert "redan använd" in exc.value.message_sv


def test_stale_and_unknown_challenge_refused(demo_pki, anna_token, trust_anchors, crl_revocation):
    store = InMemoryChallengeStore()
    old = new_challenge(store, now=NOW() - dt.timedelta(minutes=6))
    signed = anna_token.sign("authentication", challenge_bytes(old), PIN)
    with pytest.raises(ChallengeInvalid) as exc:
        verify_signed_challenge(old, signed.signature, signed.chain_pem, trust_anchors,
                                revocation=crl_revocation, store=store)
    assert "för gammal" in exc.value.message_sv
    with pytest.raises(ChallengeInvalid):
        consume(store, "never-issued")
    # A challenge that is 4 minutes old is still fine with the default 5 minutes.
    fresh = new_challenge(store, now=NOW() - dt.timedelta(minutes=4))
    assert consume(store, fresh).value == fresh


def test_signature_over_other_challenge_refused(demo_pki, anna_token, trust_anchors,
                                                crl_revocation):
    store = InMemoryChallengeStore()
    c1, c2 = new_challenge(store), new_challenge(store)
    signed = anna_token.sign("authentication", challenge_bytes(c1), PIN)
    with pytest.raises(BadSignature):
        verify_signed_challenge(c2, signed.signature, signed.chain_pem, trust_anchors,
                                revocation=crl_revocation, store=store)
    # The failed attempt burnt c2: one challenge, one try.
    with pytest.raises(ChallengeInvalid):
        consume(store, c2)


def test_login_with_signing_certificate_refused(demo_pki, anna_token, trust_anchors,
                                                crl_revocation):
    store = InMemoryChallengeStore()
    challenge = new_challenge(store)
    signed = anna_token.sign("signing", challenge_bytes(challenge), PIN)
    with pytest.raises(WrongKeyUsage):
        verify_signed_challenge(challenge, signed.signature, signed.chain_pem, trust_anchors,
                                revocation=crl_revocation, store=store)


def test_token_lists_classified_certificates(anna_token):
    usages = sorted(c.usage for c in anna_token.list_certificates())
    assert usages == ["authentication", "ca", "signing"]
    assert anna_token.certificate_for("signing").to_json()["hsa_id"] == ANNA[0]
