"""Signering av beställning (manual 000) in Chromium with signing required: the window shows
what is signed with the fields' labels ("Datornamn", never the key "dator"), and passes
axe-core at both widths. Signing with the demo card is tests/test_card_removal.py; here no
agent answers (SITHS_AGENT_URL points at a closed port). SQLite only (see conftest.py).
"""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from helpers import person_without_permissions
from siths_portal import siths_config
from test_fulfil_support import place


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki, SITHS_AGENT_URL="http://127.0.0.1:9")


def test_signeringsfönstret_visar_fältens_namn_och_är_tillgängligt(app, demo, web):
    order = place(app, demo, person_without_permissions(demo),
                  items=(("lr.su.admin_konto", {"dator": "PC-4711"}, None),
                         ("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None)))
    web.login("johek1")
    web.follow("Attestera beställningar")
    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, f"a[href$='/attest/{order.number}']"))
    web.click_and_wait(web.button("Godkänn"))
    text = web.text()
    assert f"Signering av beställning {order.number}" in text and "Beslut: Godkänn" in text
    assert "Datornamn: PC-4711" in text and "Roll: VGR;SLVD_Farmaceut" in text
    table = web.driver.find_element(By.CSS_SELECTOR, "table").text
    assert "dator:" not in table.lower()
    web.follow("Avbryt")
    assert f"Attest av beställning {order.number}" in web.text()
    web.check()
