"""Godkänn markerade with SITHS: one signature over the whole list of a mass order approves every order in one
transaction; a signature that does not verify records nothing (and uses the window up)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from beh_core.models import AuditEvent, Order, OrderStatus
from beh_core.models.signing import AttestSignature
from helpers import person, text_of
from siths_portal import DOC_RE, agent_sign, card_login, siths_config
from siths_sim import BO
from vmu_helpers import TODAY, mass_form, new_staff, unit

from siths import parse_canonical_document, verify_receipt


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki)


@pytest.fixture
def mass_orders(region, login, card_holders):
    """Five VMU orders from one mass order, waiting for johek1 (U attestant of NH-O3-E1)."""
    e1 = unit(region, "NH-O3-E1")
    staff = new_staff(region, e1, 5)
    browser = login("sarbe1")
    assert browser.post("/vmu/flera", mass_form(e1, person(region, "johek1"), [s.vgr_id for s in staff])
                        ).status_code == 302
    browser.post("/vmu/flera/skicka", {"action": "skicka"})
    return list(region.scalars(select(Order).where(Order.catalogue == "vmu").order_by(Order.id)))


@pytest.fixture
def johan(browser, start_agent, card_holders):
    agent = start_agent(BO[0])
    card_login(browser, agent)
    browser.get("/")
    return browser, agent


def open_batch(browser, orders):
    browser.get("/attest/alla")
    moved = browser.post("/attest/alla", {"order": [str(o.id) for o in orders]})
    assert moved.status_code == 302 and "/attest/signering/" in moved.headers["Location"], text_of(moved)
    url = moved.headers["Location"]
    page = text_of(browser.get(url))
    return url, page, DOC_RE.search(page).group(1)


def test_en_signatur_godkänner_hela_listan(johan, mass_orders, db, trust_anchors):
    browser, agent = johan
    url, page, doc_b64 = open_batch(browser, mass_orders)
    assert "Signering av 5 beställningar" in page and all(o.number in page for o in mass_orders)
    db.expire_all()
    assert {db.get(Order, o.id).status for o in mass_orders} == {OrderStatus.VANTAR_PA_ATTEST.value}
    signed = agent_sign(agent, "signing", doc_b64)
    done = browser.post(url, {"signature_b64": signed["signature_b64"],
                              "certificate_chain_pem": signed["certificate_chain_pem"]})
    assert done.status_code == 302, text_of(done)
    db.expire_all()
    # start date today: attested and activated at once
    assert {db.get(Order, o.id).status for o in mass_orders} == {OrderStatus.AVSLUTAD.value}
    signatures = list(db.scalars(select(AttestSignature)))
    assert len(signatures) == 5 and len({s.signature for s in signatures}) == 1  # one signature over the list
    document = parse_canonical_document(signatures[0].document)
    assert document["antal"] == 5 and [b["ordernummer"] for b in document["bestallningar"]] == \
        [o.number for o in mass_orders]
    verify_receipt(signatures[0].receipt, trust_anchors)
    approvals = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.approved"))
    assert approvals == 5
    text = json.dumps(document, ensure_ascii=False)
    assert all(db.get(Order, o.id).end_user.personnummer not in text for o in mass_orders)  # never a personnummer


def test_en_felaktig_signatur_godkänner_ingenting(johan, mass_orders, db):
    browser, agent = johan
    url, _, doc_b64 = open_batch(browser, mass_orders)
    signed = agent_sign(agent, "signing", doc_b64)
    forged = signed["signature_b64"][:-8] + ("A" * 8 if not signed["signature_b64"].endswith("A" * 8) else "B" * 8)
    refused = browser.post(url, {"signature_b64": forged, "certificate_chain_pem": signed["certificate_chain_pem"]})
    assert refused.status_code in (400, 404, 409), text_of(refused)
    db.expire_all()
    assert {db.get(Order, o.id).status for o in mass_orders} == {OrderStatus.VANTAR_PA_ATTEST.value}
    assert db.scalar(select(func.count(AttestSignature.id))) == 0
    assert db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "attest.signature_refused")) == 1
    # the window is used up: the same signature cannot be tried again
    again = browser.post(url, {"signature_b64": signed["signature_b64"],
                               "certificate_chain_pem": signed["certificate_chain_pem"]})
    assert again.status_code in (404, 409)
    db.expire_all()
    assert {db.get(Order, o.id).status for o in mass_orders} == {OrderStatus.VANTAR_PA_ATTEST.value}
