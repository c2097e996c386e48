"""A list's statement is built once per shape and kept; each request runs it with its own values.

What must hold: a kept statement never answers with another request's values. Two requests of the same
shape (the same kind of ranges and conditions, other values: another område, another date, another
beställare, another cursor) each get their own rows, and the second reuses the statement of the first.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import and_, func, select, update

from beh_core.models import Order
from beh_core.services import keyset
from beh_core.services.keyset import KeysetList, Range, keyset_page
from beh_core.services.list_rows import order_rows
from beh_core.services.order_queries import SORT_KEY
from beh_core.services.paging import PageRequest
from helpers import first_unit, make_order, person, person_without_permissions, text_of

NORR, MEDICIN = ("NH", "Område Norr"), ("SU", "Område Medicin")


def _place_orders(region):
    """Three orders in NH Område Norr and two in SU Område Medicin, by two beställare; {place: numbers}."""
    sarbe1, marho1, johek1 = person(region, "sarbe1"), person(region, "marho1"), person(region, "johek1")
    end_user = person_without_permissions(region)
    made = {NORR: [], MEDICIN: []}
    for place, orderer in ((NORR, sarbe1), (NORR, marho1), (NORR, sarbe1), (MEDICIN, sarbe1), (MEDICIN, sarbe1)):
        made[place].append(make_order(region, orderer=orderer, end_user=end_user, attestant=johek1,
                                      forvaltning_code=place[0], omrade_name=place[1]).number)
    return made


def _area_spec(omrade_ids: list[int], *where, mine: int = 0) -> KeysetList:
    flag = and_(Order.orderer_id == mine, Order.id > 0).label("mine")
    return KeysetList(entity=Order, key=SORT_KEY, shape=order_rows, extra_columns=(flag,),
                      ranges=(Range(tuple(where), (Order.omrade_id,), tuple((o,) for o in omrade_ids)),))


def _numbers(page) -> list[str]:
    return sorted(row.number for row, _ in page.rows)


def test_samma_form_med_andra_värden_ger_var_och_en_sina_egna_rader(region):
    made = _place_orders(region)
    norr, medicin = first_unit(region, *NORR)[0], first_unit(region, *MEDICIN)[0]
    kept = len(keyset._STATEMENTS)
    first = keyset_page(region, _area_spec([norr]), PageRequest(), 15)
    second = keyset_page(region, _area_spec([medicin]), PageRequest(), 15)
    assert _numbers(first) == sorted(made[NORR]) and first.total == 3
    assert _numbers(second) == sorted(made[MEDICIN]) and second.total == 2
    assert len(keyset._STATEMENTS) == kept + 1  # one shape: built for the first, reused by the second
    # Several rows of values (one array per column on PostgreSQL, one arm per row on SQLite), both ways round.
    both = keyset_page(region, _area_spec([norr, medicin]), PageRequest(), 15)
    assert _numbers(both) == sorted(made[NORR] + made[MEDICIN])
    assert _numbers(keyset_page(region, _area_spec([medicin, norr]), PageRequest(), 15)) == _numbers(both)


def test_villkor_extra_kolumner_och_markörer_följer_sin_egen_begäran(region):
    made = _place_orders(region)
    norr = first_unit(region, *NORR)[0]
    sarbe1, marho1 = person(region, "sarbe1"), person(region, "marho1")
    newest = region.scalar(select(func.max(Order.created_at)))
    later = newest + timedelta(days=1)
    # A condition's value: a date after every order, then one before every order.
    assert keyset_page(region, _area_spec([norr], Order.created_at >= later), PageRequest(), 15).rows == []
    early = keyset_page(region, _area_spec([norr], Order.created_at >= newest - timedelta(days=3650)),
                        PageRequest(), 15)
    assert _numbers(early) == sorted(made[NORR])
    # An extra column's value (is the row the actor's own?) is the actor of each request.
    for actor in (sarbe1, marho1, sarbe1):
        page = keyset_page(region, _area_spec([norr], mine=actor.id), PageRequest(), 15)
        assert {row.number for row, mine in page.rows if mine} == {
            row.number for row, _ in page.rows if row.orderer_id == actor.id}
    # A cursor's values: Nästa sida from two different rows gives two different pages.
    spec = _area_spec([norr])
    whole = keyset_page(region, spec, PageRequest(), 1)
    second = keyset_page(region, spec, PageRequest(number=2, after=whole.after), 1)
    third = keyset_page(region, spec, PageRequest(number=3, after=second.after), 1)
    assert len({row.number for page in (whole, second, third) for row, _ in page.rows}) == 3


def test_listorna_över_http_ger_varje_användare_och_sökning_sitt_eget(region, login):
    made = _place_orders(region)
    sarbe1, marho1 = login("sarbe1"), login("marho1")
    mine = {user: set(re.findall(r">(c9\d{5})<", text_of(browser.get("/bestallningar/mina"))))
            for user, browser in (("sarbe1", sarbe1), ("marho1", marho1))}
    assert mine["marho1"] == {made[NORR][1]}
    assert mine["sarbe1"] == {made[NORR][0], made[NORR][2], *made[MEDICIN]}
    for number in (made[NORR][0], made[MEDICIN][1], made[NORR][2]):  # the same search, another number
        found = re.findall(r">(c9\d{5})<", text_of(sarbe1.get(f"/bestallningar/alla?ordernummer={number}")))
        assert found == [number]  # the one row (its number column)
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat()
    assert "Inga beställningar hittades." in text_of(sarbe1.get(f"/bestallningar/alla?fran={tomorrow}"))
    assert made[NORR][1] in text_of(sarbe1.get("/bestallningar/alla?fran=2020-01-01"))


@pytest.mark.parametrize("arms_max", [1, keyset.ARMS_MAX])
def test_en_lista_med_flera_värderader_planeras_en_gång(region, monkeypatch, arms_max):
    """A range with several rows of values (an område per delegation, a status per facet) is planned once
    for every run on PostgreSQL (a generic plan), both ways it is written. Few rows (up to ``ARMS_MAX``):
    an arm per row, merged in order. More (here: over 1): one array per column, limited to their number
    in the SQL, so PostgreSQL knows how many there are; without that it assumed 10 and planned each run
    anew, which cost more than the run itself. (SQLite has no plan cache; each row of values is its own
    arm there, and the statement is kept all the same.)"""
    monkeypatch.setattr(keyset, "ARMS_MAX", arms_max)
    made = _place_orders(region)
    areas = [first_unit(region, *NORR)[0], first_unit(region, *MEDICIN)[0]]
    kept = None
    for _ in range(12):  # psycopg prepares a statement on its 5th run; PostgreSQL chooses after 5 more
        page = keyset_page(region, _area_spec(areas), PageRequest(), 15)
        assert _numbers(page) == sorted(made[NORR] + made[MEDICIN]) and page.total == 5
        kept = kept or len(keyset._STATEMENTS)
        assert len(keyset._STATEMENTS) == kept  # the first run's statement serves every later one
    if region.get_bind().dialect.name == "postgresql":
        written = "%%unnest%%" if arms_max == 1 else "%%page_ids%%"
        plans = region.connection().exec_driver_sql(
            f"SELECT generic_plans, custom_plans, statement LIKE '%%unnest%%' FROM pg_prepared_statements "
            f"WHERE statement LIKE '{written}'").all()
        assert plans and all(generic > 0 for generic, _, _ in plans), plans
        assert all(grid == (arms_max == 1) for _, _, grid in plans), plans


def test_värden_skrivna_i_sqltexten_är_varje_begärans_egna(region):
    """A range's facet values written into the SQL text (``Range.written``: typ, katalog) come from each
    request, never from the request that built the kept statement: two requests of one shape, two values."""
    made = _place_orders(region)
    norr = first_unit(region, *NORR)[0]
    region.execute(update(Order).where(Order.number == made[NORR][1]).values(kind="avslut"))
    region.flush()

    def spec(kind: str) -> KeysetList:
        return KeysetList(entity=Order, key=SORT_KEY, shape=order_rows, ranges=(
            Range((), (Order.omrade_id, Order.kind), ((norr, kind),), written=(1,)),))

    kept = len(keyset._STATEMENTS)
    for _ in range(2):
        assert [row.number for row in keyset_page(region, spec("avslut"), PageRequest(), 15).rows] == [made[NORR][1]]
        others = keyset_page(region, spec("nyupplagg"), PageRequest(), 15)
        assert sorted(row.number for row in others.rows) == sorted([made[NORR][0], made[NORR][2]])
    assert len(keyset._STATEMENTS) == kept + 1  # one shape, kept once, each run with its own value
