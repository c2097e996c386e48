"""Signed attest (manual 000, "Granskning och signering av beställning"):
Godkänn/Avslå opens "Signering av beställning c…"; the decision is recorded
only with a valid signature by the logged-in attestant's signing certificate,
in one transaction with the signature; otherwise nothing is recorded."""
from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from beh_core import create_app
from beh_core.models import AuditEvent, Order, OrderStatus
from beh_core.models.signing import AttestSignature, AttestSigningRequest
from helpers import make_config, text_of
from siths_portal import agent_sign, backdate, card_login, open_signing, signed_attest, siths_config
from siths_sim import BO, EVA_EC

from siths import parse_canonical_document, verify_receipt


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki)


@pytest.fixture
def johan(browser, start_agent, card_holders):
    """johek1 logged in with his card; returns (browser, his agent)."""
    agent = start_agent(BO[0])
    card_login(browser, agent)
    browser.get("/")
    return browser, agent


def nothing_recorded(db, order) -> None:
    """The order still waits for attest and no decision, signature or audit event exists."""
    db.expire_all()
    assert db.get(Order, order.id).status == OrderStatus.VANTAR_PA_ATTEST.value
    assert db.get(Order, order.id).decided_at is None
    assert db.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(["order.approved", "order.rejected"]))) == 0
    assert db.scalar(select(func.count(AttestSignature.id))) == 0


def refusals(db) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == "attest.signature_refused")))


def refused_once(db, order, reason: str) -> None:
    """Exactly one audit event for the refused try, with its reason code; the nonce is used."""
    events = refusals(db)
    assert len(events) == 1, [e.details for e in events]
    event = events[0]
    assert event.details["reason"] == reason and event.object_id == order.number
    assert event.actor_id == order.attestant_id
    pnr = order.end_user.personnummer
    assert pnr is None or pnr not in json.dumps(event.details)
    request = db.get(AttestSigningRequest, event.details["signing_request_id"])
    assert request.used_at is not None and request.order_id == order.id


def post_signature(browser, url, signed):
    return browser.post(url, {"signature_b64": signed["signature_b64"],
                              "certificate_chain_pem": signed["certificate_chain_pem"]})


def test_godkann_opens_the_signing_window_and_signing_records_the_decision(johan, attest_order, db,
                                                                            trust_anchors):
    browser, agent = johan
    url, page, doc_b64 = open_signing(browser, attest_order.number)
    for text in (f"Signering av beställning {attest_order.number}", "Signera beställning",
                 "Tänk på att använda PIN-koden för Underskrift/Signering",
                 "Slutenvårdsdos (SLVD)", "Roll: VGR;SLVD_Farmaceut", "Flexlab", "Beslut: Godkänn"):
        assert text in page
    nothing_recorded(db, attest_order)  # opening the window records nothing

    signed = agent_sign(agent, "signing", doc_b64)
    done = post_signature(browser, url, signed)
    assert done.status_code == 302, text_of(done)
    result = text_of(browser.get(done.headers["Location"]))
    assert "Nu är signeringen klar" in result and "Stäng fönster" in result

    db.expire_all()
    order = db.get(Order, attest_order.id)
    assert order.status != OrderStatus.VANTAR_PA_ATTEST.value and order.decided_at
    row = db.scalar(select(AttestSignature))
    assert row.signer_hsa_id == BO[0] and row.approve and row.document == base64.b64decode(doc_b64)
    assert row.signature == base64.b64decode(signed["signature_b64"])
    assert "BEGIN CERTIFICATE" in row.certificate_chain_pem
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "order.approved"))
    assert event.details["signature_id"] == row.id
    fields = parse_canonical_document(row.document)
    assert fields["ordernummer"] == order.number and fields["beslut"] == "godkänd"
    assert fields["attestant_hsa_id"] == BO[0] and fields["startdatum"] == order.start_date.isoformat()
    assert [r["namn"] for r in fields["rader"]] == ["Slutenvårdsdos (SLVD)", "Flexlab"]
    assert fields["rader"][0]["uppgifter"] == {"roll": "VGR;SLVD_Farmaceut"}
    assert fields["nonce"] and fields["tidpunkt"].endswith("Z")
    assert verify_receipt(row.receipt, trust_anchors).hsa_id == BO[0]


def test_avsla_with_comment_signs_the_rejection(johan, attest_order, db):
    browser, agent = johan
    missing = browser.post(f"/attest/{attest_order.number}", {"action": "reject", "comment": ""})
    assert missing.status_code == 200 and "Ange en kommentar vid avslag." in text_of(missing)
    done = signed_attest(browser, agent, attest_order.number, "reject", "Behövs inte i tjänsten.")
    assert done.status_code == 302, text_of(done)
    db.expire_all()
    assert db.get(Order, attest_order.id).status == OrderStatus.AVSLAGEN.value
    fields = parse_canonical_document(db.scalar(select(AttestSignature.document)))
    assert fields["beslut"] == "avslagen" and fields["kommentar"] == "Behövs inte i tjänsten."


def test_the_document_holds_the_lines_as_approved_after_removals(johan, attest_order, db):
    browser, agent = johan
    flexlab = next(line for line in attest_order.lines if line.item_name == "Flexlab")
    browser.get(f"/attest/{attest_order.number}")
    assert browser.post(f"/attest/{attest_order.number}",
                        {"action": "remove", "line": flexlab.id}).status_code == 302
    url, page, doc_b64 = open_signing(browser, attest_order.number)
    assert "Flexlab" not in page
    fields = parse_canonical_document(base64.b64decode(doc_b64))
    assert [r["namn"] for r in fields["rader"]] == ["Slutenvårdsdos (SLVD)"]
    assert post_signature(browser, url, agent_sign(agent, "signing", doc_b64)).status_code == 302


def test_a_signature_over_a_document_differing_in_one_line_is_refused(johan, attest_order, db):
    browser, agent = johan
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    fields = parse_canonical_document(base64.b64decode(doc_b64))
    fields["rader"][1]["namn"] = "Flexlab Admin"  # one line differs
    from siths import canonical_document

    other = base64.b64encode(canonical_document(fields)).decode()
    refused = post_signature(browser, url, agent_sign(agent, "signing", other))
    assert refused.status_code == 400 and "Signaturen stämmer inte med innehållet" in text_of(refused)
    nothing_recorded(db, attest_order)
    refused_once(db, attest_order, "bad_signature")


def test_in_english_the_refused_signature_says_why_in_english(johan, attest_order, db):
    browser, agent = johan
    browser.get("/?lang=en")
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    refused = post_signature(browser, url, agent_sign(agent, "authentication", doc_b64))
    assert refused.status_code == 400
    assert "The certificate is not a signing certificate." in text_of(refused)
    assert "underskriftscertifikat" not in text_of(refused)
    nothing_recorded(db, attest_order)


def test_another_persons_signing_certificate_is_refused(johan, attest_order, db, start_agent):
    browser, _ = johan
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    eva = start_agent(EVA_EC[0])  # perwi1's card, valid, but not Johan's
    refused = post_signature(browser, url, agent_sign(eva, "signing", doc_b64))
    assert refused.status_code == 400 and "annan persons SITHS-kort" in text_of(refused)
    nothing_recorded(db, attest_order)
    refused_once(db, attest_order, "wrong_signer")


def test_the_authentication_certificate_cannot_sign_an_attest(johan, attest_order, db):
    browser, agent = johan
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    refused = post_signature(browser, url, agent_sign(agent, "authentication", doc_b64))
    assert refused.status_code == 400 and "inte ett underskriftscertifikat" in text_of(refused)
    nothing_recorded(db, attest_order)
    refused_once(db, attest_order, "wrong_key_usage")


def test_a_revoked_signing_certificate_is_refused(app, johan, attest_order, db, demo_pki, tmp_path):
    from siths.demo_pki import write_crl

    browser, agent = johan
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    crl = tmp_path / "person.crl.pem"
    bo_sign = demo_pki.identities[BO[0]].sign_cert
    write_crl(demo_pki.person_ca, {bo_sign.serial_number: dt.datetime.now(dt.timezone.utc)
                                   - dt.timedelta(minutes=1)}, str(crl))
    app.config["SITHS_CRL_FILES"] = [demo_pki.crl_paths[0], str(crl)]
    refused = post_signature(browser, url, agent_sign(agent, "signing", doc_b64))
    assert refused.status_code == 400 and "Certifikatet är spärrat" in text_of(refused)
    nothing_recorded(db, attest_order)
    refused_once(db, attest_order, "certificate_revoked")


def test_an_attest_without_a_valid_signature_records_nothing(johan, attest_order, db):
    browser, agent = johan
    # Godkänn alone records nothing: it only opens the signing window.
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    nothing_recorded(db, attest_order)
    empty = browser.post(url, {"signature_b64": "", "certificate_chain_pem": ""})
    assert empty.status_code == 400 and "Signaturen är ogiltig" in text_of(empty)
    nothing_recorded(db, attest_order)
    # The nonce was used by that try: even a valid signature now needs a new window.
    again = post_signature(browser, url, agent_sign(agent, "signing", doc_b64))
    assert again.status_code == 409 and "redan använd" in text_of(again)
    nothing_recorded(db, attest_order)
    refused_once(db, attest_order, "bad_signature")  # the second try was no try: no second event


def test_the_signing_window_is_bound_to_attestant_and_time(johan, attest_order, db, login):
    browser, agent = johan
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    assert login("perwi1").get(url).status_code == 404  # another attestant cannot use it
    nonce = url.rsplit("/", 1)[1]
    backdate(db, AttestSigningRequest, "created_at", "nonce", nonce, 11 * 60)
    stale = post_signature(browser, url, agent_sign(agent, "signing", doc_b64))
    assert stale.status_code == 409 and "Tiden för signeringen har gått ut" in text_of(stale)
    nothing_recorded(db, attest_order)
    assert refusals(db) == []  # an expired window is refused before the try counts


def test_an_order_changed_after_the_window_opened_must_be_signed_again(johan, attest_order, db):
    browser, agent = johan
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    flexlab = next(line for line in attest_order.lines if line.item_name == "Flexlab")
    browser.get(f"/attest/{attest_order.number}")
    browser.post(f"/attest/{attest_order.number}", {"action": "remove", "line": flexlab.id})
    changed = post_signature(browser, url, agent_sign(agent, "signing", doc_b64))
    assert changed.status_code == 409 and "har ändrats" in text_of(changed)
    nothing_recorded(db, attest_order)
    refused_once(db, attest_order, "order_changed")


def test_a_refused_signature_uses_the_nonce_and_audits_in_one_transaction(johan, attest_order, db,
                                                                           monkeypatch):
    """Nonce used up and audit event are one transaction: if the audit row cannot be
    written, the nonce is not used either."""
    from beh_core.services import signing

    browser, agent = johan
    url, _, doc_b64 = open_signing(browser, attest_order.number)
    nonce = url.rsplit("/", 1)[1]
    real_record = signing.audit.record

    def failing_record(session, actor, action, *args, **details):
        if action == "attest.signature_refused":
            raise RuntimeError("audit store down")
        return real_record(session, actor, action, *args, **details)

    monkeypatch.setattr(signing.audit, "record", failing_record)
    with pytest.raises(RuntimeError, match="audit store down"):
        browser.post(url, {"signature_b64": "", "certificate_chain_pem": ""})
    db.expire_all()
    assert db.scalar(select(AttestSigningRequest.used_at).where(AttestSigningRequest.nonce == nonce)) is None
    assert refusals(db) == []
    nothing_recorded(db, attest_order)

    monkeypatch.setattr(signing.audit, "record", real_record)
    empty = browser.post(url, {"signature_b64": "", "certificate_chain_pem": ""})
    assert empty.status_code == 400
    refused_once(db, attest_order, "bad_signature")
    # A valid signature now needs a new window; the next one works and uses its own nonce.
    assert post_signature(browser, url, agent_sign(agent, "signing", doc_b64)).status_code == 409
    url2, _, doc2 = open_signing(browser, attest_order.number)
    assert post_signature(browser, url2, agent_sign(agent, "signing", doc2)).status_code == 302
    db.expire_all()
    used = db.scalar(select(AttestSigningRequest.used_at).where(
        AttestSigningRequest.nonce == url2.rsplit("/", 1)[1]))
    assert used is not None and db.scalar(select(func.count(AttestSignature.id))) == 1
    assert len(refusals(db)) == 1


def test_attest_signing_off_is_only_allowed_in_demo(migrated, tmp_path):
    with pytest.raises(RuntimeError, match="only allowed when DEMO"):
        create_app(make_config(migrated, tmp_path, DEMO=False, DEMO_LOGIN=False, ATTEST_SIGNING="off"))
    with pytest.raises(RuntimeError, match="must be 'required' or 'off'"):
        create_app(make_config(migrated, tmp_path, ATTEST_SIGNING="maybe"))


def test_document_is_canonical_json_without_personnummer(johan, attest_order):
    browser, _ = johan
    _, _, doc_b64 = open_signing(browser, attest_order.number)
    raw = base64.b64decode(doc_b64)
    assert json.loads(raw)["slutanvandare"].endswith("(eriny1)")
    pnr = attest_order.end_user.personnummer
    assert pnr is None or pnr not in raw.decode()
