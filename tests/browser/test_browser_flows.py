"""Manuals 000 and 002 walked in Chromium from Startsidan by its links, every page audited
(axe-core at 1366 and 375 px, no sideways scroll). ATTEST_SIGNING is "off" in the test
configuration, so Godkänn/Avslå record the decision at once (signing with the card is
tests/test_card_removal.py). SQLite only (see conftest.py).

A new flow (the L/R order through the wizard) is one more test here: ``web.login(...)``,
``web.follow(link text)``, ``web.click_and_wait(web.button(text))``, and ``web.check()`` at the end.
"""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from beh_core.models import SCOPE_AREA, Delegation, Order, OrderStatus
from conftest import latest_order
from helpers import person, person_without_permissions


def test_attestant_avslår_utan_kommentar_får_felet_rättar_och_godkänner_nästa(demo, web):
    web.login("johek1")
    web.audit()
    web.follow("Attestera beställningar")
    waiting = demo.scalars(select(Order.number).where(Order.attestant_id == person(demo, "johek1").id,
                                                      Order.status == OrderStatus.VANTAR_PA_ATTEST.value)).all()
    assert len(waiting) >= 2
    first = web.driver.find_element(By.CSS_SELECTOR, "table tbody a")
    web.click_and_wait(first)
    number = web.driver.find_element(By.TAG_NAME, "h1").text.split()[-1]
    assert number in waiting

    # Avslå without a comment: the error summary takes focus and links to the field.
    web.click_and_wait(web.button("Avslå"))
    summary = web.driver.find_element(By.ID, "error-summary")
    assert web.active() == summary and "Ange en kommentar vid avslag." in summary.text
    summary.find_element(By.TAG_NAME, "a").click()
    assert web.active().get_attribute("id") == "comment"
    web.active().send_keys("Behörigheten behövs inte i tjänsten.")
    web.click_and_wait(web.button("Avslå"))
    assert f"Beställning {number} är avslagen." in web.text()

    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, "table tbody a"))
    web.click_and_wait(web.button("Godkänn"))
    assert "är godkänd." in web.text()
    demo.expire_all()
    assert demo.scalar(select(Order.status).where(Order.number == number)) == OrderStatus.AVSLAGEN.value
    web.check()


def test_beställaren_makulerar_efter_att_ha_sett_vad_som_försvinner(demo, web):
    web.login("sarbe1")
    web.follow("Mina beställningar")
    order = demo.scalar(select(Order).where(Order.orderer_id == person(demo, "sarbe1").id,
                                           Order.status == OrderStatus.VANTAR_PA_ATTEST.value)
                        .order_by(Order.created_at.desc()))
    link = web.driver.find_element(By.CSS_SELECTOR, f"a[href$='/bestallningar/{order.number}']")
    web.click_and_wait(link)

    # The dialog names the order and its lines; Avbryt changes nothing and gives focus back.
    opener = web.link("Makulera")
    opener.click()
    dialog = web.wait_for(lambda d: d.find_element(By.ID, "dlg-makulera"))
    web.wait_for(lambda d: dialog.is_displayed())
    assert f"Makulera beställning {order.number}?" in dialog.text
    assert all(line.item_name in dialog.text for line in order.active_lines)
    web.audit("makulera-dialog")
    web.button("Avbryt").click()
    web.wait_for(lambda d: not dialog.is_displayed())
    assert web.active() == opener, web.active().get_attribute("outerHTML")
    # Without JavaScript the same link opens the confirmation page, which says the same.
    web.go(opener.get_attribute("href"))
    assert f"Makulera beställning {order.number}?" in web.text() and "esMaker" in web.text()
    web.follow("Avbryt")
    opener = web.link("Makulera")
    opener.click()
    dialog = web.driver.find_element(By.ID, "dlg-makulera")
    web.wait_for(lambda d: dialog.is_displayed())
    web.click_and_wait(web.button("Makulera beställningen"))
    assert f"Beställning {order.number} är makulerad." in web.text() and "Makulerad" in web.text()
    web.check()


def test_verksamhetschefen_delegerar_förlänger_och_tar_bort_exakt_det_markerade(demo, web):
    chef = person(demo, "marho1")
    target = person_without_permissions(demo)
    web.login("marho1")
    web.follow("Ny delegering")
    web.driver.find_element(By.ID, "vgr_id").send_keys(target.vgr_id)
    Select(web.driver.find_element(By.ID, "organisation")).select_by_value("alla")
    web.click_and_wait(web.button("Sök"))
    web.driver.find_element(By.ID, f"traff-{target.id}").click()
    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, "button[value=flytta]"))
    assert target.display in web.text()
    web.click_and_wait(web.button("Lägg till"))

    # Spara without a role: the summary lists it, the form keeps what was chosen.
    web.driver.find_element(By.ID, f"scope-{SCOPE_AREA}").click()
    scope = Select(web.driver.find_element(By.ID, "scope_key"))
    scope.select_by_index(1)
    web.click_and_wait(web.button("Spara"))
    assert "Välj Beställare och/eller Attestant." in web.driver.find_element(By.ID, "error-summary").text
    assert web.driver.find_element(By.ID, f"scope-{SCOPE_AREA}").is_selected()
    web.driver.find_element(By.ID, "bestallare").click()
    web.click_and_wait(web.button("Spara"))
    assert "Delegeringen är sparad för 1 användare." in web.text()

    made = demo.scalar(select(Delegation).where(Delegation.person_id == target.id).order_by(Delegation.id.desc()))
    box = web.driver.find_element(By.ID, f"valda-{made.id}")
    box.click()
    web.click_and_wait(web.button("Förläng"))  # no months chosen: an error, and the tick is said to remain
    text = web.text()
    assert "Välj slutdatum från dagens datum: 3, 6 eller 12 månader." in text
    assert "1 delegering är fortfarande markerad." in text
    Select(web.driver.find_element(By.ID, "manader")).select_by_value("12")
    web.click_and_wait(web.button("Förläng"))
    assert "1 delegering är förlängd till" in web.text()

    # Without JavaScript Ta bort leads to a confirmation page that lists the same.
    web.go(f"/delegeringar/ta-bort?valda={made.id}")
    assert "Ta bort 1 delegering?" in web.text() and target.display in web.text()
    web.follow("Avbryt")

    # Ta bort: the dialog lists exactly the ticked delegation, then it ends.
    web.driver.find_element(By.ID, f"valda-{made.id}").click()
    web.button("Ta bort").click()
    dialog = web.driver.find_element(By.ID, "dlg-ta-bort")
    web.wait_for(lambda d: dialog.is_displayed())
    items = dialog.find_elements(By.CSS_SELECTOR, "[data-confirm-list] li")
    assert len(items) == 1 and target.display in items[0].text and "Ta bort 1 delegering?" in dialog.text
    web.audit("ta-bort-delegering-dialog")
    web.click_and_wait(dialog.find_element(By.CSS_SELECTOR, "[data-confirm-submit]"))
    assert "1 delegering är borttagen och gäller inte längre." in web.text()
    demo.expire_all()
    ended = demo.get(Delegation, made.id)
    assert ended.ended_at is not None and ended.ended_by_id == chef.id
    still = demo.scalars(select(Delegation).where(Delegation.ended_at.is_not(None))).all()
    assert [d.id for d in still] == [made.id]  # nothing else was removed
    web.check()


def test_byt_attestant_uppdaterar_listorna_och_sparar(demo, web):
    web.login("sarbe1")
    order = latest_order(demo, status=OrderStatus.VANTAR_PA_ATTEST.value, orderer_id=person(demo, "sarbe1").id)
    web.go(f"/bestallningar/{order.number}")
    web.follow("Byt attestant")
    page = web.driver.find_element(By.TAG_NAME, "html")
    enhet = web.driver.find_element(By.ID, "enhet_id")
    Select(enhet).select_by_index(1)  # the attestant list follows in place: no reload, focus stays
    web.wait_for(lambda d: "enhet_id=" in d.current_url)
    web.wait_for(lambda d: "perwi1" in d.find_element(By.ID, "attestant_id").text)
    assert page.is_displayed() and web.active().get_attribute("id") == "enhet_id"
    assert "Listorna är uppdaterade." in web.driver.find_element(By.ID, "byt-attestant-status").get_attribute("textContent")
    web.audit()
    attestants = Select(web.driver.find_element(By.ID, "attestant_id"))
    wanted = next(o.get_attribute("value") for o in attestants.options if "perwi1" in o.text)
    attestants.select_by_value(wanted)
    web.click_and_wait(web.button("OK"))
    assert "Attestant för" in web.text() and "Per Wikström (perwi1)" in web.text()
    demo.expire_all()  # saved: the order waits for its new attestant (not a date: the run may pass midnight)
    saved = demo.get(Order, order.id)
    assert saved.attestant.vgr_id == "perwi1" and saved.status == OrderStatus.VANTAR_PA_ATTEST.value
    web.check()
