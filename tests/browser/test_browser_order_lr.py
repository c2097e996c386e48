"""Beställ behörigheter till lokala och regionala system (manual 000) in Chromium, from Startsidan,
through the standard wizard: Sök fram användare (by HSA-id, typed in lower case; the hint follows
"Sök på"), Nyupplägg in SU, a missing Datornamn caught by the error summary whose link leads to
the field, Granska / Beställ where Område narrows Verksamhet and Verksamhet narrows Attestant in
place (no reload, focus kept), Ta bort while Startdatum is still empty, the missing Startdatum
linked from the summary, and the order number at the end. Every page is audited on the way
(axe-core at 1366 and 375 px, no sideways scroll, screenshots). SQLite only (see conftest.py).
"""
from __future__ import annotations

from datetime import date

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from beh_core.models import OrderStatus
from conftest import latest_order
from helpers import person, person_without_permissions

ADMIN = "lr.su.admin_konto"


def choose(web, field_id: str, text: str) -> None:
    """Pick an option by its visible text."""
    Select(web.driver.find_element(By.ID, field_id)).select_by_visible_text(text)


def options(web, field_id: str) -> list[str]:
    """The texts of a list's options (read in one step: the list may be swapped in place meanwhile)."""
    return web.driver.execute_script(
        "const s = document.getElementById(arguments[0]); return s ? Array.from(s.options, o => o.text) : []",
        field_id)


def follow_summary_link(web, text: str) -> None:
    """Click the error summary's link with this message; focus lands on what it names."""
    summary = web.driver.find_element(By.ID, "error-summary")
    assert web.active() == summary, "the error summary takes focus"
    link = next(a for a in summary.find_elements(By.TAG_NAME, "a") if a.text == text)
    link.click()


def test_nyupplägg_av_flexlab_från_startsidan_till_ordernummer(demo, web):
    web.prefix = "flexlab-"
    end_user = person_without_permissions(demo)
    web.login("sarbe1")
    web.follow("Lokala och Regionala system")
    assert "Enligt formatet: ÅÅÅÅMMDDNNNN" in web.text()
    choose(web, "field", "HSA-id")  # the label and hint follow at once
    assert web.driver.find_element(By.CSS_SELECTOR, "label[for=q]").text.startswith("HSA-id")
    assert "SE2321000131-P000000123456" in web.driver.find_element(By.ID, "hint-q").text
    web.driver.find_element(By.ID, "q").send_keys(end_user.hsa_id.lower())  # any case finds the person
    web.click_and_wait(web.button("Sök"))
    assert "Sökningen gav följande träff" in web.text() and end_user.vgr_id in web.text()
    assert web.driver.find_element(By.CSS_SELECTOR, "label[for=q]").text.startswith("HSA-id")
    web.click_and_wait(web.button("Fortsätt"))

    choose(web, "forvaltning_id", "Sahlgrenska Universitetssjukhuset")
    choose(web, "kind", "Nyupplägg")
    web.click_and_wait(web.button("Nästa"))

    # Lokala system: Admin-konto ticked without its Datornamn; the summary's link leads to the field.
    web.driver.find_element(By.CSS_SELECTOR, "input[value='lr.su.flexlab']").click()
    web.driver.find_element(By.CSS_SELECTOR, f"input[value='{ADMIN}']").click()
    web.click_and_wait(web.button("Nästa"))
    follow_summary_link(web, "Fyll i Datornamn för Admin-konto.")
    assert web.active().get_attribute("id") == f"f.{ADMIN}.dator"
    assert web.driver.find_element(By.CSS_SELECTOR, "input[value='lr.su.flexlab']").is_selected()  # kept
    web.active().send_keys("PC-4711")
    web.click_and_wait(web.button("Nästa"))   # Lokala system
    web.click_and_wait(web.button("Nästa"))   # Regionala system

    assert "Flexlab" in web.text() and "Datornamn: PC-4711" in web.text()
    # [Ta bort] works while the required Startdatum is still empty.
    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Ta bort Admin-konto']"))
    assert "Admin-konto" not in web.driver.find_element(By.CSS_SELECTOR, "table").text

    # Område narrows Verksamhet, Verksamhet narrows Attestant: in place, the page stays, focus stays.
    page = web.driver.find_element(By.TAG_NAME, "html")
    assert options(web, "enhet_id") == ["Välj"]
    choose(web, "omrade_id", "Område Medicin")
    web.wait_for(lambda d: len(options(web, "enhet_id")) > 1)
    assert page.is_displayed() and web.active().get_attribute("id") == "omrade_id"
    Select(web.driver.find_element(By.ID, "enhet_id")).select_by_index(1)
    johan = person(demo, "johek1").display
    web.wait_for(lambda d: johan in options(web, "attestant_id"))
    assert page.is_displayed() and web.active().get_attribute("id") == "enhet_id"
    assert "Listorna är uppdaterade." in web.driver.find_element(By.ID, "review-status").get_attribute("textContent")
    web.audit()
    choose(web, "attestant_id", johan)

    # Skicka beställning without Startdatum: the summary's link leads to the field; the choices stay.
    web.click_and_wait(web.button("Skicka beställning"))
    follow_summary_link(web, "Ange startdatum.")
    assert web.active().get_attribute("id") == "start_date"
    assert Select(web.driver.find_element(By.ID, "attestant_id")).first_selected_option.text == johan
    web.driver.execute_script("arguments[0].value = arguments[1]", web.active(), date.today().isoformat())
    web.click_and_wait(web.button("Skicka beställning"))

    order = latest_order(demo, end_user_id=end_user.id)
    assert "Din beställning är nu skapad." in web.text() and order.number in web.text()
    assert order.status == OrderStatus.VANTAR_PA_ATTEST.value
    assert [line.item_name for line in order.active_lines] == ["Flexlab"]
    assert order.attestant.vgr_id == "johek1"
    web.check()
