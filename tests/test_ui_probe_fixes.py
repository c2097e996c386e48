"""Findings of an outside tester in headless Chromium, over HTTP: the language chosen on the login page
survives Logga in (and Logga ut), the start page says that a komplettering waits for the beställare's answer,
the delegation Ta bort dialog agrees in number, Användartjänst names a kostnadsställe's number once, and the
header keeps "(Logga ut)" together. The layout at 375 px is checked by tests/browser/test_browser_probe_pages.py.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from beh_core.models import Delegation, Kostnadsstalle
from helpers import Browser, person, person_without_permissions, text_of
from usertjanst_steps import choose_identity


def test_engelska_valt_på_inloggningssidan_gäller_efter_logga_in_och_logga_ut(app, region):
    browser = Browser(app.test_client())
    login_page = text_of(browser.get("/login?lang=en"))
    assert '<html lang="en">' in login_page
    logged_in = browser.post("/login/demo", {"vgr_id": "sarbe1"})
    assert logged_in.status_code == 302
    start = text_of(browser.get(logged_in.headers["Location"]))
    assert '<html lang="en">' in start and "Logged in:" in start and "Inloggad:" not in start
    assert '<html lang="en">' in text_of(browser.get("/bestallningar/mina"))
    logged_out = browser.post("/logout", {})
    assert logged_out.status_code == 302
    assert '<html lang="en">' in text_of(browser.get(logged_out.headers["Location"]))
    # Svenska chosen again, a new login stays Swedish; nothing else of the earlier session is kept.
    assert '<html lang="sv">' in text_of(browser.get("/login?lang=sv"))
    browser.post("/login/demo", {"vgr_id": "lensa1"})
    page = text_of(browser.get("/"))
    assert '<html lang="sv">' in page and "(lensa1)" in page and "(sarbe1)" not in page


def test_utan_valt_språk_är_portalen_svensk_efter_inloggningen(app, region, login):
    page = text_of(login("sarbe1").get("/"))
    assert '<html lang="sv">' in page and "Inloggad:" in page


def test_startsidan_säger_att_kompletteringen_väntar_på_beställaren(app, region, login):
    from test_fulfil_support import actor, approve, place, runtime_of

    from beh_core.services import fulfilment

    order = place(app, region, person_without_permissions(region),
                  items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    approve(app, region, order)
    with app.app_context():
        fulfilment.request_komplettering(region, runtime_of(app), actor(app, region, "lensa1"), order,
                                         "Ange vilken avdelning.")
    page = text_of(login("sarbe1").get("/"))
    heading = re.search(r'<h3 id="uppgift-komplettering">(.*?) <span', page)
    assert heading is not None, page
    # Not "Komplettering begärd av dig" (requested BY you): the beställare is the one to answer.
    assert heading.group(1) == "Att komplettera"
    assert "begärd av dig" not in page and order.number in page


def test_ta_bort_dialogen_har_en_text_för_en_och_en_för_flera_delegeringar(region, login):
    chef = login("marho1")
    page = text_of(chef.get("/delegeringar/hantera"))
    assert 'name="valda"' in page, page  # the dialog is on the page with the delegations
    dialog = page.split('id="dlg-ta-bort"', 1)[1].split("</dialog>", 1)[0]
    assert 'data-one="Ta bort 1 delegering?"' in dialog
    assert ('<p data-confirm-when="one">Den här delegeringen slutar gälla i dag och kan inte förlängas efteråt:</p>'
            in dialog)
    assert '<p data-confirm-when="many">Dessa delegeringar slutar gälla i dag och kan inte förlängas efteråt:</p>' \
        in dialog
    assert region.scalar(select(Delegation.id).where(Delegation.ended_at.is_not(None))) is None


def test_kostnadsställets_nummer_visas_en_gång(region, login):
    orderer = login("sarbe1")
    path, page = choose_identity(orderer, person(region, "perwi1"))
    assert path.endswith("/kostnadsstalle")
    hint = re.search(r'<p class="beh-hint" id="kostnadsstalle-valt">(.*?)</p>', page, re.S)
    assert hint is not None, page
    code = re.search(r"Kostnadsställe (\d+)", hint.group(1)).group(1)
    name = region.scalar(select(Kostnadsstalle.name).where(Kostnadsstalle.code == code))
    assert name.startswith(f"Kostnadsställe {code} ")  # the demo's names start with the number
    assert hint.group(1).startswith(name) and hint.group(1).count(code) == 1, hint.group(1)


def test_kostnadsställe_vars_namn_saknar_numret_visas_med_numret(region, login):
    orderer = login("sarbe1")
    region.execute(Kostnadsstalle.__table__.update().values(name="Vårdcentralen Åsby"))
    region.commit()
    _, page = choose_identity(orderer, person(region, "perwi1"))
    hint = re.search(r'<p class="beh-hint" id="kostnadsstalle-valt">(\d+) Vårdcentralen Åsby', page)
    assert hint is not None, page


def test_logga_ut_står_ihop_med_sina_parenteser(region, login):
    page = text_of(login("sarbe1").get("/"))
    assert re.search(r'<span class="beh-nowrap">\(<button type="submit" class="beh-linkbutton">Logga ut</button>\)'
                     r'</span>', page), page
