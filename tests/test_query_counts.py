"""A page costs a constant handful of queries whatever the number of rows (no N+1)."""
import pytest
from sqlalchemy import event

from beh_core.db import get_database
from helpers import make_order, person, person_without_permissions


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
        assert browser.get(path).status_code == 200
    return counter.count


@pytest.mark.parametrize("path", ["/bestallningar/mina", "/bestallningar/alla", "/attest/"])
def test_listor_kostar_lika_många_frågor_för_2_som_för_15_rader(app, region, login, path):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    users = [person_without_permissions(region, exclude=())]
    viewer = login("johek1" if path == "/attest/" else "sarbe1")

    def add(n):
        for _ in range(n):
            make_order(region, orderer=sarbe1, end_user=users[0], attestant=johek1, forvaltning_code="NH",
                       omrade_name="Område Norr")

    add(2)
    few = queries_for(app, viewer, path)
    add(13)
    many = queries_for(app, viewer, path)
    assert many == few
    assert few <= 8


def test_en_beställning_kostar_lika_många_frågor_oavsett_antal_rader(app, region, login):
    from beh_core.models import OrderLine

    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    order = make_order(region, orderer=sarbe1, end_user=person_without_permissions(region), attestant=johek1,
                       forvaltning_code="NH", omrade_name="Område Norr")
    viewer = login("sarbe1")
    one = queries_for(app, viewer, f"/bestallningar/{order.number}")
    for n in range(10):
        region.add(OrderLine(order_id=order.id, position=n + 1, item_key="lr.corpus", item_name="Corpus",
                             scope="regional", values={}))
    region.commit()
    assert queries_for(app, viewer, f"/bestallningar/{order.number}") == one
