"""System in Sökalternativ (manual 000, Tidigare beställningar): the orders with a line of the system.

The lists find them through the lines' own indexes (item_key, scope, time), from copies of the order's
time, beställare, område and vårdenhet that the database keeps on its lines (migration 0014): these
tests check the answers, whatever the path, and that the copies follow the order when it moves.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from beh_core.models import Order, OrderLine
from beh_core.services import order_queries
from helpers import first_unit, make_order, person, person_without_permissions, text_of

CORPUS = ("lr.corpus", "Corpus")


def _numbers(response) -> list[str]:
    assert response.status_code == 200, text_of(response)[:300]
    return re.findall(r">(c9\d{5})<", text_of(response))


def _naive(moment: datetime) -> datetime:
    """The moment in UTC without its zone (SQLite gives stored times back without one)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _total(response) -> str:
    return re.search(r"Totalt (\d+) st\.", text_of(response)).group(1)


@pytest.fixture
def orders(region):
    """sarbe1's orders in NH Område Norr: two of Corpus (one of them with two Corpus lines), one of esMaker,
    one whose Corpus line the attestant removed; an older Corpus order that is avslutad."""
    sarbe1, johek1, eriny1 = person(region, "sarbe1"), person(region, "johek1"), person(region, "eriny1")
    other = person_without_permissions(region)

    def order(item=CORPUS, status="vantar_pa_attest", end_user=eriny1):
        return make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                          omrade_name="Område Norr", status=status, item=item)

    made = {"corpus": order(), "twice": order(end_user=other), "esmaker": order(item=("lr.esmaker", "esMaker")),
            "removed": order(), "old": order(status="avslutad")}
    twice = region.get(Order, made["twice"].id)
    twice.lines.append(OrderLine(position=1, item_key=CORPUS[0], item_name=CORPUS[1], scope="regional",
                                 scope_key="2", values={}))
    region.get(Order, made["removed"].id).lines[0].removed = True
    region.get(Order, made["old"].id).created_at = datetime(2025, 4, 10, 9, 0, tzinfo=timezone.utc)
    region.commit()
    return {key: o.number for key, o in made.items()}


def test_system_visar_varje_beställning_med_systemet_en_gång(region, login, orders):
    wanted = [orders["twice"], orders["corpus"], orders["old"]]  # newest first
    for user, path in (("sarbe1", "/bestallningar/mina"), ("sarbe1", "/bestallningar/alla"),
                       ("kardah", "/bestallningar/alla")):
        response = login(user).get(f"{path}?system=Corpus")
        assert [n for n in _numbers(response) if n in orders.values()] == wanted, (user, path)
    assert _total(login("sarbe1").get("/bestallningar/mina?system=Corpus")) == "3"


def test_system_räknar_exakt_upp_till_sitt_eget_tak(region, login, orders, monkeypatch):
    """System is counted line by line, so its count stops sooner than other lists' ("fler än 150"): beyond
    it the list says so and Nästa sida still reaches every order. Here the cap is 2 of the 3."""
    monkeypatch.setattr(order_queries, "SYSTEM_COUNT_CAP", 2)
    browser = login("sarbe1")
    response = browser.get("/bestallningar/mina?system=Corpus")
    assert "Totalt fler än 2 st. Sida 1." in text_of(response)
    assert [n for n in _numbers(response) if n in orders.values()] == [orders["twice"], orders["corpus"], orders["old"]]
    assert re.search(r"Totalt \d+ st\. Sida 1 av", text_of(browser.get("/bestallningar/mina")))  # others: exact


def test_system_tillsammans_med_andra_sökalternativ(region, login, orders):
    browser = login("kardah")
    mine = set(orders.values())

    def found(query):
        return [n for n in _numbers(browser.get("/bestallningar/alla?" + query)) if n in mine]

    assert found("system=Corpus&status=avslutad") == [orders["old"]]
    assert found("system=Corpus&bestallare=sarbe1&fran=2025-03-01&till=2025-05-31") == [orders["old"]]
    assert found("system=Corpus&bestallare=sarbe1&status=vantar_pa_attest") == [orders["twice"], orders["corpus"]]
    assert found("system=esMaker&bestallare=sarbe1") == [orders["esmaker"]]
    assert found("system=Corpus&bestallare=johek1") == []
    assert found("system=Corpus&slutanvandare=eriny1") == [orders["corpus"], orders["old"]]
    mina = [n for n in _numbers(login("sarbe1").get("/bestallningar/mina?system=Corpus&typ=nyupplagg&katalog=lr"))
            if n in mine]
    assert mina == [orders["twice"], orders["corpus"], orders["old"]]


def test_raderna_följer_beställningen_när_den_flyttas(region, login, orders):
    """Byt attestant may move an order to another område and vårdenhet: its lines' copies follow it, so
    System in Alla shows it where it is now."""
    moved = region.query(Order).filter_by(number=orders["corpus"]).one()
    omrade_id, enhet_id = first_unit(region, "NH", "Område Söder")  # sarbe1 has no delegation there
    moved.omrade_id, moved.enhet_id = omrade_id, enhet_id
    region.commit()
    copies = region.query(OrderLine.omrade_id, OrderLine.enhet_id, OrderLine.order_created_at,
                          OrderLine.orderer_id).filter_by(order_id=moved.id).one()
    assert copies[:2] == (omrade_id, enhet_id) and copies[3] == moved.orderer_id
    assert _naive(copies[2]) == _naive(moved.created_at)
    assert orders["corpus"] not in _numbers(login("sarbe1").get("/bestallningar/alla?system=Corpus"))
    assert orders["corpus"] in _numbers(login("kardah").get("/bestallningar/alla?system=Corpus"))
    assert orders["corpus"] in _numbers(login("sarbe1").get("/bestallningar/mina?system=Corpus"))


def test_en_ny_rad_får_beställningens_värden(region, orders):
    order = region.query(Order).filter_by(number=orders["esmaker"]).one()
    order.lines.append(OrderLine(position=5, item_key=CORPUS[0], item_name=CORPUS[1], scope="regional", values={}))
    region.commit()
    line = region.query(OrderLine).filter_by(order_id=order.id, position=5).one()
    region.refresh(line)
    assert (line.orderer_id, line.omrade_id, line.enhet_id) == (order.orderer_id, order.omrade_id, order.enhet_id)
    assert _naive(line.order_created_at) == _naive(order.created_at)


def test_system_med_olika_status_ger_var_sina_rader_fast_frågan_återanvänds(region, login, orders):
    """Status with System is written into the statement (PostgreSQL then plans it once, knowing the
    value): the statement kept for one status must answer another status with that status's orders,
    many times over (psycopg prepares a statement on its fifth run)."""
    browser = login("sarbe1")
    for _ in range(7):
        waiting = _numbers(browser.get("/bestallningar/alla?system=Corpus&status=vantar_pa_attest"))
        ended = _numbers(browser.get("/bestallningar/alla?system=Corpus&status=avslutad"))
        assert [n for n in waiting if n in orders.values()] == [orders["twice"], orders["corpus"]]
        assert [n for n in ended if n in orders.values()] == [orders["old"]]
