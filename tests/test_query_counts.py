"""A page costs a constant handful of queries whatever the number of rows (no N+1)."""
import pytest
from sqlalchemy import event

from beh_core.db import get_database
from helpers import make_order, person, person_without_permissions, text_of


class QueryCounter:
    """Counts SQL statements sent by the app's engine."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def queries_for(app, browser, path):
    with QueryCounter(get_database(app).engine) as counter:
        # 404: a page beyond the last ("Sida 2 finns inte") costs the same statements as a page that exists.
        assert browser.get(path).status_code in (200, 404)
    return counter.count


LISTS = [
    ("sarbe1", "/bestallningar/mina"), ("sarbe1", "/bestallningar/alla"), ("johek1", "/attest/"),
    ("sarbe1", "/bestallningar/mina?status=vantar_pa_attest"), ("sarbe1", "/bestallningar/alla?typ=forandring"),
    ("sarbe1", "/bestallningar/alla?katalog=lr&status=vantar_pa_attest"), ("sarbe1", "/bestallningar/mina?sida=sista"),
    ("sarbe1", "/bestallningar/mina?sida=2"), ("sarbe1", "/bestallningar/alla?system=esMaker"),
    ("sarbe1", "/bestallningar/alla?slutanvandare=eriny1"), ("kardah", "/bestallningar/alla?bestallare=sarbe1"),
    ("kardah", "/bestallningar/alla"), ("kardah", "/bestallningar/alla?fran=2020-01-01&till=2030-12-31"),
    ("lensa1", "/servicedesk/?status=vantar_pa_attest"), ("lensa1", "/servicedesk/?person=sarbe1"),
]


@pytest.mark.parametrize("user,path", LISTS)
def test_listor_kostar_lika_många_frågor_för_2_som_för_40_rader(app, region, login, user, path):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    users = [person_without_permissions(region, exclude=()), person(region, "eriny1")]
    viewer = login(user)

    def add(n):
        for i in range(n):
            make_order(region, orderer=sarbe1, end_user=users[i % 2], attestant=johek1, forvaltning_code="NH",
                       omrade_name="Område Norr")

    add(2)
    viewer.get(path)  # warm: the first request of a browser loads what later requests reuse
    few = queries_for(app, viewer, path)
    add(38)
    many = queries_for(app, viewer, path)
    assert many == few
    assert few <= 4  # the session and user, the actor's rights, the list (count, ids and rows: 1), a person


def test_en_beställning_kostar_lika_många_frågor_oavsett_antal_rader(app, region, login):
    from beh_core.models import OrderLine

    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    order = make_order(region, orderer=sarbe1, end_user=person_without_permissions(region), attestant=johek1,
                       forvaltning_code="NH", omrade_name="Område Norr")
    viewer = login("sarbe1")
    one = queries_for(app, viewer, f"/bestallningar/{order.number}")
    assert one <= 3  # the session and the user's rights; the order with its people and attest steps; its lines
    for n in range(10):
        region.add(OrderLine(order_id=order.id, position=n + 1, item_key="lr.corpus", item_name="Corpus",
                             scope="regional", values={}))
    region.commit()
    assert queries_for(app, viewer, f"/bestallningar/{order.number}") == one


@pytest.mark.parametrize("path", ["/delegeringar/hantera?typ=LR&omrade={key}&status=alla", "/delegeringar/sok?vgr_id={vgr}"])
def test_delegeringslistorna_kostar_lika_många_frågor_för_få_som_för_många_rader(app, region, login, path):
    """Hantera and Visa delegeringar: the count, the page's ids and its rows with their people and places
    are one statement, so a page of 25 delegations costs what a page of 2 does."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from beh_core.models import SCOPE_AREA, Delegation, Omrade
    from helpers import people_without_permissions

    omrade = region.scalar(select(Omrade).where(Omrade.code == "NH-O1"))
    marho1, target = person(region, "marho1"), person(region, "eriny1")
    url = path.format(key=f"{omrade.forvaltning_id}:{omrade.id}", vgr=target.vgr_id)
    viewer = login("marho1")

    def add(people, start):
        for n, who in enumerate(people):
            valid_from = start + timedelta(days=400 * n)  # one person's delegations never overlap
            region.add(Delegation(person_id=who.id, scope=SCOPE_AREA, forvaltning_id=omrade.forvaltning_id,
                                  omrade_id=omrade.id, is_bestallare=True, is_attestant=n % 2 == 0,
                                  valid_from=valid_from, valid_to=valid_from + timedelta(days=300),
                                  delegated_by_id=marho1.id, person_last_name_lc=who.last_name_lc,
                                  person_first_name_lc=who.first_name_lc))
        region.commit()

    viewer.get(url)
    few = queries_for(app, viewer, url)
    others = people_without_permissions(region, 20)
    add(others, date(2001, 1, 1))
    add([target] * 10, date(1980, 1, 1))
    many = queries_for(app, viewer, url)
    assert many == few
    # Hantera: the session with the chef's rights and the names of their förvaltningar and områden (the
    # choices), then the list; Visa: the person searched for too.
    assert few == (2 if "hantera" in url else 3)
    shown = text_of(viewer.get(url)).count('data-label="VGR-ID"')
    assert shown == 25 if "hantera" in url else shown >= 10  # a full page of Hantera; all ten of hers
