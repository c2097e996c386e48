"""Startsidan (manual 004): Arbetsuppgifter lists the same tasks as the attest, Service Desk and komplettering
pages for every demo role, from every catalogue; Tjänster; TJÄNSTER and MIN DATA in the left menu; Mina
identiteter."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from beh_core.demo import DEMO_ROLES, build_demo_region
from beh_core.models import Kostnadsstalle, Order, OrderStatus
from helpers import person, text_of
from usertjanst_steps import add, latest_order, order_up_to_levels, send

SECTION = re.compile(r'data-task="(\w+)".*?\((\d+)\+?\)</span>(.*?)</section>', re.S)
PAGES = {"attest": ("/attest/", r"/attest/(c\d+)"),
         "servicedesk": ("/servicedesk/", r"/servicedesk/(c\d+)"),
         "komplettering": ("/bestallningar/mina?status=komplettering", r"/bestallningar/(c\d+)")}


def tasks_on_start_page(page: str) -> dict[str, tuple[int, list[str]]]:
    """{task kind: (total, order numbers shown)} of Arbetsuppgifter."""
    found = {}
    for kind, total, body in SECTION.findall(page):
        found[kind] = (int(total), re.findall(r'data-number="(c\d+)"', body))
    return found


def first_rows(browser, kind: str, size: int) -> tuple[int, list[str]]:
    """(total, the first ``size`` order numbers) of the page that holds the tasks."""
    path, number = PAGES[kind]
    response = browser.get(path)
    if response.status_code == 403:
        return 0, []
    page = text_of(response)
    total = int(re.search(r"Totalt (?:fler än )?(\d+) st\.", page).group(1))
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    numbers = list(dict.fromkeys(re.findall(number, body)))
    return total, numbers[:size]


@pytest.fixture
def busy(app, db, rt, login):
    """A demo region with orders of every state: waiting for attest (L/R and ekonomisk attest, also for someone
    without an attestant delegation), at the Service Desk, and waiting for the orderer's komplettering."""
    build_demo_region(db, persons=80, orders=60, seed=11, rt=rt)
    mine = list(db.scalars(select(Order.id).where(Order.orderer_id == person(db, "sarbe1").id,
                                                  Order.status == OrderStatus.ATTESTERAD.value)))[:3]
    db.execute(update(Order).where(Order.id.in_(mine)).values(status=OrderStatus.KOMPLETTERING.value))
    # eriny1 answers for a kostnadsställe (no attestant delegation of her own: a plugin's attest step).
    db.add(Kostnadsstalle(code="70001", name="Testkostnader", ansvarig_id=person(db, "eriny1").id, active=True))
    db.commit()
    orderer = login("sarbe1")
    for code in ("69002", "70001"):
        order_up_to_levels(orderer, person(db, "perwi1") if code == "69002" else person(db, "lensa1"), code)
        add(orderer, "grund")
        send(orderer)
    # The newest orders first in every list: the ekonomisk attest orders are on the first rows.
    db.execute(update(Order).where(Order.id == latest_order(db).id)
               .values(created_at=datetime.now(timezone.utc) + timedelta(minutes=1)))
    db.commit()
    return db


@pytest.mark.parametrize("vgr_id", [role[1] for role in DEMO_ROLES])
def test_arbetsuppgifter_är_samma_som_på_sidorna_för_varje_roll(busy, login, vgr_id):
    browser = login(vgr_id)
    start = text_of(browser.get("/"))
    shown = tasks_on_start_page(start)
    for kind in PAGES:
        total, numbers = first_rows(browser, kind, 5)
        if total == 0:
            assert kind not in shown, (vgr_id, kind)
            continue
        assert shown[kind] == (total, numbers), (vgr_id, kind)
    if vgr_id in ("johek1", "eriny1"):  # ekonomisk attest is one of their tasks
        assert shown["attest"][0] >= 1
    if vgr_id == "sarbe1":
        assert shown["komplettering"][0] >= 1
    if vgr_id == "lensa1":
        assert shown["servicedesk"][0] >= 1
    if not shown:
        assert "Du har inga arbetsuppgifter just nu." in start


def test_den_som_ansvarar_för_ett_kostnadsställe_attesterar_utan_egen_delegering(busy, login):
    eriny1 = login("eriny1")
    start = text_of(eriny1.get("/"))
    number = tasks_on_start_page(start)["attest"][1][0]
    assert 'href="/attest/"' in start  # the left menu and the tile lead to the attest page
    assert eriny1.get(f"/attest/{number}").status_code == 200


def test_tjänster_listar_varje_katalog_och_startsidan_de_ofta_använda(region, login, rt, app):
    orderer = login("sarbe1")
    services = text_of(orderer.get("/tjanster"))
    assert "Hantera användartjänst" in services and "Lokala och Regionala system" in services
    assert 'href="/anvandartjanst/"' in services
    start = text_of(orderer.get("/"))
    assert "Arbetsuppgifter" in start and "Tjänster" in start
    assert "Lokala och Regionala system" in start and "Hantera användartjänst" not in start  # not ordered often yet
    for vgr_id in ("perwi1", "lensa1", "kardah"):
        order_up_to_levels(orderer, person(region, vgr_id), "69002")
        add(orderer, "grund")
        send(orderer)
    assert "Hantera användartjänst" in text_of(orderer.get("/"))  # three orders within 90 days: also here
    # Without a beställare delegation there is nothing to order.
    assert "Hantera användartjänst" not in text_of(login("lensa1").get("/tjanster"))


def test_vänstermenyn_visar_tjänster_och_min_data_efter_roll(region, login):
    for vgr_id, wanted, unwanted in (
            ("sarbe1", ["/tjanster", "/mina-identiteter", "/bestallningar/mina"], ["/servicedesk/", "/attest/"]),
            ("johek1", ["/attest/"], ["/servicedesk/", "/delegeringar/hantera"]),
            ("lensa1", ["/servicedesk/"], ["/attest/"]),
            ("marho1", ["/delegeringar/hantera", "/attest/"], ["/servicedesk/"])):
        page = text_of(login(vgr_id).get("/mina-identiteter"))
        menu = page.split('class="beh-menu"', 1)[1].split("</nav>", 1)[0]
        assert "Tjänster" in menu and "Min data" in menu and 'aria-current="page"' in menu
        for href in wanted:
            assert f'href="{href}"' in menu, (vgr_id, href)
        for href in unwanted:
            assert f'href="{href}"' not in menu, (vgr_id, href)


def test_mina_identiteter_visar_dem_jag_beställt_för_och_vad_de_har(region, login):
    orderer = login("sarbe1")
    assert "Du har inte beställt för någon ännu." in text_of(orderer.get("/mina-identiteter"))
    eriny1, perwi1 = person(region, "eriny1"), person(region, "perwi1")
    order_up_to_levels(orderer, perwi1, "69002")
    add(orderer, "avancerad")
    send(orderer)
    orderer.post("/anvandartjanst/", {"action": "annan"})
    orderer.post("/anvandartjanst/", {"q": "eriny1", "action": "fortsatt"})
    orderer.post("/anvandartjanst/", {"action": "forandring"})
    order_up_to_levels_from_costs(orderer)
    add(orderer, "enkel")
    send(orderer)
    page = text_of(orderer.get("/mina-identiteter"))
    rows = page.split("<tbody>", 1)[1]
    assert rows.index("Erik Nyström (eriny1)") < rows.index("Per Wikström (perwi1)")  # newest first
    assert "Användartjänst" in rows.split("Erik Nyström (eriny1)", 1)[1].split("</tr>", 1)[0]  # what he holds
    assert eriny1.personnummer not in page and eriny1.personnummer[:8] + "-****" in page
    found = text_of(orderer.get("/mina-identiteter?sok=per"))
    assert "Per Wikström (perwi1)" in found and "Erik Nyström" not in found
    assert "Ingen identitet hittades." in text_of(orderer.get("/mina-identiteter?sok=zzz"))
    assert "Du har inte beställt för någon ännu." in text_of(login("johek1").get("/mina-identiteter"))


def order_up_to_levels_from_costs(browser):
    """Välj kostnadsställe and Specificera detaljer after Byt nivå."""
    from usertjanst_steps import costs, details

    costs(browser, "69002")
    details(browser, orsak="Byte av nivå")
