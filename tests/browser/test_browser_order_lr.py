"""Beställ behörigheter till lokala och regionala system (manual 000) in Chromium, from Startsidan:
Sök fram användare (by HSA-id, typed in lower case), Nyupplägg of Flexlab in SU, Granska /
Beställ with Område, Verksamhet, Attestant and Startdatum, and the order number at the end.
Written against the wizard as it is; when the wizard changes, this test follows it (the
helpers in browser_support.py stay). SQLite only (see conftest.py).
"""
from __future__ import annotations

from datetime import date

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from beh_core.models import OrderStatus
from conftest import latest_order
from helpers import person, person_without_permissions


def choose(web, field_id: str, text: str) -> None:
    """Pick an option by its visible text; a list that narrows the next one reloads the page."""
    Select(web.driver.find_element(By.ID, field_id)).select_by_visible_text(text)


def test_nyupplägg_av_flexlab_från_startsidan_till_ordernummer(demo, web):
    end_user = person_without_permissions(demo)
    web.login("sarbe1")
    web.follow("Lokala och Regionala system")
    choose(web, "field", "HSA-id")
    web.driver.find_element(By.ID, "q").send_keys(end_user.hsa_id.lower())  # any case finds the person
    web.click_and_wait(web.button("Sök"))
    assert "Sökningen gav följande träff" in web.text() and end_user.vgr_id in web.text()
    web.click_and_wait(web.button("Fortsätt"))

    choose(web, "forvaltning_id", "Sahlgrenska Universitetssjukhuset")
    choose(web, "kind", "Nyupplägg")
    web.click_and_wait(web.button("Nästa"))
    web.driver.find_element(By.CSS_SELECTOR, "input[value='lr.su.flexlab']").click()
    web.click_and_wait(web.button("Nästa"))   # Lokala system
    web.click_and_wait(web.button("Nästa"))   # Regionala system

    assert "Flexlab" in web.text()
    old = web.driver.find_element(By.TAG_NAME, "html")
    choose(web, "omrade_id", "Område Medicin")
    web.wait_for(lambda d: _gone(old))
    old = web.driver.find_element(By.TAG_NAME, "html")
    Select(web.driver.find_element(By.ID, "enhet_id")).select_by_index(1)
    web.wait_for(lambda d: _gone(old))
    web.audit()
    choose(web, "attestant_id", person(demo, "johek1").display)
    start = web.driver.find_element(By.ID, "start_date")
    web.driver.execute_script("arguments[0].value = arguments[1]", start, date.today().isoformat())
    web.click_and_wait(web.button("Skicka beställning"))

    order = latest_order(demo, end_user_id=end_user.id)
    assert "Din beställning är nu skapad." in web.text() and order.number in web.text()
    assert order.status == OrderStatus.VANTAR_PA_ATTEST.value and order.active_lines[0].item_name == "Flexlab"
    web.check()


def _gone(element) -> bool:
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False
