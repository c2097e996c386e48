"""Signering av beställning (manual 000) in Chromium with signing required: Godkänn opens the
signing page in a window of its own ("Ett nytt fönster visas"); it shows what is signed with the
fields' labels ("Datornamn", never the key "dator") and passes axe-core at both widths; Avbryt
closes it and the attest page behind says nothing was signed. With the demo card (a SoftHSM
token behind the local agent on loopback) Signera beställning signs, "Nu är signeringen klar",
and Stäng fönster closes the window and brings the page behind to Attestera beställningar.
Card removal during a card session is tests/test_card_removal.py. SQLite only (see conftest.py).
"""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select, update

from beh_core.models import Order, OrderStatus, Person
from beh_core.models.signing import AttestSignature
from helpers import person_without_permissions
from siths_portal import siths_config
from siths_sim import BO
from test_fulfil_support import place


@pytest.fixture
def app_config(migrated, tmp_path, demo_pki):
    return siths_config(migrated, tmp_path, demo_pki, SITHS_AGENT_URL="http://127.0.0.1:9")


@pytest.fixture
def windows(web):
    """The test's main window; any signing window left open is closed afterwards (the browser is shared)."""
    main = web.driver.current_window_handle
    yield main
    for handle in web.driver.window_handles:
        if handle != main:
            web.driver.switch_to.window(handle)
            web.driver.close()
    web.driver.switch_to.window(main)


def open_signing_window(web, main: str, number: str, button: str = "Godkänn") -> None:
    """From the attest page: the button opens the signing window; switch to it once it has loaded."""
    web.button(button).click()
    web.wait_for(lambda d: len(d.window_handles) == 2)
    web.driver.switch_to.window(next(h for h in web.driver.window_handles if h != main))
    web.wait_for(lambda d: f"Signering av beställning {number}" in d.title
                 and d.execute_script("return document.readyState") == "complete")
    web.audit(f"signering-{number}")


def back_to(web, main: str) -> None:
    """The signing window has closed itself: continue in the page behind."""
    web.wait_for(lambda d: len(d.window_handles) == 1)
    web.driver.switch_to.window(main)


def test_signeringsfönstret_öppnas_visar_fältens_namn_och_avbryt_stänger_det(app, demo, web, windows):
    order = place(app, demo, person_without_permissions(demo),
                  items=(("lr.su.admin_konto", {"dator": "PC-4711"}, None),
                         ("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None)))
    web.login("johek1")
    web.follow("Attestera beställningar")
    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, f"a[href$='/attest/{order.number}']"))
    assert "Detta sker i ett nytt fönster." in web.text()

    open_signing_window(web, windows, order.number)
    text = web.text()
    assert "Beslut: Godkänn" in text and "Tänk på att använda PIN-koden för Underskrift/Signering." in text
    assert "Datornamn: PC-4711" in text and "Roll: VGR;SLVD_Farmaceut" in text
    assert "dator:" not in web.driver.find_element(By.CSS_SELECTOR, "table").text.lower()

    web.link("Avbryt").click()  # closes the window; the attest page is still behind it
    back_to(web, windows)
    web.wait_for(lambda d: "Inget är signerat" in d.find_element(By.ID, "sign-window-status").text)
    assert f"Attest av beställning {order.number}" in web.text()
    assert web.active().text == "Godkänn"  # focus back where it was
    web.audit()
    demo.expire_all()
    assert demo.get(Order, order.id).status == OrderStatus.VANTAR_PA_ATTEST.value
    web.check()


def test_avslå_utan_kommentar_stannar_på_sidan_med_felet(app, demo, web, windows):
    order = place(app, demo, person_without_permissions(demo), items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    web.login("johek1")
    web.go(f"/attest/{order.number}")
    web.click_and_wait(web.button("Avslå"))  # no window: the error belongs on this page
    assert len(web.driver.window_handles) == 1 and "Ange en kommentar vid avslag." in web.text()
    web.check()


def test_på_engelska_säger_signeringsfönstret_på_engelska_att_kortagenten_inte_svarar(app, demo, web, windows):
    """siths.js speaks Swedish; the page gives it its English texts (no agent listens on port 9 here)."""
    order = place(app, demo, person_without_permissions(demo), items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    web.login("johek1")
    web.go(f"/attest/{order.number}?lang=en")
    web.button("Approve").click()
    web.wait_for(lambda d: len(d.window_handles) == 2)
    web.driver.switch_to.window(next(h for h in web.driver.window_handles if h != windows))
    web.wait_for(lambda d: f"Signing of order {order.number}" in d.title
                 and d.execute_script("return document.readyState") == "complete")
    status = web.driver.find_element(By.ID, "siths-sign-status")
    assert status.text == "Remember to use the PIN code for Signature/Signing."
    sign = web.wait_for(lambda d: d.find_element(By.ID, "siths-sign-button"))
    web.wait_for(lambda d: sign.is_displayed())
    sign.click()
    web.wait_for(lambda d: "Could not reach the BEH card agent" in status.text, timeout=20)
    assert status.text == "Could not reach the BEH card agent on your computer. Check that it is running."
    web.go("/?lang=sv")  # the browser is shared: the next test starts in Swedish


def test_signera_med_demokortet_i_eget_fönster_och_stäng_fönster(app, demo, web, windows, portal, start_agent):
    # johek1 holds Bo's demo card (a SoftHSM token; the agent runs without the reader check here).
    demo.execute(update(Person).where(Person.hsa_id == BO[0]).values(hsa_id=None))
    demo.execute(update(Person).where(Person.vgr_id == "johek1").values(hsa_id=BO[0]))
    demo.commit()
    agent = start_agent(BO[0], origin=portal)
    app.config["SITHS_AGENT_URL"] = f"http://127.0.0.1:{agent.server_address[1]}"
    order = place(app, demo, person_without_permissions(demo), items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    web.login("johek1")
    web.go(f"/attest/{order.number}")
    open_signing_window(web, windows, order.number)
    sign = web.wait_for(lambda d: d.find_element(By.ID, "siths-sign-button"))
    web.wait_for(lambda d: sign.is_displayed())
    sign.click()
    web.wait_for(lambda d: "Nu är signeringen klar" in d.page_source, timeout=20)
    assert "Beställningen är godkänd." in web.text()
    web.audit(f"signerad-{order.number}")
    web.button("Stäng fönster").click()
    back_to(web, windows)
    web.wait_for(lambda d: d.current_url.rstrip("/").endswith("/attest"))  # the page behind moves on
    web.wait_for(lambda d: d.execute_script("return document.readyState") == "complete")
    assert "Attestera beställningar" in web.text() and order.number not in web.text()
    web.audit()
    demo.expire_all()
    assert demo.get(Order, order.id).status != OrderStatus.VANTAR_PA_ATTEST.value
    assert demo.scalar(select(AttestSignature.signer_hsa_id).where(AttestSignature.order_id == order.id)) == BO[0]
    web.check()
