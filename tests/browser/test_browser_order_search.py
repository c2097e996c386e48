"""Sökalternativ and the page links of Tidigare beställningar in Chromium, at 1366 px and 375 px.

The search form is filled and sent as a person would (the address afterwards names the end user by
VGR-ID, never by personnummer), a mistake is shown at its field, and Nästa sida / Sista sidan lead
through the list; every page on the way passes axe-core with 0 violations and does not scroll sideways
on a phone. SQLite only (see conftest.py).
"""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from helpers import person


def _open_search(web) -> None:
    details = web.driver.find_element(By.CSS_SELECTOR, "details.beh-panel")
    if not details.get_attribute("open"):
        details.find_element(By.TAG_NAME, "summary").click()


def test_sökalternativ_med_personnummer_och_bläddring(app, demo, web):
    eriny1 = person(demo, "eriny1")
    web.login("sarbe1")
    web.go("/bestallningar/alla")
    _open_search(web)
    web.audit("sokalternativ-oppna")
    web.driver.find_element(By.ID, "slutanvandare").send_keys(eriny1.personnummer)
    Select(web.driver.find_element(By.ID, "typ")).select_by_value("nyupplagg")
    web.click_and_wait(web.button("Sök"))
    assert eriny1.personnummer not in web.driver.current_url
    assert "slutanvandare=eriny1" in web.driver.current_url
    assert "Totalt" in web.text()

    web.go("/bestallningar/alla")
    _open_search(web)
    web.driver.find_element(By.ID, "fran").send_keys("x")
    web.driver.find_element(By.ID, "slutanvandare").send_keys("19121212-1212")
    web.click_and_wait(web.button("Sök"))
    text = web.text()
    assert "Ingen person med detta personnummer finns i KiV." in text
    assert "19121212" not in web.driver.current_url

    web.go("/bestallningar/mina")
    assert "Sista sidan" in web.text()  # the demo region gives sarbe1 more than a page of orders
    web.follow("Nästa sida")
    assert "efter=" in web.driver.current_url
    web.follow("Första sidan")
    web.follow("Sista sidan")
    assert "Sida 1 av" not in web.text()
    web.follow("Föregående sida")
    web.go("/bestallningar/mina?sida=1000")
    assert "Sida 1000 finns inte." in web.text()
    web.check()
