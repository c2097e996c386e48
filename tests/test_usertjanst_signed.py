"""The ekonomisk attest of an användartjänst is signed as every attest: the person who answers for the
kostnadsställe signs with the SITHS card, and the signed document holds the kostnadsställe, frikoder, orsak
and verksamhetskontext (the order-level fields)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from beh_core.models import AttestSignature, Order, OrderStatus
from helpers import person, text_of
from siths_portal import agent_sign, card_login, open_signing, siths_config
from siths_sim import BO
from usertjanst_steps import add, latest_order, order_up_to_levels, send

from siths import parse_canonical_document


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki)


def test_ekonomisk_attest_signeras_med_kostnadsställe_och_orsak(region, card_holders, login, browser, start_agent):
    orderer = login("sarbe1")
    order_up_to_levels(orderer, person(region, "lensa1"), "69002", orsak="Nyanställd")
    add(orderer, "grund")
    send(orderer)
    order = latest_order(region)
    assert order.attestant_id == person(region, "johek1").id
    agent = start_agent(BO[0])  # johek1 holds Bo's card and answers for 69002
    card_login(browser, agent)
    browser.get("/")
    url, page, doc_b64 = open_signing(browser, order.number)
    assert f"Signering av beställning {order.number}" in page and "69002" in page
    signed = agent_sign(agent, "signing", doc_b64)
    done = browser.post(url, {"signature_b64": signed["signature_b64"],
                              "certificate_chain_pem": signed["certificate_chain_pem"]})
    assert done.status_code == 302, text_of(done)
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.ATTESTERAD.value
    fields = parse_canonical_document(region.scalar(select(AttestSignature.document)))
    assert fields["ordernummer"] == order.number and fields["beslut"] == "godkänd"
    shown = dict(map(tuple, fields["uppgifter"]))
    assert shown["Kostnadsställe"] == "69002" and shown["Orsak"] == "Nyanställd" and "Verksamhetskontext" in shown
