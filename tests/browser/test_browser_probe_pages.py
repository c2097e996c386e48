"""Pages the crawl of test_browser_pages.py does not reach (one page per URL pattern, and no form is sent),
audited the same way (axe-core at 1366 and 375 px, nothing scrolls sideways on a phone): Vårdmedarbetaruppdrag
VMU Flera's Granska beställning, an Användartjänst order for its beställare and for Service Desk, and the
delegation Ta bort dialog for one and for several delegations. SQLite only (see conftest.py).
"""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from beh_core.models import Delegation
from conftest import latest_order
from helpers import Browser, person
from usertjanst_steps import add, ansvarig_of, choose_identity, costs, details, send
from vmu_helpers import TODAY, new_staff, unit


def test_vmu_flera_granska_ryms_i_375_px(demo, web):
    """Granska beställning's facts (Vårdmedarbetaruppdrag, a long word as a label) wrap on a phone."""
    e1, attestant = unit(demo, "NH-O3-E1"), person(demo, "johek1")
    staff = new_staff(demo, e1, 3)
    web.prefix = "probe-"
    web.login("sarbe1")
    web.go("/vmu/flera")
    Select(web.driver.find_element(By.ID, "enhet_id")).select_by_value(str(e1.id))
    Select(web.driver.find_element(By.ID, "uppdrag")).select_by_value("vmu.pascal.vob")
    Select(web.driver.find_element(By.ID, "attestant_id")).select_by_value(str(attestant.id))
    start = web.driver.find_element(By.ID, "start_date")
    web.driver.execute_script("arguments[0].value = arguments[1]", start, TODAY.isoformat())
    web.driver.find_element(By.ID, "identiteter").send_keys("\n".join([s.vgr_id for s in staff] + ["okand99"]))
    web.click_and_wait(web.button("Kontrollera listan"))
    assert "/vmu/flera/granska" in web.driver.current_url and "3 av 4 rader kan beställas" in web.text()
    web.audit("vmu-flera-granska")
    web.check()


def test_användartjänstens_beställning_ryms_i_375_px_för_beställaren_och_service_desk(app, demo, web):
    """The order page (Verksamhetskontext and the other field labels) for the beställare, the attestant and
    Service Desk, before and after the ekonomisk attest."""
    orderer = Browser(app.test_client())
    orderer.login("sarbe1")
    choose_identity(orderer, person(demo, "perwi1"))
    costs(orderer, "69002", frikod1="2074")  # one fact more: Verksamhetskontext stands in the right column
    details(orderer)
    add(orderer, "grund")
    send(orderer)
    order = latest_order(demo, catalogue="usertjanst")
    assert order is not None and order.orderer.vgr_id == "sarbe1"
    web.prefix = "probe-"
    web.login("sarbe1")
    web.go(f"/bestallningar/{order.number}")
    assert "Verksamhetskontext" in web.text()
    attestant = ansvarig_of(demo, "69002")
    web.login(attestant.vgr_id)
    web.go(f"/attest/{order.number}")
    approver = Browser(app.test_client())
    approver.login(attestant.vgr_id)
    assert approver.post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    web.login("lensa1")
    web.go(f"/servicedesk/{order.number}")
    assert "Verksamhetskontext" in web.text()
    web.login("sarbe1")
    web.go(f"/bestallningar/{order.number}")
    web.check()


def test_ta_bort_dialogen_säger_en_delegering_eller_flera(demo, web):
    """The dialog's text agrees in number with its heading: one delegation, then two."""
    chef = person(demo, "marho1")
    web.prefix = "probe-"
    web.login(chef.vgr_id)
    web.go("/delegeringar/hantera")
    web.click_and_wait(web.button("Visa delegeringar"))
    boxes = web.driver.find_elements(By.CSS_SELECTOR, "input[name=valda]")
    assert len(boxes) >= 2
    dialog = web.driver.find_element(By.ID, "dlg-ta-bort")
    for ticked, heading, text in ((1, "Ta bort 1 delegering?", "Den här delegeringen slutar gälla i dag"),
                                  (2, "Ta bort 2 delegeringar?", "Dessa delegeringar slutar gälla i dag")):
        for box in boxes[:ticked]:
            if not box.is_selected():
                box.click()
        web.button("Ta bort").click()
        web.wait_for(lambda d: dialog.is_displayed())
        shown = dialog.text
        assert heading in shown and text in shown, shown
        other = "Dessa delegeringar" if ticked == 1 else "Den här delegeringen"
        assert other not in shown, shown
        web.audit(f"ta-bort-dialog-{ticked}")
        dialog.find_element(By.CSS_SELECTOR, "[data-close]").click()
        web.wait_for(lambda d: not dialog.is_displayed())
    assert demo.scalar(select(Delegation.id).where(Delegation.ended_at.is_not(None))) is None
    web.check()
