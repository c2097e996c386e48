"""Every list reads index ranges, whatever the filter: the plans of the statements each page sends.

Each page of Tidigare beställningar (Mina, Alla), the attest list, the Service Desk queue and the
delegation lists is requested with every Sökalternativ alone and together; every statement it sends
is then explained on the same database. On PostgreSQL (sequential scans switched off, as the tables
are tiny here) every read of orders, their lines and persons must be an index range (an Index Cond),
never a whole index or table; on SQLite no table may be scanned whole. The sizes do not matter: the
benchmark (scripts/benchmark.py) measures the same pages at 5 M orders.
"""
import json

import pytest
from sqlalchemy import event

from beh_core.db import get_database
from helpers import make_order, person, person_without_permissions

TABLES = {"orders", "order_lines", "persons", "delegations", "order_attest_steps"}
# The list of every order (administrators, Service Desk) is the whole of this index, read newest first and
# stopped after a page (or the count's cap) by LIMIT: the one index read from its end without a condition.
WHOLE_LIST_INDEX = "ix_orders_created"

MINA = "/bestallningar/mina"
ALLA = "/bestallningar/alla"
FILTERS = {
    "inga": {},
    "status": {"status": "avslutad"},
    "typ": {"typ": "forandring"},
    "katalog": {"katalog": "lr"},
    "status och typ": {"status": "avslutad", "typ": "avslut"},
    "status, typ och katalog": {"status": "vantar_pa_attest", "typ": "nyupplagg", "katalog": "lr"},
    "datum": {"fran": "2020-01-01", "till": "2030-12-31"},
    "slutanvändare VGR-ID": {"slutanvandare": "eriny1"},
    "slutanvändare namn": {"slutanvandare": "erik nys"},
    "slutanvändare HSA-id": {"slutanvandare": "SE2321000131-P000000000005"},
    "system": {"system": "esMaker"},
    "ordernummer": {"ordernummer": "c900001"},
    "status och datum": {"status": "avslutad", "fran": "2020-01-01"},
    "alla på en gång": {"status": "vantar_pa_attest", "typ": "nyupplagg", "katalog": "lr", "system": "esMaker",
                        "fran": "2020-01-01", "till": "2030-12-31"},
}
PAGES = {"första": {}, "sista": {"sida": "sista"}, "sida 3": {"sida": "3"}}


def _query(path: str, args: dict) -> str:
    from urllib.parse import urlencode

    return path + ("?" + urlencode(args) if args else "")


def _sent(app, browser, url: str) -> list[tuple[str, object]]:
    statements = []

    def grab(conn, cursor, statement, parameters, context, many):
        statements.append((statement, parameters))

    engine = get_database(app).engine
    event.listen(engine, "before_cursor_execute", grab)
    try:
        response = browser.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert response.status_code in (200, 404), (url, response.status_code)
    return statements


def _pg_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _pg_nodes(child)


def _whole_reads(app, statements) -> list[str]:
    """Reads of whole tables or whole indexes in the plans of the statements."""
    engine = get_database(app).engine
    bad = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET enable_seqscan = off")
                found = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
                plan = (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]
                for node in _pg_nodes(plan):
                    if node.get("Relation Name") not in TABLES:
                        continue
                    if node["Node Type"] == "Seq Scan" or (
                            node["Node Type"] in ("Index Scan", "Index Only Scan") and "Index Cond" not in node
                            and node.get("Index Name") != WHOLE_LIST_INDEX):
                        bad.append(f"{node['Node Type']} on {node['Relation Name']}: {statement[:300]}")
            else:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                for row in rows:
                    detail = row[-1]
                    words = detail.split()
                    if len(words) > 1 and words[0] == "SCAN" and words[1] in TABLES and WHOLE_LIST_INDEX not in words:
                        bad.append(f"{detail}: {statement[:300]}")
    return bad


@pytest.fixture
def orders(region):
    """A few orders by sarbe1 in Område Norr, for eriny1, attested by johek1."""
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    eriny1 = person(region, "eriny1")
    for n in range(4):
        make_order(region, orderer=sarbe1, end_user=eriny1 if n % 2 else person_without_permissions(region),
                   attestant=johek1, forvaltning_code="NH", omrade_name="Område Norr",
                   status="avslutad" if n == 3 else "vantar_pa_attest")
    return region


@pytest.mark.parametrize("name", list(FILTERS))
@pytest.mark.parametrize("path,user", [(MINA, "sarbe1"), (ALLA, "sarbe1"), (ALLA, "kardah")])
def test_varje_filter_läser_indexintervall(app, orders, login, path, user, name):
    browser = login(user)
    statements = _sent(app, browser, _query(path, FILTERS[name]))
    assert statements
    assert _whole_reads(app, statements) == []


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("path,user", [(MINA, "sarbe1"), (ALLA, "sarbe1"), (ALLA, "kardah"), ("/attest/", "johek1"),
                                       ("/servicedesk/", "lensa1")])
def test_första_sista_och_djupa_sidor_läser_indexintervall(app, orders, login, path, user, page):
    statements = _sent(app, login(user), _query(path, PAGES[page]))
    assert _whole_reads(app, statements) == []


@pytest.mark.parametrize("args", [{}, {"system": "esMaker"}, {"person": "eriny1"}, {"ordernummer": "c900001"},
                                  {"status": "attesterad", "forvaltning": "1"}])
def test_service_desks_kö_läser_indexintervall(app, orders, login, args):
    statements = _sent(app, login("lensa1"), _query("/servicedesk/", args))
    assert _whole_reads(app, statements) == []


def test_beställare_i_alla_läser_hennes_intervall_per_delegering(app, orders, login):
    statements = _sent(app, login("kardah"), _query(ALLA, {"bestallare": "sarbe1", "status": "avslutad"}))
    assert _whole_reads(app, statements) == []
    statements = _sent(app, login("johek1"), _query(ALLA, {"bestallare": "sarbe1"}))
    assert _whole_reads(app, statements) == []


def test_nästa_sida_med_markör_läser_indexintervall(app, orders, login):
    browser = login("kardah")
    first = browser.get(_query(ALLA, {}))
    assert first.status_code == 200
    # A cursor from a page, as the Nästa sida link carries it.
    cursor = "1700000000000000.5"
    for args in ({"sida": "2", "efter": cursor}, {"sida": "2", "fore": cursor}, {"sida": "-2", "efter": cursor}):
        statements = _sent(app, browser, _query(ALLA, args))
        assert _whole_reads(app, statements) == []


def test_delegeringslistorna_läser_indexintervall(app, orders, login):
    browser = login("marho1")
    for url in ("/delegeringar/hantera", "/delegeringar/sok?vgr_id=sarbe1"):
        assert _whole_reads(app, _sent(app, browser, url)) == []

