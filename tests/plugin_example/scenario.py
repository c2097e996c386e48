"""Run by tests/test_plugin_from_docs.py in a separate interpreter where the wheels are installed.

``scenario.py with DB_URL``: the example plugin is installed: migrate, build the demo region, and
order, attest in two steps, fulfil, over HTTP. ``scenario.py without DB_URL``: the plugin is gone:
the portal starts on the same database and every other page works. Prints "OK <phase>" at the end.
"""
from __future__ import annotations

import re
import sys
from datetime import date

from sqlalchemy import inspect, select

from beh_core import create_app
from beh_core.cli import upgrade_database
from beh_core.db import get_database
from beh_core.demo import build_demo_region
from beh_core.models import Enhet, Order, OrderStatus, Person
from helpers import Browser, text_of

TODAY = date.today().isoformat()


def app_for(url: str):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "DEMO": True, "DEMO_LOGIN": True, "TESTING": True,
                       "ATTEST_SIGNING": "off", "FULFILLERS": ["lensa1"], "ADMINS": ["kardah"],
                       "WTF_CSRF_ENABLED": True})


def login(app, vgr_id: str) -> Browser:
    browser = Browser(app.test_client())
    browser.login(vgr_id)
    return browser


def ok(response, *, status=200) -> str:
    assert response.status_code == status, (response.status_code, text_of(response)[:2000])
    return text_of(response)


def with_plugin(url: str) -> None:
    app = app_for(url)
    upgrade_database(app)
    tables = inspect(get_database(app).engine).get_table_names()
    assert "provlabb_labbledare" in tables and "alembic_version_provlabb" in tables, tables
    db = get_database(app).sessionmaker()
    build_demo_region(db, persons=60, orders=0, seed=5, rt=app.extensions["beh_runtime"])
    end_user = db.scalar(select(Person).where(Person.vgr_id == "eriny1"))
    unit = db.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    marho1 = db.scalar(select(Person).where(Person.vgr_id == "marho1"))
    johek1 = db.scalar(select(Person).where(Person.vgr_id == "johek1"))
    assert unit.chef_id == marho1.id

    orderer = login(app, "sarbe1")
    start = ok(orderer.get("/"))
    assert "Provlabbet" in start and "Här beställs behörighet till Provlabbet för en användare." in start
    assert "Here access to the test laboratory is ordered for a user." in ok(orderer.get("/?lang=en"))
    orderer.get("/?lang=sv")
    ok(orderer.post("/provlabb/", {"field": "vgr_id", "q": "eriny1"}))
    assert orderer.post("/provlabb/person", {"person_id": end_user.id}).status_code == 302
    nh = unit.omrade.forvaltning_id
    assert orderer.post("/provlabb/behorigheter", {"forvaltning_id": nh, "kind": "nyupplagg"}).status_code == 302
    page = ok(orderer.get("/provlabb/sida/system"))
    assert 'type="email"' in page and 'type="checkbox"' in page and end_user.email in page  # prefilled from KiV
    token = "provlabb.konto"
    wrong = {"action": "next", "choose": [token], f"f.{token}.avdelning": "999999", f"f.{token}.epost": "inte-epost",
             f"f.{token}.nattjour": "1"}
    orderer.post("/provlabb/sida/system", wrong)
    refused = ok(orderer.get("/provlabb/sida/system"))
    assert "Avdelning \u201d999999\u201d finns inte" in refused and "ska vara en e-postadress" in refused
    assert 'value="inte-epost"' in refused
    night = dict(wrong, **{f"f.{token}.avdelning": str(unit.id), f"f.{token}.epost": "a@example.org"})
    orderer.post("/provlabb/sida/system", night)
    assert "Nattjour kräver en e-postadress i vgregion.se." in ok(orderer.get("/provlabb/sida/system"))
    good = dict(night, **{f"f.{token}.epost": "erik@vgregion.se"})
    assert orderer.post("/provlabb/sida/system", good).headers["Location"].endswith("/provlabb/granska")
    review = ok(orderer.get("/provlabb/granska"))
    assert "Projektkod" in review and "Slutdatum" in review and "Nattjour: Ja" in review
    assert "Godkännande av verksamhetschef" not in review or "Holm" not in review  # not yet: no place chosen
    form = {"omrade_id": unit.omrade_id, "enhet_id": unit.id, "attestant_id": johek1.id, "start_date": TODAY,
            "order.projektkod": "x-1", "action": "submit"}
    orderer.post("/provlabb/granska", form)
    assert "Projektkoden får bara innehålla bokstäver och siffror." in ok(orderer.get("/provlabb/granska"))
    placed = orderer.post("/provlabb/granska", dict(form, **{"order.projektkod": "LAB42"}))
    assert "/provlabb/klar/" in placed.headers["Location"], text_of(placed)
    db.expire_all()
    order = db.scalar(select(Order).where(Order.catalogue == "provlabb", Order.orderer_id != 0)
                      .order_by(Order.id.desc()))
    assert [s.key for s in order.attest_steps] == ["attest", "chef"]
    assert order.attest_steps[1].attestant_id == marho1.id  # the plugin's rule: the unit's chef
    assert ["Projektkod", "LAB42"] in order.fields_shown

    # Step 1 by the L/R attestant, step 2 by the verksamhetschef; nobody else may.
    assert login(app, "marho1").get(f"/attest/{order.number}").status_code == 403
    ok(login(app, "johek1").post(f"/attest/{order.number}", {"action": "approve"}), status=302)
    db.expire_all()
    order = db.get(Order, order.id)
    assert order.status == OrderStatus.VANTAR_PA_ATTEST.value and order.attestant_id == marho1.id
    # johek1's step is done: his link leads to the order's page (it no longer waits for him), no decision.
    assert login(app, "johek1").get(f"/attest/{order.number}").status_code == 303
    assert login(app, "johek1").post(f"/attest/{order.number}", {"action": "approve"}).status_code == 303
    chef = login(app, "marho1")
    assert order.number in ok(chef.get("/attest/"))
    ok(chef.post(f"/attest/{order.number}", {"action": "approve"}), status=302)
    db.expire_all()
    assert db.get(Order, order.id).status == OrderStatus.ATTESTERAD.value

    desk = login(app, "lensa1")
    line = db.get(Order, order.id).lines[0]
    refused = desk.post(f"/servicedesk/{order.number}/rad/{line.id}", {f"line{line.id}.login": ""})
    assert refused.status_code == 400 and "Fyll i Login." in text_of(refused)
    ok(desk.post(f"/servicedesk/{order.number}/rad/{line.id}", {f"line{line.id}.login": "eriny1"}), status=302)
    db.expire_all()
    assert db.get(Order, order.id).status == OrderStatus.AVSLUTAD.value
    from beh_provlabb.plugin import COMPLETED

    assert COMPLETED == [order.number]  # the plugin heard order.completed once

    admin = login(app, "kardah")
    ok(admin.post("/provlabb/ledare", {"vgr_id": "johek1", "enhet_id": unit.id}), status=302)
    assert "Johan Ekström (johek1)" in ok(admin.get("/provlabb/ledare"))
    shown = ok(orderer.get(f"/bestallningar/{order.number}"))
    assert "Projektkod" in shown and "LAB42" in shown and "Provlabbet" in shown
    db.close()
    print("OK with")


def without_plugin(url: str) -> None:
    app = app_for(url)
    upgrade_database(app)  # the core's migrations are not blocked by the plugin's version table
    registry = app.extensions["beh_runtime"].registry
    assert registry.catalogue("provlabb") is None and registry.catalogue("lr") is not None
    db = get_database(app).sessionmaker()
    number = db.scalar(select(Order.number).where(Order.catalogue == "provlabb").order_by(Order.id.desc()))
    db.close()
    orderer = login(app, "sarbe1")
    start = ok(orderer.get("/"))
    assert "Provlabbet" not in start and "Lokala och Regionala system" in start
    assert orderer.get("/provlabb/").status_code == 404 and orderer.get("/provlabb/ledare").status_code == 404
    assert number in ok(orderer.get("/bestallningar/mina"))
    assert "LAB42" in ok(orderer.get(f"/bestallningar/{number}"))  # the order keeps what it showed
    ok(orderer.get("/lr/"))
    for who, pages in {"johek1": ["/attest/", "/bestallningar/alla"], "lensa1": ["/servicedesk/"],
                       "marho1": ["/delegeringar/hantera"], "kardah": ["/bestallningar/alla"]}.items():
        browser = login(app, who)
        for path in pages:
            ok(browser.get(path))
    hrefs = set(re.findall(r'href="(/[^"#?]*)', start))
    for path in sorted(hrefs):
        assert orderer.get(path).status_code < 500, path
    print("OK without")


if __name__ == "__main__":
    {"with": with_plugin, "without": without_plugin}[sys.argv[1]](sys.argv[2])
