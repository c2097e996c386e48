"""Certificate verification: chain, validity, key usage, CRL and OCSP."""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509

from siths.demo_pki import issue_person_certificate, make_ca, make_crl
from siths.demo_ocsp import make_ocsp_responder
from siths.errors import (CertificateExpired, CertificateNotYetValid, CertificateRevoked,
                          RevocationUnknown, UntrustedChain, WrongKeyUsage)
from siths.pki import verify_certificate
from siths.revocation import RevocationConfig

from siths_sim import ANNA

NOW = lambda: dt.datetime.now(dt.timezone.utc)  # noqa: E731


@pytest.fixture
def anna(demo_pki):
    return demo_pki.identities[ANNA[0]]


def _issue(demo_pki, anna, usage="authentication", ca=None, **kw):
    cert = anna.auth_cert if usage == "authentication" else anna.sign_cert
    return issue_person_certificate(ca or demo_pki.person_ca, cert.public_key(), *ANNA, usage, **kw)


def test_valid_auth_and_signing_certificates(demo_pki, anna, trust_anchors, crl_revocation):
    ident = verify_certificate(anna.auth_cert, [demo_pki.person_ca.cert], trust_anchors,
                               usage="authentication", revocation=crl_revocation)
    assert ident.hsa_id == ANNA[0] and ident.name == "Anna Andersson"
    assert len(ident.chain) == 3
    ident = verify_certificate(anna.sign_cert, [demo_pki.person_ca.cert], trust_anchors,
                               usage="signing", revocation=crl_revocation)
    assert ident.usage == "signing"


def test_expired_refused(demo_pki, anna, trust_anchors, crl_revocation):
    cert = _issue(demo_pki, anna, not_before=NOW() - dt.timedelta(days=400),
                  not_after=NOW() - dt.timedelta(days=1))
    with pytest.raises(CertificateExpired) as exc:
        verify_certificate(cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=crl_revocation)
    assert "gick ut" in exc.value.message_sv


def test_not_yet_valid_refused(demo_pki, anna, trust_anchors, crl_revocation):
    cert = _issue(demo_pki, anna, not_before=NOW() + dt.timedelta(days=2))
    with pytest.raises(CertificateNotYetValid) as exc:
        verify_certificate(cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=crl_revocation)
    assert "giltigt först" in exc.value.message_sv


def test_wrong_ca_refused(demo_pki, anna, trust_anchors, crl_revocation):
    rogue_root = make_ca("BEH DEMO SITHS e-id Root CA v2")  # same name, other key
    rogue = make_ca("BEH DEMO SITHS e-id Person HSA-id 3 CA v1", rogue_root)
    cert = _issue(demo_pki, anna, ca=rogue)
    with pytest.raises(UntrustedChain):
        verify_certificate(cert, [rogue.cert, demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=crl_revocation)


def test_missing_intermediate_refused(demo_pki, anna, trust_anchors, crl_revocation):
    with pytest.raises(UntrustedChain):
        verify_certificate(anna.auth_cert, [], trust_anchors, usage="authentication",
                           revocation=crl_revocation)


def test_wrong_key_usage_refused(demo_pki, anna, trust_anchors, crl_revocation):
    # The signing certificate cannot log in, the authentication one cannot sign.
    with pytest.raises(WrongKeyUsage):
        verify_certificate(anna.sign_cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=crl_revocation)
    with pytest.raises(WrongKeyUsage) as exc:
        verify_certificate(anna.auth_cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="signing", revocation=crl_revocation)
    assert "underskrift" in exc.value.message_sv
    # digitalSignature but an EKU without clientAuth: not for login.
    cert = _issue(demo_pki, anna, eku=[x509.oid.ExtendedKeyUsageOID.EMAIL_PROTECTION])
    with pytest.raises(WrongKeyUsage):
        verify_certificate(cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=crl_revocation)


def test_revoked_by_crl(demo_pki, anna, trust_anchors):
    cert = _issue(demo_pki, anna)
    rev = RevocationConfig(crls=demo_pki.crl_paths)
    verify_certificate(cert, [demo_pki.person_ca.cert], trust_anchors,
                       usage="authentication", revocation=rev)
    demo_pki.revoke(cert)
    with pytest.raises(CertificateRevoked) as exc:
        verify_certificate(cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=RevocationConfig(crls=demo_pki.crl_paths))
    assert exc.value.message_sv == "Certifikatet är spärrat."


def test_crl_from_wrong_ca_or_stale_is_not_evidence(demo_pki, anna, trust_anchors):
    other = make_ca("BEH DEMO SITHS e-id Person HSA-id 3 CA v1")  # same name, other key
    forged = make_crl(other, {})
    root_crl = demo_pki.crl_paths[0]
    with pytest.raises(RevocationUnknown):
        verify_certificate(anna.auth_cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication",
                           revocation=RevocationConfig(crls=[root_crl, forged]))
    stale = make_crl(demo_pki.person_ca, {}, last_update=NOW() - dt.timedelta(days=10),
                     next_update=NOW() - dt.timedelta(days=3))
    with pytest.raises(RevocationUnknown) as exc:
        verify_certificate(anna.auth_cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication",
                           revocation=RevocationConfig(crls=[root_crl, stale]))
    assert "spärrat" in exc.value.message_sv


def test_fail_closed_without_status_and_fail_open_when_asked(demo_pki, anna, trust_anchors):
    with pytest.raises(RevocationUnknown):
        verify_certificate(anna.auth_cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=RevocationConfig())
    ident = verify_certificate(anna.auth_cert, [demo_pki.person_ca.cert], trust_anchors,
                               usage="authentication", revocation=RevocationConfig(fail_open=True))
    assert ident.hsa_id == ANNA[0]


def test_ocsp_good_and_revoked(demo_pki, anna, trust_anchors):
    cert = _issue(demo_pki, anna)
    revoked: dict = {}
    responder = make_ocsp_responder(demo_pki.person_ca, [cert, anna.auth_cert], revoked)
    # Root CRL covers the person CA; the leaf has no CRL here, so OCSP is asked.
    rev = RevocationConfig(crls=[demo_pki.crl_paths[0]], ocsp_fetcher=responder)
    verify_certificate(cert, [demo_pki.person_ca.cert], trust_anchors,
                       usage="authentication", revocation=rev)
    revoked[cert.serial_number] = NOW() - dt.timedelta(minutes=2)
    with pytest.raises(CertificateRevoked):
        verify_certificate(cert, [demo_pki.person_ca.cert], trust_anchors,
                           usage="authentication", revocation=rev)


def test_ocsp_bad_responses_are_unknown(demo_pki, anna, trust_anchors):
    forger = make_ca("BEH DEMO SITHS e-id Person HSA-id 3 CA v1")
    wrong_signer = make_ocsp_responder(demo_pki.person_ca, [anna.auth_cert], signer=forger)
    for fetcher in (wrong_signer, lambda der: b"garbage", lambda der: 1 / 0,
                    make_ocsp_responder(demo_pki.person_ca, [])):  # UNAUTHORIZED
        rev = RevocationConfig(crls=[demo_pki.crl_paths[0]], ocsp_fetcher=fetcher)
        with pytest.raises(RevocationUnknown):
            verify_certificate(anna.auth_cert, [demo_pki.person_ca.cert], trust_anchors,
                               usage="authentication", revocation=rev)
