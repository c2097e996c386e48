"""By keyboard alone: Tab, Enter and Space (and typing in fields and lists), from Startsidan (the login before it
is the test's set-up). Every focused control shows a visible focus indicator, every page is
audited on the way. SQLite only (see conftest.py).
"""
from __future__ import annotations

from datetime import date

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from beh_core.models import Delegation, Order, OrderStatus
from conftest import latest_order
from helpers import person, person_without_permissions

FOCUS_SHOWN_JS = """
const s = getComputedStyle(arguments[0]);
return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
"""


def focused(web, matches):
    """A tab_to matcher that also demands a visible focus indicator on everything it passes."""
    def check(element):
        assert web.driver.execute_script(FOCUS_SHOWN_JS, element), \
            f"no visible focus on {element.get_attribute('outerHTML')[:120]}"
        return matches(element)
    return check


def href_ends(suffix):
    return lambda element: (element.get_attribute("href") or "").endswith(suffix)


def text_is(text):
    return lambda element: (element.text or "").strip() == text


def enter(web):
    """Press Enter on a link or button that loads a page; wait for it and audit it."""
    old = web.driver.find_element(By.TAG_NAME, "html")
    web.press(Keys.ENTER)
    web.wait_for(lambda d: _gone(old))
    web.wait_for(lambda d: d.execute_script("return document.readyState") == "complete")
    web.audit()


def _gone(element) -> bool:
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def test_attestera_med_tangentbordet(demo, web):
    number = demo.scalar(select(Order.number).where(Order.attestant_id == person(demo, "johek1").id,
                                                    Order.status == OrderStatus.VANTAR_PA_ATTEST.value)
                         .order_by(Order.created_at.desc()))
    web.login("johek1")
    tabs = web.tab_to(focused(web, text_is("Attestera beställningar")))
    enter(web)
    tabs += web.tab_to(focused(web, href_ends(f"/attest/{number}")))
    enter(web)
    tabs += web.tab_to(focused(web, text_is("Godkänn")))
    enter(web)
    assert f"Beställning {number} är godkänd." in web.text()
    assert tabs < 60, tabs
    demo.expire_all()
    assert demo.scalar(select(Order.status).where(Order.number == number)) != OrderStatus.VANTAR_PA_ATTEST.value
    web.check()


def test_ta_bort_en_delegering_med_tangentbordet(demo, web):
    chef = person(demo, "marho1")
    target = demo.scalar(select(Delegation).where(Delegation.person_id == person(demo, "johek1").id,
                                                  Delegation.delegated_by_id == chef.id).order_by(Delegation.id))
    web.login("marho1")
    web.tab_to(focused(web, text_is("Visa/hantera delegeringar")))
    enter(web)
    box = f"valda-{target.id}"
    web.tab_to(focused(web, lambda element: element.get_attribute("id") == box))
    web.press(Keys.SPACE)
    assert web.driver.find_element(By.ID, box).is_selected()
    web.tab_to(focused(web, text_is("Ta bort")))
    web.press(Keys.ENTER)  # the dialog opens, focus on Avbryt
    dialog = web.driver.find_element(By.ID, "dlg-ta-bort")
    web.wait_for(lambda d: dialog.is_displayed())
    assert web.active().text.strip() == "Avbryt"
    assert "Johan Ekström (johek1)" in dialog.text and len(dialog.find_elements(By.TAG_NAME, "li")) == 1
    web.tab_to(lambda element: element.get_attribute("data-confirm-submit") is not None, limit=6)
    enter(web)
    assert "1 delegering är borttagen och gäller inte längre." in web.text()
    demo.expire_all()
    assert demo.get(Delegation, target.id).ended_at is not None
    assert demo.scalar(select(Delegation.id).where(Delegation.ended_at.is_not(None), Delegation.id != target.id)) is None
    web.check()


def type_date(web, day) -> None:
    """Type a date into the focused date field, its parts in the order the browser shows them."""
    order = web.driver.execute_script(
        "return new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2026, 10, 27))"
        ".map(p => p.type).filter(t => t !== 'literal')")
    parts = {"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"}
    for part in order:
        web.press(parts[part])


def options_of(web, field_id):
    return web.driver.execute_script(
        "const s = document.getElementById(arguments[0]); return s ? Array.from(s.options, o => o.text) : []", field_id)


def test_beställ_genom_guiden_med_tangentbordet(demo, web):
    """The L/R wizard from Startsidan to the order number by keyboard: Tab between controls, Enter on links
    and buttons, Space on a tick box, typing in fields and lists (a list's choice by its first letters or an
    arrow key). Område and Verksamhet narrow the later lists in place: no reload, focus stays in the list."""
    end_user = person_without_permissions(demo)
    johan = person(demo, "johek1")
    web.prefix = "tangentbord-"
    web.login("sarbe1")
    tabs = web.tab_to(focused(web, text_is("Lokala och Regionala system")))
    enter(web)
    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "field"))
    web.press("v")  # Sök på: VGR-ID; the label of the search field follows
    assert web.driver.find_element(By.CSS_SELECTOR, "label[for=q]").text.startswith("VGR-ID")
    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "q"))
    web.press(end_user.vgr_id)
    enter(web)  # Enter in the field: Sök
    assert "Sökningen gav följande träff" in web.text()
    tabs += web.tab_to(focused(web, text_is("Fortsätt")))
    enter(web)

    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "forvaltning_id"))
    web.press("Sahl")
    tabs += web.tab_to(focused(web, text_is("Nästa")))
    enter(web)
    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "c-lr.su.flexlab"))
    web.press(Keys.SPACE)
    assert web.active().is_selected()
    tabs += web.tab_to(focused(web, text_is("Nästa")))
    enter(web)
    tabs += web.tab_to(focused(web, text_is("Nästa")))  # Regionala system
    enter(web)

    page = web.driver.find_element(By.TAG_NAME, "html")
    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "omrade_id"))
    web.press("Område M")
    web.wait_for(lambda d: len(options_of(web, "enhet_id")) > 1)
    assert page.is_displayed() and web.active().get_attribute("id") == "omrade_id"  # in place, focus kept
    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "enhet_id"), limit=2)
    web.press(Keys.ARROW_DOWN)
    web.wait_for(lambda d: johan.display in options_of(web, "attestant_id"))
    assert page.is_displayed() and web.active().get_attribute("id") == "enhet_id"
    status = web.driver.find_element(By.ID, "review-status").get_attribute("textContent")
    assert status == "Listorna är uppdaterade."
    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "attestant_id"), limit=2)
    web.press("Johan E")
    web.audit()
    tabs += web.tab_to(focused(web, lambda e: e.get_attribute("id") == "start_date"))
    type_date(web, date.today())
    tabs += web.tab_to(focused(web, text_is("Skicka beställning")))
    enter(web)

    order = latest_order(demo, end_user_id=end_user.id)
    assert "Din beställning är nu skapad." in web.text() and order.number in web.text()
    assert order.attestant_id == johan.id and [line.item_name for line in order.active_lines] == ["Flexlab"]
    # The left menu (TJÄNSTER, MIN DATA) adds its links to every page; Till innehållet skips them.
    assert tabs < 120, tabs
    web.check()
