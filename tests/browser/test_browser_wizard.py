"""The standard wizard in Chromium for every kind of page it shows, each audited on the way (axe-core
at 1366 and 375 px, no sideways scroll, screenshots in var/screenshots/):

* MINISTOP (manual 001) from Startsidan by personnummer: Närhälsan, Enhet 1 and 2 refused when the
  same (the plugin's message, linked from the error summary to Enhet 2), Titel, Epost from KiV,
  Granska with the lists narrowing in place, the order number;
* Förändring and Avslut of the demo end user: the held values, the free text for permissions not
  in the list with manual 000's guidance (AD, Outlook and Teams; Uppdrag), Fritext on Granska;
* a person found by passnummer (Passnummer shown, no empty "Personnummer") and one without an
  active engagement (only Avslut);
* a catalogue ordered per vårdenhet: its choices grouped per unit in <details>, opened by keyboard;
* the same wizard in English: no Swedish text, raw key or audit code on any of its pages.

SQLite only (see conftest.py).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from beh_core.models import SCOPE_UNIT, Delegation, Enhet, Order, OrderStatus, Person
from conftest import latest_order
from helpers import make_config, person, person_without_permissions
from test_browser_pages import SWEDISH_WORDS, english_msgids, raw_codes, raw_keys

MINISTOP = "ministop"


def choose(web, field_id: str, text: str) -> None:
    """Pick an option by its visible text."""
    Select(web.driver.find_element(By.ID, field_id)).select_by_visible_text(text)


def options(web, field_id: str) -> list[str]:
    """The texts of a list's options (read in one step: the list may be swapped in place meanwhile)."""
    return web.driver.execute_script(
        "const s = document.getElementById(arguments[0]); return s ? Array.from(s.options, o => o.text) : []",
        field_id)


def search(web, field_text: str, value: str) -> None:
    """Sök fram användare by the field, and Fortsätt when found."""
    choose(web, "field", field_text)
    web.driver.find_element(By.ID, "q").send_keys(value)
    web.click_and_wait(web.button("Sök"))
    assert "Sökningen gav följande träff" in web.text(), web.text()


def place_and_send(web, demo, omrade: str) -> None:
    """Granska: Område and Verksamhet narrow the later lists in place; the first attestant, today; Skicka."""
    page = web.driver.find_element(By.TAG_NAME, "html")
    choose(web, "omrade_id", omrade)
    web.wait_for(lambda d: len(options(web, "enhet_id")) > 1)
    Select(web.driver.find_element(By.ID, "enhet_id")).select_by_index(1)
    web.wait_for(lambda d: len(options(web, "attestant_id")) > 1)
    assert page.is_displayed()  # no reload
    Select(web.driver.find_element(By.ID, "attestant_id")).select_by_index(1)
    web.driver.execute_script("document.getElementById('start_date').value = arguments[0]", date.today().isoformat())
    web.click_and_wait(web.button("Skicka beställning"))
    assert "Din beställning är nu skapad." in web.text()


def test_ministop_genom_guiden_från_startsidan(demo, web):
    web.prefix = "ministop-"
    end_user = person_without_permissions(demo)
    web.login("sarbe1")
    web.follow("Lokala och Regionala system")
    search(web, "Personnummer", end_user.personnummer)
    web.click_and_wait(web.button("Fortsätt"))
    assert "19" in web.text() and "-****" in web.text()  # the personnummer, masked
    choose(web, "forvaltning_id", "Närhälsan")
    web.click_and_wait(web.button("Nästa"))

    web.driver.find_element(By.ID, f"c-{MINISTOP}").click()
    units = options(web, f"f.{MINISTOP}.enhet1")[1:]
    choose(web, f"f.{MINISTOP}.enhet1", units[0])
    choose(web, f"f.{MINISTOP}.enhet2", units[0])
    choose(web, f"f.{MINISTOP}.titel", "Superuser")
    assert web.driver.find_element(By.ID, f"f.{MINISTOP}.epost").get_attribute("value") == end_user.email
    web.click_and_wait(web.button("Nästa"))
    summary = web.driver.find_element(By.ID, "error-summary")
    assert web.active() == summary and "Enhet 2 kan inte vara samma enhet som Enhet 1" in summary.text
    summary.find_element(By.TAG_NAME, "a").click()
    assert web.active().get_attribute("id") == f"f.{MINISTOP}.enhet2"
    choose(web, f"f.{MINISTOP}.enhet2", units[1])
    web.click_and_wait(web.button("Nästa"))
    assert "(kan beställas akut)" in web.text()
    web.driver.find_element(By.ID, "c-lr.elvis").click()  # a journal system: Akut is offered on Granska
    web.click_and_wait(web.button("Nästa"))  # Regionala system

    assert f"Enhet 1: {units[0]}" in web.text() and f"Enhet 2: {units[1]}" in web.text()
    akut = web.driver.find_element(By.ID, "akut")
    assert "stafettläkare/bemanningspersonal" in web.driver.find_element(By.ID, "akut-hint").text
    akut.click()
    place_and_send(web, demo, "Område Norr")
    order = latest_order(demo, end_user_id=end_user.id)
    assert order.number in web.text() and order.status == OrderStatus.VANTAR_PA_ATTEST.value
    assert [line.item_name for line in order.active_lines] == ["MINISTOP", "ELVIS"] and order.akut
    assert order.active_lines[0].values["titel"] == "Superuser"
    web.follow("Visa beställningen")
    assert order.number in web.text()
    web.check()


def test_förändring_och_avslut_med_fritext_och_manualens_vägledning(demo, web):
    web.prefix = "avslut-"
    end_user = person(demo, "eriny1")  # the demo end user, who holds permissions
    web.login("sarbe1")
    web.follow("Lokala och Regionala system")
    search(web, "VGR-ID", end_user.vgr_id)
    web.click_and_wait(web.button("Fortsätt"))
    choose(web, "forvaltning_id", "Närhälsan")
    choose(web, "kind", "Förändring")
    web.click_and_wait(web.button("Nästa"))
    assert "NAVET" in web.text() and "Nuvarande: Motivering: Folkbokföringskontroll" in web.text()
    web.click_and_wait(web.button("Nästa"))
    assert "Slutenvårdsdos" in web.text()  # held regional systems, with their current values
    web.click_and_wait(web.button("Föregående"))
    web.click_and_wait(web.button("Föregående"))
    assert "Välj ett alternativ" in web.text()

    choose(web, "kind", "Avslut")
    web.click_and_wait(web.button("Nästa"))
    text = web.text()
    assert "Avslut av behörigheter som inte finns i listan" in text
    for words in ("Användartjänster (AD, Outlook och Teams)", "Uppdrag (Pascal och NPÖ)",
                  'Använd inte frasen "Alla behörigheter"', "Ovanstående anges inte i fritextfältet."):
        assert words in text, words
    web.driver.find_element(By.ID, "free_on").click()
    web.driver.find_element(By.ID, "free_text").send_keys("Alla behörigheter")
    web.click_and_wait(web.button("Nästa"))
    summary = web.driver.find_element(By.ID, "error-summary")
    assert 'Använd inte frasen "Alla behörigheter"' in summary.text
    summary.find_element(By.TAG_NAME, "a").click()
    assert web.active().get_attribute("id") == "free_text"
    free_text = web.driver.find_element(By.ID, "free_text")
    free_text.clear()
    free_text.send_keys("Melior, roll Läkare")
    web.click_and_wait(web.button("Nästa"))
    web.click_and_wait(web.button("Nästa"))
    line = web.driver.find_element(By.ID, "line-local-free").text
    assert "Fritext (avslut)" in line and "Melior, roll Läkare" in line
    web.check()


def test_passnummer_och_utan_aktivt_engagemang(demo, web):
    web.prefix = "passnummer-"
    with_pass = demo.scalar(select(Person).where(Person.passnummer.is_not(None), Person.personnummer.is_(None)))
    web.login("sarbe1")
    web.follow("Lokala och Regionala system")
    search(web, "Passnummer", with_pass.passnummer.lower())
    web.click_and_wait(web.button("Fortsätt"))
    user = web.driver.find_element(By.CSS_SELECTOR, ".beh-wizard-user").text
    assert f"Passnummer\n{with_pass.passnummer}" in user and "Personnummer" not in user

    web.click_and_wait(web.driver.find_element(By.XPATH, "//button[normalize-space()='Ångra']"))
    web.follow("Lokala och Regionala system")
    search(web, "VGR-ID", "andlu1")  # Slutanvändare utan aktivt engagemang
    web.click_and_wait(web.button("Fortsätt"))
    assert "Endast valet Avslut kan väljas." in web.text()
    kinds = web.driver.find_elements(By.CSS_SELECTOR, "#kind option")
    assert [o.get_attribute("value") for o in kinds if o.is_enabled()] == ["avslut"]
    web.check()


# --- A catalogue ordered per vårdenhet: choices grouped per unit in <details> ---------------

@pytest.fixture
def app_config(migrated, tmp_path, request):
    from test_catalogue_hooks import UnitCatalogue

    return make_config(migrated, tmp_path, EXTRA_PLUGINS=[("enhetsprov", UnitCatalogue())])


def test_val_grupperade_per_vårdenhet_öppnas_med_tangentbordet(demo, web):
    web.prefix = "enhetsprov-"
    orderer, attestant = person(demo, "eriny1"), person(demo, "perwi1")
    units = list(demo.scalars(select(Enhet).where(Enhet.code.in_(["NH-O1-E1", "NH-O1-E2"])).order_by(Enhet.code)))
    today = date.today()
    for unit in units:
        for who, orders, attests in ((orderer, True, False), (attestant, False, True)):
            demo.add(Delegation(person_id=who.id, scope=SCOPE_UNIT, forvaltning_id=unit.omrade.forvaltning_id,
                                omrade_id=unit.omrade_id, enhet_id=unit.id, is_bestallare=orders,
                                is_attestant=attests, valid_from=today, valid_to=today + timedelta(days=90)))
    demo.commit()
    end_user = person_without_permissions(demo, exclude=(orderer.vgr_id,))
    web.login(orderer.vgr_id)
    web.follow("Enhetsprov")
    search(web, "VGR-ID", end_user.vgr_id)
    web.click_and_wait(web.button("Fortsätt"))
    web.click_and_wait(web.button("Nästa"))

    groups = web.driver.find_elements(By.CSS_SELECTOR, "details.beh-group")
    assert sorted(g.find_element(By.TAG_NAME, "summary").text.strip() for g in groups) == sorted(u.name for u in units)
    assert not any(g.get_attribute("open") for g in groups)
    chosen = next(u for u in units if u.name == groups[1].find_element(By.TAG_NAME, "summary").text.strip())
    summary = groups[1].find_element(By.TAG_NAME, "summary")
    web.driver.execute_script("arguments[0].focus()", summary)
    web.press(Keys.ENTER)  # a closed group opens by keyboard
    web.wait_for(lambda d: groups[1].get_attribute("open") is not None)
    box = groups[1].find_element(By.CSS_SELECTOR, "input[type=checkbox]")
    web.driver.execute_script("arguments[0].focus()", box)
    web.press(Keys.SPACE)
    assert box.is_selected()
    web.audit("enhetsprov-grupper")
    web.click_and_wait(web.button("Nästa"))
    assert chosen.name in web.text() and attestant.display in options(web, "attestant_id")
    choose(web, "attestant_id", attestant.display)
    Select(web.driver.find_element(By.ID, "order.orsak")).select_by_index(1)
    web.driver.execute_script("document.getElementById('start_date').value = arguments[0]", today.isoformat())
    web.click_and_wait(web.button("Skicka beställning"))
    order = demo.scalar(select(Order).where(Order.catalogue == "enhetsprov"))
    assert order.number in web.text() and order.enhet_id == chosen.id
    web.check()


# --- English --------------------------------------------------------------------------------

def english_problems(app, web, problems: list[str]) -> None:
    """Untranslated messages, Swedish words, raw keys and audit codes on the page in English."""
    text, url = web.text(), web.driver.current_url
    problems += [f"{url}: untranslated {msgid!r}" for msgid, regex in english_msgids() if regex.search(text)]
    problems += [f"{url}: Swedish word {m.group(0)!r} in …{text[max(0, m.start() - 50):m.end() + 50]}…"
                 for m in SWEDISH_WORDS.finditer(text)]
    problems += [f"{url}: raw key {k.pattern}" for k in raw_keys(app) if k.search(text)]
    problems += [f"{url}: raw audit code {m.group(0)}" for m in raw_codes().finditer(text)]


def test_guiden_på_engelska_utan_svensk_text(app, demo, web):
    end_user = person_without_permissions(demo)
    web.prefix = "en-"
    web.login("sarbe1")
    web.go("/?lang=en")
    problems: list[str] = []

    def page():
        web.audit()
        english_problems(app, web, problems)

    web.follow("Local and regional systems")
    page()
    web.click_and_wait(web.button("Search"))  # nothing typed: the error in English
    page()
    choose(web, "field", "HSA-id")
    web.driver.find_element(By.ID, "q").send_keys(end_user.hsa_id)
    web.click_and_wait(web.button("Search"))
    page()
    web.click_and_wait(web.button("Continue"))
    page()
    choose(web, "forvaltning_id", "Närhälsan")
    web.click_and_wait(web.button("Next"))
    web.driver.find_element(By.ID, f"c-{MINISTOP}").click()
    web.click_and_wait(web.button("Next"))  # MINISTOP without its units: the core's and the plugin's messages
    page()
    assert "Choose Unit 1 for MINISTOP." in web.text()
    web.driver.find_element(By.ID, f"c-{MINISTOP}").click()
    web.click_and_wait(web.button("Next"))
    page()
    web.click_and_wait(web.button("Next"))  # nothing chosen anywhere: refused on the last page
    page()
    assert "The order contains no permissions. Choose at least one permission." in web.text()
    web.driver.find_element(By.ID, "c-lr.esmaker").click()
    web.click_and_wait(web.button("Next"))
    page()
    web.click_and_wait(web.button("Send order"))  # Granska without place, approver or start date
    page()
    assert "Choose area." in web.text() and "Enter the start date." in web.text()
    web.click_and_wait(web.button("Previous"))
    web.click_and_wait(web.button("Previous"))
    web.click_and_wait(web.button("Previous"))
    choose(web, "kind", "Termination")
    web.click_and_wait(web.button("Next"))
    page()  # the free text's guidance, from the plugin's catalogue
    web.check()
    assert not problems, "\n".join(problems)
