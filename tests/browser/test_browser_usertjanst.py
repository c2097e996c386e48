"""Hantera användartjänst (manual 004) in Chromium, from TJÄNSTER: Välj identitet by typing the start of a
name (suggestions appear; arrow down and Enter choose), Välj kostnadsställe by typing (suggestions) with
frikoder, Specificera detaljer, Sök och välj with Lägg till and Dina val, Skicka. Every page audited by
axe-core at 1366 and 375 px. SQLite only (see conftest.py).
"""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import latest_order
from helpers import person


def type_and_choose(web, field_id: str, text: str, wanted: str) -> None:
    """Type into a field with suggestions, wait for the list, move to the wanted one with arrow down, Enter."""
    field = web.driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)
    listbox = web.wait_for(lambda d: d.find_element(By.ID, f"{field_id}-forslag"))
    web.wait_for(lambda d: listbox.is_displayed() and wanted in listbox.text)
    assert field.get_attribute("aria-expanded") == "true" and field.get_attribute("role") == "combobox"
    options = listbox.find_elements(By.CSS_SELECTOR, "[role=option]")
    index = next(n for n, option in enumerate(options) if wanted in option.text)
    for _ in range(index + 1):
        field.send_keys(Keys.ARROW_DOWN)
    assert field.get_attribute("aria-activedescendant") == options[index].get_attribute("id")
    web.audit(f"forslag-{field_id}")  # the open list passes axe too
    field.send_keys(Keys.ENTER)
    web.wait_for(lambda d: not listbox.is_displayed())


def test_användartjänst_med_förslag_medan_man_skriver_till_ordernummer(demo, web):
    perwi1 = person(demo, "perwi1")
    web.login("sarbe1")
    web.follow("Tjänster")
    web.follow("Hantera användartjänst")
    type_and_choose(web, "q", "Per Wik", perwi1.display)
    assert web.driver.find_element(By.NAME, "person_id").get_attribute("value") == str(perwi1.id)
    assert perwi1.personnummer not in web.driver.page_source  # masked in the suggestions
    web.click_and_wait(web.button("Fortsätt"))

    assert "Välj kostnadsställe" in web.text()
    type_and_choose(web, "kostnadsstalle", "6900", "69002 LifeCare light")
    assert web.driver.find_element(By.ID, "kostnadsstalle").get_attribute("value") == "69002 LifeCare light"
    web.driver.find_element(By.ID, "kostnadsstalle").clear()
    web.driver.find_element(By.ID, "kostnadsstalle").send_keys("69002")
    web.driver.find_element(By.ID, "frikod1").send_keys("2074")
    web.click_and_wait(web.button("Fortsätt"))

    assert "Specificera detaljer" in web.text()
    web.driver.find_element(By.ID, "orsak").send_keys("Nyanställd")
    web.click_and_wait(web.button("Fortsätt"))

    assert "Visar 1–4 av 4" in web.text()
    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, "button[value='add:enkel']"))
    cart = web.driver.find_element(By.ID, "dina-val")
    assert "Användartjänst Enkel" in cart.text and perwi1.display in cart.text
    web.click_and_wait(web.button("Skicka"))

    order = latest_order(demo, end_user_id=perwi1.id)
    assert order.catalogue == "usertjanst" and order.number in web.text() and "ekonomisk attest" in web.text()
    assert order.fields["kostnadsstalle"] == "69002" and order.fields["frikod1"] == "2074"
    web.check()
