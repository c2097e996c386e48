"""Signed attest documents and receipts (real SoftHSM2 signatures)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from siths.document import canonical_document, parse_canonical_document
from siths.errors import (BadSignature, CertificateExpired, ReceiptInvalid, SithsError,
                          WrongSigner)
from siths.receipt import build_receipt, verify_receipt, verify_signed_document
from siths.token import Pkcs11Token

from siths_sim import ANNA, BO, EVA_EC, PIN

DOC = {"ordernummer": "c4164361", "beslut": "attesterad", "attestant": ANNA[0],
       "rader": [{"system": "Melior", "typ": "Nyupplägg", "slutanvändare": "Åsa Öberg"},
                 {"system": "NPÖ", "typ": "Avslut"}]}


def test_canonical_document_is_deterministic():
    a = canonical_document(DOC)
    b = canonical_document(json.loads(json.dumps(DOC, sort_keys=False, indent=3)))
    assert a == b
    assert b" " not in a.replace(b"\xc3\x85sa \xc3\x96berg", b"")  # only the value has spaces
    assert "Åsa".encode() in a and b"\\u" not in a
    assert parse_canonical_document(a) == DOC
    # NFC: a decomposed "Å" gives the same bytes as a composed one.
    assert canonical_document({"n": "A\u030asa"}) == canonical_document({"n": "\u00c5sa"})
    with pytest.raises(TypeError):
        canonical_document({"amount": 1.5})
    with pytest.raises(ValueError):
        parse_canonical_document(b'{"b":1, "a":2}')


@pytest.fixture(scope="module")
def anna_signed(demo_pki):
    doc = canonical_document(DOC)
    signed = Pkcs11Token(demo_pki.module_path, ANNA[0]).sign("signing", doc, PIN)
    return doc, signed


def test_signed_document_verifies(anna_signed, trust_anchors, crl_revocation):
    doc, signed = anna_signed
    ident = verify_signed_document(DOC, signed.signature, signed.chain_pem, trust_anchors,
                                   revocation=crl_revocation, expected_hsa_id=ANNA[0])
    assert ident.hsa_id == ANNA[0] and ident.usage == "signing"


def test_document_differing_in_one_line_refused(anna_signed, trust_anchors, crl_revocation):
    doc, signed = anna_signed
    changed = json.loads(json.dumps(DOC))
    changed["rader"][1]["typ"] = "Nyupplägg"
    with pytest.raises(BadSignature):
        verify_signed_document(changed, signed.signature, signed.chain_pem, trust_anchors,
                               revocation=crl_revocation)


def test_other_persons_signing_card_detected(demo_pki, trust_anchors, crl_revocation):
    doc = canonical_document(DOC)  # names Anna as attestant, but Bo's card signs
    signed = Pkcs11Token(demo_pki.module_path, BO[0]).sign("signing", doc, PIN)
    ident = verify_signed_document(doc, signed.signature, signed.chain_pem, trust_anchors,
                                   revocation=crl_revocation)
    assert ident.hsa_id == BO[0] != ANNA[0]  # the caller compares ...
    with pytest.raises(WrongSigner):         # ... or lets us do it
        verify_signed_document(doc, signed.signature, signed.chain_pem, trust_anchors,
                               revocation=crl_revocation, expected_hsa_id=ANNA[0])


@pytest.fixture(scope="module")
def receipt(anna_signed):
    doc, signed = anna_signed
    return build_receipt(doc, signed.signature, signed.chain_pem)


def test_receipt_verifies(receipt, demo_pki, trust_anchors):
    result = verify_receipt(receipt, trust_anchors)
    assert (result.hsa_id, result.name) == (ANNA[0], "Anna Andersson")
    assert result.document == DOC
    assert abs(result.signed_at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)
    with open(demo_pki.root_pem_path, "rb") as fh:  # PEM bytes work too
        assert verify_receipt(receipt, fh.read()).hsa_id == ANNA[0]


def test_ec_receipt_verifies(demo_pki, trust_anchors):
    doc = canonical_document(DOC)
    signed = Pkcs11Token(demo_pki.module_path, EVA_EC[0]).sign("signing", doc, PIN)
    result = verify_receipt(build_receipt(doc, signed.signature, signed.chain_pem), trust_anchors)
    assert result.algorithm == "ECDSA-P256-SHA256" and result.hsa_id == EVA_EC[0]


def test_every_changed_byte_fails(receipt, trust_anchors):
    # Flip one bit in every single byte position: each variant must be refused.
    for i in range(len(receipt)):
        bad = receipt[:i] + bytes([receipt[i] ^ 0x01]) + receipt[i + 1:]
        with pytest.raises(SithsError):
            verify_receipt(bad, trust_anchors)
    with pytest.raises(ReceiptInvalid):
        verify_receipt(receipt + b"\n", trust_anchors)


def test_receipt_checked_at_signing_time(receipt, trust_anchors):
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=6 * 365)
    with pytest.raises(CertificateExpired):
        verify_receipt(receipt, trust_anchors, at=later)


def test_cli_verify(receipt, demo_pki, tmp_path):
    path = tmp_path / "kvitto.json"
    path.write_bytes(receipt)
    cmd = [sys.executable, "-m", "siths.cli", "verify", str(path), "--trust", demo_pki.root_pem_path]
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ANNA[0] in ok.stdout and "giltigt" in ok.stdout and "c4164361" in ok.stdout
    bad = bytearray(receipt)
    bad[receipt.index(b"signature_b64") + 20] ^= 0x02
    path.write_bytes(bytes(bad))
    fail = subprocess.run(cmd, capture_output=True, text=True)
    assert fail.returncode == 1 and "OGILTIGT" in fail.stderr
    missing = subprocess.run(cmd[:-1] + [str(tmp_path / "no-such-ca.pem")], capture_output=True)
    assert missing.returncode == 2
