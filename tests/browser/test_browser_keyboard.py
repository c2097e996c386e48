"""By keyboard alone: Tab, Enter and Space, nothing else, from Startsidan (the login before it
is the test's set-up). Every focused control shows a visible focus indicator, every page is
audited on the way. SQLite only (see conftest.py).
"""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from beh_core.models import Delegation, Order, OrderStatus
from helpers import person

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
