"""Service Desk with Flexlab credentials, then Återkoppling, in Chromium from Startsidan.

Flexlab's account is normally made by its plugin at attest. Here the system owner's data
file says Flexlab is carried out by hand, so the line waits in the Service Desk queue: the Service Desk finds the order, must give Login and
Lösenord (required by lr_systems' SU.toml), types the password in a password field with
Visa/Dölj, and the orderer reads the credentials on Återkoppling and removes them after
seeing exactly what goes. SQLite only (see conftest.py).
"""
from __future__ import annotations

import shutil

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select

from beh_core.models import Credential, Order, OrderStatus
from helpers import make_config, person_without_permissions
from test_fulfil_support import approve, place


@pytest.fixture
def app_config(migrated, tmp_path):
    """Flexlab carried out by hand (the system owner's data file says so): its line reaches the Service Desk."""
    from importlib import resources

    data = tmp_path / "lr-data"
    shutil.copytree(str(resources.files("beh_lr_systems") / "data"), data)
    su = data / "local" / "SU.toml"
    su.write_text(su.read_text("utf-8").replace('fulfilment = "on_attest"', 'fulfilment = "manual"'), "utf-8")
    return make_config(migrated, tmp_path, PLUGIN_LR_SYSTEMS_DATA_DIR=str(data))


def test_service_desk_ger_flexlab_inloggningsuppgifter_och_beställaren_läser_och_tar_bort_dem(app, demo, web):
    end_user = person_without_permissions(demo)
    order = place(app, demo, end_user)
    approve(app, demo, order)
    demo.expire_all()
    order = demo.get(Order, order.id)
    assert order.status == OrderStatus.ATTESTERAD.value and order.active_lines[0].status == ""

    web.login("lensa1")
    web.follow("Service Desk behörigheter")
    # Each system once in the filter, though Admin-konto and NAVET exist in four förvaltningar.
    names = [o.text for o in Select(web.driver.find_element(By.ID, "system")).options]
    assert names.count("Admin-konto") == 1 and names.count("NAVET") == 1 and "Flexlab" in names

    # Search by person (the end user's VGR-ID, a prefix), then by system, then by ordernummer.
    web.driver.find_element(By.ID, "person").send_keys(end_user.vgr_id[:4])
    web.click_and_wait(web.button("Sök"))
    assert order.number in web.text()
    web.driver.find_element(By.ID, "person").clear()
    Select(web.driver.find_element(By.ID, "system")).select_by_visible_text("Flexlab")
    web.click_and_wait(web.button("Sök"))
    rows = web.driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert order.number in web.text() and rows and all("Flexlab" in row.text for row in rows)
    web.follow("Visa hela kön")
    web.driver.find_element(By.ID, "ordernummer").send_keys(order.number.upper())
    web.click_and_wait(web.button("Sök"))
    assert "Totalt 1 st." in web.text()
    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, f"a[href$='/servicedesk/{order.number}']"))

    # Utförd with nothing typed: both fields are required, the summary links to each.
    line = order.active_lines[0]
    password = web.driver.find_element(By.ID, f"line{line.id}.losenord")
    assert password.get_attribute("type") == "password"
    web.click_and_wait(web.button("Utförd"))
    summary = web.driver.find_element(By.ID, "error-summary")
    assert "Fyll i Login." in summary.text and "Fyll i Lösenord." in summary.text
    summary.find_elements(By.TAG_NAME, "a")[1].click()
    assert web.active().get_attribute("id") == f"line{line.id}.losenord"
    web.active().send_keys("Flex-Lab-2026")
    toggle = web.button("Visa")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert web.driver.find_element(By.ID, f"line{line.id}.losenord").get_attribute("type") == "text"
    web.button("Dölj").click()
    assert web.driver.find_element(By.ID, f"line{line.id}.losenord").get_attribute("type") == "password"
    web.driver.find_element(By.ID, f"line{line.id}.login").send_keys(end_user.vgr_id)
    web.click_and_wait(web.button("Utförd"))
    assert f"Beställning {order.number} är utförd och avslutad." in web.text()

    # The orderer: Mina beställningar -> Inloggningsuppgifter -> Återkoppling -> Ta bort lösenordsuppgifter.
    web.login("sarbe1")
    web.follow("Mina beställningar")
    web.click_and_wait(web.driver.find_element(By.CSS_SELECTOR, f"a[href$='/aterkoppling/{order.number}']"))
    text = web.text()
    assert f"Återkoppling {order.number}" in text and f"Login: {end_user.vgr_id}" in text
    assert "Lösenord: Flex-Lab-2026" in text
    web.link("Ta bort lösenordsuppgifter").click()
    dialog = web.driver.find_element(By.ID, "dlg-credentials")
    web.wait_for(lambda d: dialog.is_displayed())
    assert "Flexlab: Lösenord" in dialog.text and order.number in dialog.text
    web.audit("ta-bort-losenord-dialog")
    web.click_and_wait(dialog.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Lösenordsuppgifterna är borttagna." in web.text() and "Flex-Lab-2026" not in web.text()
    demo.expire_all()
    assert demo.scalar(select(func.count(Credential.id))) == 0
    web.check()
