"""Logga in Med TjänsteId+ over HTTP: a challenge from the portal, signed on a
real PKCS#11 token (SoftHSM2) by the real agent on loopback, verified by the
portal; and the refusals: wrong PIN, bad certificates, replayed or stale
challenges, unknown HSA-ID, mTLS header from a non-proxy address."""
from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import func, select, update

from beh_core.models import AuditEvent
from beh_core.models.signing import SithsChallenge, SithsSession
from helpers import Browser, text_of
from siths_portal import (agent_call, backdate, card_login, get_challenge, logged_in_as, post_login,
                          siths_config)
from siths_sim import ANNA, BO, PIN

JOHAN = "Johan Ekström (johek1)"


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki, TRUSTED_PROXIES=["127.0.0.1"],
                        CLIENT_CERT_HEADER="X-SSL-Client-Cert")


def pem(*certs) -> str:
    return "".join(c.public_bytes(Encoding.PEM).decode() for c in certs)


def token_sign(label: str, usage: str, data: bytes) -> str:
    """Sign on the SoftHSM token directly (for certificates the card does not hold)."""
    from siths.token import Pkcs11Token
    from siths_fixtures import SOFTHSM_MODULE

    return base64.b64encode(Pkcs11Token(SOFTHSM_MODULE, label).sign(usage, data, PIN).signature).decode()


def login_with_certificate(browser, cert, *, key_label=BO[0], usage="authentication", chain=()):
    """A challenge signed by ``key_label``'s ``usage`` key, presented with ``cert``."""
    got = get_challenge(browser)
    signature = token_sign(key_label, usage, base64.b64decode(got["data_b64"]))
    return post_login(browser, got["challenge"], signature, pem(cert, *chain))


def logout(browser) -> None:
    """Logga ut from the start page (the form carries the session's CSRF token)."""
    browser.get("/")
    assert browser.post("/logout").status_code == 302


def refused(browser, response, message: str) -> None:
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert message in text_of(browser.get(response.headers["Location"]))
    assert logged_in_as(browser) is None


def test_login_page_med_tjanstesid(region, card_holders, browser):
    page = text_of(browser.get("/login"))
    assert "Med TjänsteId+" in page and "Kontrollera att kortet sitter i" in page
    assert 'id="siths-login"' in page and ">Logga in</button>" in page
    assert "siths.js" in page and 'data-agent="http://127.0.0.1:8765"' in page


def test_login_works_over_http_with_a_token_signed_challenge(region, card_holders, browser,
                                                             start_agent, db):
    agent = start_agent(BO[0])
    response, got, _ = card_login(browser, agent)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert logged_in_as(browser) == JOHAN
    db.expire_all()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert event.details["method"] == "siths" and event.object_id == "johek1"
    row = db.scalar(select(SithsSession))
    assert row.method == "challenge" and row.ended_at is None
    assert db.scalar(select(SithsChallenge.used).where(SithsChallenge.value == got["challenge"]))


def test_ec_card_logs_in_as_its_holder(region, card_holders, browser, start_agent):
    from siths_sim import EVA_EC

    card_login(browser, start_agent(EVA_EC[0]))
    assert logged_in_as(browser) == "Per Wikström (perwi1)"


def test_wrong_pin_is_refused_and_nothing_is_signed(region, card_holders, browser, start_agent):
    agent = start_agent(BO[0], pin="999999")
    got = get_challenge(browser)
    status, body = agent_call(agent, "POST", "/sign", {"usage": "authentication",
                                                        "data_b64": got["data_b64"]})
    assert status == 401 and body["error"] == "pin_incorrect" and "Fel PIN-kod" in body["message_sv"]
    refused(browser, post_login(browser, got["challenge"], "", ""), "Signaturen är ogiltig")


def _bo_cert(pki, **kwargs):
    from siths.demo_pki import issue_person_certificate

    bo = pki.identities[BO[0]]
    return issue_person_certificate(pki.person_ca, bo.auth_cert.public_key(), *BO,
                                    kwargs.pop("usage", "authentication"), **kwargs)


def test_expired_and_not_yet_valid_certificates_are_refused(region, card_holders, browser, demo_pki):
    now = dt.datetime.now(dt.timezone.utc)
    expired = _bo_cert(demo_pki, not_before=now - dt.timedelta(days=30),
                       not_after=now - dt.timedelta(days=1))
    refused(browser, login_with_certificate(browser, expired, chain=[demo_pki.person_ca.cert]),
            "Certifikatet gick ut")
    future = _bo_cert(demo_pki, not_before=now + dt.timedelta(days=1))
    refused(browser, login_with_certificate(browser, future, chain=[demo_pki.person_ca.cert]),
            "Certifikatet är giltigt först från")


def test_in_english_the_refusal_is_english_with_the_certificates_date(region, card_holders, browser, demo_pki):
    """The page in English: SITHS's refusal in English, its values (the date) filled in as in Swedish."""
    browser.get("/login?lang=en")
    now = dt.datetime.now(dt.timezone.utc)
    expired = _bo_cert(demo_pki, not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1))
    response = login_with_certificate(browser, expired, chain=[demo_pki.person_ca.cert])
    page = text_of(browser.get(response.headers["Location"]))
    assert f"The certificate expired {expired.not_valid_after_utc:%Y-%m-%d %H:%M} UTC." in page
    assert "gick ut" not in page


def test_the_login_page_gives_the_script_its_texts_in_english(region, card_holders, browser):
    """siths.js and the agent speak Swedish; in English the form carries the translations, in Swedish none."""
    def texts(page: str) -> dict:
        return json.loads(html.unescape(re.search(r"data-texts='([^']*)'", page).group(1)))

    assert texts(text_of(browser.get("/login"))) == {}
    english = texts(text_of(browser.get("/login?lang=en")))
    assert english["Loggar in …"] == "Logging in …"
    assert english["Fel PIN-kod. Försök igen."] == "Wrong PIN. Please try again."  # the agent's answer
    assert english["Sätt i SITHS-kortet i kortläsaren."] == "Insert the SITHS card in the card reader."


def test_certificate_from_another_ca_is_refused(region, card_holders, browser, demo_pki):
    from siths.demo_pki import NAME_PREFIX, make_ca

    # Same CA names as the real demo CAs, other keys: a forged look-alike chain.
    fake_root = make_ca(f"{NAME_PREFIX} Root CA v2")
    fake_ca = make_ca(f"{NAME_PREFIX} Person HSA-id 3 CA v1", fake_root)
    from siths.demo_pki import issue_person_certificate

    cert = issue_person_certificate(fake_ca, demo_pki.identities[BO[0]].auth_cert.public_key(),
                                    *BO, "authentication")
    refused(browser, login_with_certificate(browser, cert, chain=[fake_ca.cert, fake_root.cert]),
            "inte utfärdat av en betrodd SITHS-utfärdare")


def test_wrong_key_usage_is_refused(region, card_holders, browser, demo_pki):
    # The signing certificate (nonRepudiation) and its key cannot log in.
    bo = demo_pki.identities[BO[0]]
    refused(browser, login_with_certificate(browser, bo.sign_cert, usage="signing",
                                            chain=[demo_pki.person_ca.cert]),
            "inte ett legitimeringscertifikat")
    # An authentication-looking certificate whose EKU lacks clientAuth.
    from cryptography.x509.oid import ExtendedKeyUsageOID

    cert = _bo_cert(demo_pki, eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION])
    refused(browser, login_with_certificate(browser, cert, chain=[demo_pki.person_ca.cert]),
            "får inte användas för inloggning")


def test_revoked_certificate_is_refused_by_crl(app, region, card_holders, browser, demo_pki, tmp_path):
    from siths.demo_pki import write_crl

    cert = _bo_cert(demo_pki)
    crl = tmp_path / "person-ca.crl.pem"
    write_crl(demo_pki.person_ca, {cert.serial_number: dt.datetime.now(dt.timezone.utc)
                                   - dt.timedelta(minutes=5)}, str(crl))
    app.config["SITHS_CRL_FILES"] = [demo_pki.crl_paths[0], str(crl)]
    refused(browser, login_with_certificate(browser, cert, chain=[demo_pki.person_ca.cert]),
            "Certifikatet är spärrat")


class _OcspServer:
    """The demo OCSP responder behind real HTTP on loopback (SITHS_OCSP_URL)."""

    def __init__(self, responder):
        def handler_factory(*args):
            return _OcspHandler(responder, *args)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_factory)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ocsp"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _OcspHandler(BaseHTTPRequestHandler):
    def __init__(self, responder, *args):
        self.responder = responder
        super().__init__(*args)

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = self.responder(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def test_revocation_by_ocsp_and_fail_closed(app, region, card_holders, browser, demo_pki):
    from siths.demo_ocsp import make_ocsp_responder

    good, bad = _bo_cert(demo_pki), _bo_cert(demo_pki)
    revoked = {bad.serial_number: dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)}
    ocsp = _OcspServer(make_ocsp_responder(demo_pki.person_ca, [good, bad], revoked))
    try:
        # Only the root's CRL: the person CA's certificates need OCSP.
        app.config.update(SITHS_CRL_FILES=[demo_pki.crl_paths[0]], SITHS_OCSP_URL=ocsp.url)
        refused(browser, login_with_certificate(browser, bad, chain=[demo_pki.person_ca.cert]),
                "Certifikatet är spärrat")
        ok = login_with_certificate(browser, good, chain=[demo_pki.person_ca.cert])
        assert ok.status_code == 302 and logged_in_as(browser) == JOHAN
    finally:
        ocsp.close()
    logout(browser)
    # No CRL and no OCSP answer: fail closed ...
    app.config.update(SITHS_OCSP_URL="http://127.0.0.1:9/ocsp")
    refused(browser, login_with_certificate(browser, good, chain=[demo_pki.person_ca.cert]),
            "Det gick inte att kontrollera om certifikatet är spärrat")
    # ... unless someone has configured fail-open.
    app.config.update(SITHS_REVOCATION_FAIL_OPEN=True)
    assert login_with_certificate(browser, good, chain=[demo_pki.person_ca.cert]).status_code == 302
    assert logged_in_as(browser) == JOHAN


def test_replayed_challenge_is_refused(region, card_holders, browser, start_agent, app):
    response, got, signed = card_login(browser, start_agent(BO[0]))
    assert logged_in_as(browser) == JOHAN
    other = Browser(app.test_client())  # someone who captured the login request
    refused(other, post_login(other, got["challenge"], signed["signature_b64"],
                              signed["certificate_chain_pem"]), "redan använd")


def test_stale_or_unknown_challenge_is_refused(region, card_holders, browser, start_agent, db):
    from siths_portal import agent_sign

    agent = start_agent(BO[0])
    got = get_challenge(browser)
    signed = agent_sign(agent, "authentication", got["data_b64"])
    backdate(db, SithsChallenge, "created_at", "value", got["challenge"], 6 * 60)
    refused(browser, post_login(browser, got["challenge"], signed["signature_b64"],
                                signed["certificate_chain_pem"]), "för gammal")
    # A challenge the portal never issued (made up by the page) is refused too.
    data = b"made-up-challenge"
    made_up = agent_sign(agent, "authentication", base64.b64encode(data).decode())
    refused(browser, post_login(browser, "made-up-challenge", made_up["signature_b64"],
                                made_up["certificate_chain_pem"]), "Okänd inloggningsutmaning")


def test_hsa_id_not_in_the_directory_is_refused(region, card_holders, browser, start_agent, db):
    refused(browser, card_login(browser, start_agent(ANNA[0]))[0], "finns inte i katalogen")
    db.expire_all()
    assert db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "login")) == 0


def test_login_signature_over_another_challenge_is_refused(region, card_holders, browser, start_agent):
    from siths_portal import agent_sign

    agent = start_agent(BO[0])
    first, second = get_challenge(browser), get_challenge(browser)
    signed = agent_sign(agent, "authentication", first["data_b64"])
    refused(browser, post_login(browser, second["challenge"], signed["signature_b64"],
                                signed["certificate_chain_pem"]), "Signaturen stämmer inte")


def test_mtls_header_only_from_a_trusted_proxy(region, card_holders, browser, demo_pki):
    header = {"X-SSL-Client-Cert": quote(pem(demo_pki.identities[BO[0]].auth_cert))}
    outsider = {"REMOTE_ADDR": "203.0.113.9"}
    page = text_of(browser.get("/login", headers=header, environ_base=outsider))
    assert "Logga in med kortets certifikat" not in page
    response = browser.post("/siths/login/certifikat", headers=header, environ_base=outsider)
    refused(browser, response, "Inget klientcertifikat")
    # From the proxy (127.0.0.1) the same header logs in; the proxy sent only the
    # leaf, the issuing CA comes from SITHS_INTERMEDIATES.
    browser.client.application.config["SITHS_INTERMEDIATES"] = [demo_pki.chain_pem_path]
    assert "Logga in med kortets certifikat" in text_of(browser.get("/login", headers=header))
    response = browser.post("/siths/login/certifikat", headers=header)
    assert response.status_code == 302 and logged_in_as(browser) == JOHAN


def test_mtls_certificate_is_checked_like_any_other(region, card_holders, browser, demo_pki):
    browser.client.application.config["SITHS_INTERMEDIATES"] = [demo_pki.chain_pem_path]
    signing_cert = demo_pki.identities[BO[0]].sign_cert
    response = browser.post("/siths/login/certifikat",
                            headers={"X-SSL-Client-Cert": quote(pem(signing_cert))})
    refused(browser, response, "inte ett legitimeringscertifikat")


def test_ended_card_session_is_refused_even_with_the_old_cookie(region, card_holders, browser,
                                                                 start_agent, db):
    card_login(browser, start_agent(BO[0]))
    assert logged_in_as(browser) == JOHAN
    cookie = browser.client.get_cookie("session").value
    logout(browser)
    assert logged_in_as(browser) is None
    browser.client.set_cookie("session", cookie)  # a copied cookie from before the logout
    assert logged_in_as(browser) is None
    db.expire_all()
    assert db.scalar(select(SithsSession.end_reason)) == "logout"


def test_demo_login_is_only_a_fallback_that_can_be_switched_off(region, browser, app):
    app.config["DEMO_LOGIN"] = False
    assert "Demoinloggning" not in text_of(browser.get("/login"))
    assert browser.post("/login/demo", {"vgr_id": "johek1"}).status_code == 404


def test_certificate_parse_helpers_reject_garbage(region, card_holders, browser):
    got = get_challenge(browser)
    refused(browser, post_login(browser, got["challenge"], base64.b64encode(b"x" * 256).decode(),
                                "not a certificate"), "Certifikatkedjan saknas")


# ---- logout and card removal: the end of the card session and its audit row are one transaction

def logout_events(db) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == "logout")))


def fail_logout_audit(monkeypatch):
    """Make writing the ``logout`` audit row fail (the audit store is down)."""
    from beh_core import audit

    real = audit.record

    def failing(session, actor, action, *args, **details):
        if action == "logout":
            raise RuntimeError("audit store down")
        return real(session, actor, action, *args, **details)

    monkeypatch.setattr(audit, "record", failing)


def test_logout_is_audited_with_the_end_of_the_card_session(region, card_holders, browser,
                                                            start_agent, db):
    card_login(browser, start_agent(BO[0]))
    logout(browser)
    assert logged_in_as(browser) is None
    [event] = logout_events(db)
    assert event.object_id == "johek1" and event.details == {"reason": "logout"}
    row = db.scalar(select(SithsSession))
    assert row.ended_at is not None and row.end_reason == "logout"


def test_logout_without_a_card_session_is_audited_too(region, login, db):
    browser = login("sarbe1")
    logout(browser)
    assert logged_in_as(browser) is None
    [event] = logout_events(db)
    assert event.object_id == "sarbe1" and event.details == {"reason": "logout"}
    # Every login has a server-side session record (issue 8); this one has no card behind it.
    [row] = db.scalars(select(SithsSession)).all()
    assert row.method == "demo" and row.certificate_sha256 is None and row.end_reason == "logout"


def test_logout_ends_the_card_session_only_with_its_audit_row(region, card_holders, browser,
                                                              start_agent, db, monkeypatch):
    card_login(browser, start_agent(BO[0]))
    browser.get("/")
    with monkeypatch.context() as m:
        fail_logout_audit(m)
        with pytest.raises(RuntimeError, match="audit store down"):
            browser.post("/logout")
    db.expire_all()
    assert db.scalar(select(SithsSession.ended_at)) is None  # rolled back with the audit row
    assert logout_events(db) == []
    assert logged_in_as(browser) == JOHAN  # still logged in; the card watch goes on
    logout(browser)
    assert len(logout_events(db)) == 1 and db.scalar(select(SithsSession.end_reason)) == "logout"


def card_removed_post(browser, **form):
    browser.get("/")  # a page of the card session, with its CSRF token (like siths.js)
    return browser.client.post("/siths/kort-borttaget", data=form,
                               headers={"X-CSRFToken": browser.token, "Accept": "application/json"})


def test_card_removal_ends_the_session_with_one_audit_row(region, card_holders, browser,
                                                          start_agent, db, monkeypatch):
    card_login(browser, start_agent(BO[0]))
    with monkeypatch.context() as m:
        fail_logout_audit(m)
        with pytest.raises(RuntimeError, match="audit store down"):
            card_removed_post(browser)
    db.expire_all()
    assert db.scalar(select(SithsSession.ended_at)) is None and logout_events(db) == []
    assert logged_in_as(browser) == JOHAN

    response = card_removed_post(browser)
    assert response.status_code == 200 and "kort=borttaget" in response.get_json()["redirect"]
    assert logged_in_as(browser) is None
    [event] = logout_events(db)
    assert event.details == {"reason": "card_removed"} and event.object_id == "johek1"
    assert db.scalar(select(SithsSession.end_reason)) == "card_removed"


def test_the_login_page_says_why_whichever_page_the_browser_goes_to_next(region, card_holders, browser,
                                                                        start_agent, db):
    """The page that saw the card go may be leaving for another page at that moment (an attest page
    moving on after signing): the next login page says why, without the redirect's kort=, and only once;
    so does a request that still carried the cookie from before (another tab, a navigation in flight)."""
    said = "Du har loggats ut eftersom SITHS-kortet togs ur kortläsaren."
    card_login(browser, start_agent(BO[0]))
    browser.get("/")
    old_cookie = browser.client.get_cookie("session").value
    assert card_removed_post(browser).status_code == 200
    landed = browser.client.get("/attest/")  # not the redirect siths.js was given
    assert landed.status_code == 302 and "kort=" not in landed.headers["Location"]
    assert text_of(browser.get(landed.headers["Location"])).count(said) == 1
    assert said not in text_of(browser.get("/login"))  # said once

    browser.client.set_cookie("session", old_cookie)  # the request that left before the card did
    refused_old = browser.client.get("/attest/")
    assert refused_old.status_code == 302 and "/login" in refused_old.headers["Location"]
    assert text_of(browser.get(refused_old.headers["Location"])).count(said) == 1
    assert len(logout_events(db)) == 1  # one logout, however many pages learn of it


def test_lost_agent_ends_the_session_with_its_reason(region, card_holders, browser, start_agent, db):
    card_login(browser, start_agent(BO[0]))
    response = card_removed_post(browser, reason="agent_unreachable")
    assert response.status_code == 200
    target = response.get_json()["redirect"]
    assert "kort=agent" in target and logged_in_as(browser) is None
    assert "kortläsaren eller BEH:s kortagent slutade svara" in text_of(browser.get(target))
    [event] = logout_events(db)
    assert event.details == {"reason": "agent_unreachable"}
    assert db.scalar(select(SithsSession.end_reason)) == "agent_unreachable"


def test_other_logout_paths_still_end_the_card_session(app, region, card_holders, browser,
                                                       start_agent, db):
    """The safety net: a logout_user() that does not end the card session itself."""

    from beh_core.views.siths import _on_logout

    card_login(browser, start_agent(BO[0]))
    cookie = browser.client.get_cookie("session").value
    with app.test_request_context("/"):
        from flask import session

        # The signed cookie's session contents, as a request would see them.
        iface = app.session_interface
        data = iface.get_signing_serializer(app).loads(cookie)
        session.update(data)
        from beh_core.db import get_session
        from beh_core.models import Person

        person = get_session().scalar(select(Person).where(Person.vgr_id == "johek1"))
        _on_logout(app, user=person)
        assert "sid" not in session
    [event] = logout_events(db)
    assert event.details == {"reason": "logout"} and event.object_id == "johek1"
    assert db.scalar(select(SithsSession.end_reason)) == "logout"
    browser.client.set_cookie("session", cookie)
    assert logged_in_as(browser) is None  # the copied cookie is worthless


def test_ett_kort_för_en_person_som_slutat_ger_ingen_inloggning(region, card_holders, browser, start_agent, db):
    """The card is valid, but the directory sync marked its holder inactive: refused, nothing logged in."""
    from beh_core.models import Person

    region.execute(update(Person).where(Person.vgr_id == "johek1").values(active=False))
    region.commit()
    refused(browser, card_login(browser, start_agent(BO[0]))[0], "finns inte längre som aktiv i katalogen")
    db.expire_all()
    assert db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "login")) == 0
