"""The pages the benchmark loads: every list, its Sökalternativ alone and combined, deep pages and searches.

Values (an order number, a person, a system, cursors near the oldest order) are read from the region,
so the same list runs at every size.
"""
from __future__ import annotations

import argparse
import re
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text

from beh_core.services.paging import encode_cursor


@dataclass
class BenchPage:
    """One page: a label, the demo user, the path, and the ruler's page it is compared with."""

    label: str
    user: str
    path: str
    ruler: str = "/orders?orderer=1&page=1"
    status: int = 200


def _q(path: str, **params) -> str:
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def pages(conn, orders: int) -> list[BenchPage]:
    """Every page measured, with values from the region in ``conn``."""
    one = lambda sql, **p: conn.execute(text(sql), p).first()  # noqa: E731
    sarbe1 = one("SELECT id FROM persons WHERE vgr_id = 'sarbe1'")[0]
    newest = one("SELECT number, end_user_id, orderer_id, created_at FROM orders WHERE orderer_id <> :s "
                 "ORDER BY created_at DESC, id DESC LIMIT 1", s=sarbe1)
    end_user = one("SELECT vgr_id, hsa_id, first_name, last_name FROM persons WHERE id = :i", i=newest[1])
    orderer = one("SELECT vgr_id FROM persons WHERE id = :i", i=newest[2])[0]
    system = one("SELECT item_name FROM order_lines ORDER BY id DESC LIMIT 1")[0]
    rare_system = one("SELECT item_name FROM order_lines GROUP BY item_name ORDER BY count(*) LIMIT 1")[0]
    catalogue = one("SELECT catalogue FROM orders GROUP BY catalogue ORDER BY count(*) LIMIT 1")[0]
    oldest_mine = conn.execute(text("SELECT created_at, id FROM orders WHERE orderer_id = :s "
                                    "ORDER BY created_at, id LIMIT 15"), {"s": sarbe1}).all()
    mine_total = one("SELECT count(*) FROM orders WHERE orderer_id = :s", s=sarbe1)[0]
    middle = one("SELECT created_at, id FROM orders WHERE orderer_id = :s ORDER BY created_at DESC, id DESC "
                 "OFFSET :o LIMIT 1", s=sarbe1, o=max(0, mine_total // 2 - 1))
    day = newest[3].date()
    month = {"fran": (day - timedelta(days=30)).isoformat(), "till": day.isoformat()}
    name = f"{end_user[2]} {end_user[3][:4]}"
    mina, alla = "/bestallningar/mina", "/bestallningar/alla"
    half_page = mine_total // 2 // 15 + 1
    result = [
        BenchPage("Start page", "sarbe1", "/"),
        BenchPage("Mina p1 (sarbe1: a quarter of all orders)", "sarbe1", mina),
        BenchPage("Mina sida=400", "sarbe1", _q(mina, sida=400), "/orders?orderer=1&page=40"),
        BenchPage("Mina Sista sidan (the oldest order)", "sarbe1", _q(mina, sida="sista"), "/orders?orderer=1&page=40"),
        BenchPage("Mina Föregående from the oldest (fore=)", "sarbe1",
                  _q(mina, sida=-2, fore=encode_cursor(oldest_mine[-1])), "/orders?orderer=1&page=40"),
        BenchPage("Mina Nästa to the middle of her orders (efter=)", "sarbe1",
                  _q(mina, sida=half_page, efter=encode_cursor(middle)), "/orders?orderer=1&page=20"),
        BenchPage("Mina typ=forandring (0 matches)", "sarbe1", _q(mina, typ="forandring")),
        BenchPage("Mina status=avslutad", "sarbe1", _q(mina, status="avslutad")),
        BenchPage("Mina katalog= (start page tile)", "sarbe1", _q(mina, katalog=catalogue)),
        BenchPage("Alla p1 (sarbe1, two delegations)", "sarbe1", alla),
        BenchPage("Alla sida=400", "sarbe1", _q(alla, sida=400), "/orders?orderer=1&page=40"),
        BenchPage("Alla status=avslutad", "sarbe1", _q(alla, status="avslutad")),
        BenchPage("Alla typ=forandring (0 matches)", "sarbe1", _q(alla, typ="forandring")),
        BenchPage("Alla katalog=", "sarbe1", _q(alla, katalog=catalogue)),
        BenchPage("Alla slutanvändare=VGR-ID", "sarbe1", _q(alla, slutanvandare=end_user[0])),
        BenchPage("Alla slutanvändare=HSA-id", "sarbe1", _q(alla, slutanvandare=end_user[1])),
        BenchPage("Alla slutanvändare=first name and start of last name (free text)", "sarbe1",
                  _q(alla, slutanvandare=name)),
        BenchPage("Alla beställare=VGR-ID", "sarbe1", _q(alla, bestallare=orderer)),
        BenchPage("Alla beställare=sarbe1 (her own orders)", "sarbe1", _q(alla, bestallare="sarbe1")),
        BenchPage("Alla system= (the newest order's)", "sarbe1", _q(alla, system=system)),
        BenchPage("Alla system= (the rarest)", "sarbe1", _q(alla, system=rare_system)),
        BenchPage("Alla fran/till (30 days)", "sarbe1", _q(alla, **month)),
        BenchPage("Alla ordernummer", "sarbe1", _q(alla, ordernummer=newest[0])),
        BenchPage("Alla status+typ", "sarbe1", _q(alla, status="avslutad", typ="avslut")),
        BenchPage("Alla status+katalog", "sarbe1", _q(alla, status="attesterad", katalog=catalogue)),
        BenchPage("Alla typ+katalog", "sarbe1", _q(alla, typ="forandring", katalog=catalogue)),
        BenchPage("Alla status+fran/till", "sarbe1", _q(alla, status="avslagen", **month)),
        BenchPage("Alla system+status", "sarbe1", _q(alla, system=system, status="avslutad")),
        BenchPage("Alla slutanvändare+status", "sarbe1", _q(alla, slutanvandare=end_user[0], status="avslutad")),
        BenchPage("Alla beställare+status", "sarbe1", _q(alla, bestallare=orderer, status="avslutad")),
        BenchPage("Alla beställare+system", "sarbe1", _q(alla, bestallare="sarbe1", system=system)),
        BenchPage("Alla katalog+fran/till", "sarbe1", _q(alla, katalog=catalogue, **month)),
        BenchPage("Alla every filter at once", "sarbe1",
                  _q(alla, status="avslutad", typ="nyupplagg", katalog=catalogue, system=system,
                     bestallare="sarbe1", **month)),
        BenchPage("Attestera (johek1)", "johek1", "/attest/"),
        BenchPage("Alla typ=avslut (johek1)", "johek1", _q(alla, typ="avslut")),
        BenchPage("Alla p1 (administrator, every order)", "kardah", alla),
        BenchPage("Alla sida=400 (administrator)", "kardah", _q(alla, sida=400), "/orders?orderer=1&page=40"),
        BenchPage("Alla Sista sidan (administrator)", "kardah", _q(alla, sida="sista"), "/orders?orderer=1&page=40"),
        BenchPage("Alla status=avslutad (administrator)", "kardah", _q(alla, status="avslutad")),
        BenchPage("Alla typ=forandring (administrator, 0 matches)", "kardah", _q(alla, typ="forandring")),
        BenchPage("Alla system= (administrator, the rarest)", "kardah", _q(alla, system=rare_system)),
        BenchPage("One order", "kardah", f"/bestallningar/{newest[0]}"),
        BenchPage("Service Desk queue", "lensa1", "/servicedesk/"),
        BenchPage("Service Desk queue system=", "lensa1", _q("/servicedesk/", system=system)),
        BenchPage("Service Desk queue person=VGR-ID", "lensa1", _q("/servicedesk/", person=end_user[0])),
        BenchPage("Mina identiteter (sarbe1: every person she ordered for)", "sarbe1", "/mina-identiteter"),
        BenchPage("Visa/hantera delegeringar", "marho1", "/delegeringar/hantera"),
        BenchPage("Sök befintlig delegering", "marho1", _q("/delegeringar/sok", vgr_id="sarbe1")),
        # Not constant yet: every ended engagement of the units is checked for permissions left
        # (docs/performance.md, "What is not constant").
        BenchPage("Att avsluta (marho1, verksamhetschef of two units)", "marho1", "/att-avsluta/"),
    ]
    return result


# --- What the in-process lenses (bench_instructions.py, bench_plans.py) share -----------------------------

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def region_arguments(description: str) -> argparse.ArgumentParser:
    """A parser with the region to read (``--orders``, ``--admin-url``) and the pages (``--only``)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=200000, help="the region beh_bench_<orders> to read")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL)
    parser.add_argument("--only", default="", help="only pages whose label contains this text")
    return parser


def region_pages(url: str, orders: int, only: str = "") -> list[BenchPage]:
    """The pages of the region at ``url`` whose label contains ``only``."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [page for page in pages(conn, orders) if only in page.label]
    finally:
        engine.dispose()


def logged_in(app, clients: dict, user: str):
    """A test client of ``app`` logged in as the demo user ``user``, one per user (kept in ``clients``)."""
    client = clients.get(user)
    if client is None:
        client = clients[user] = app.test_client()
        token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login/demo", data={"csrf_token": token, "vgr_id": user})
    return client
