"""Startsidan's Tjänster: a catalogue kept off the start page (Användartjänst) shows there for a beställare who
ordered in it at least FREQUENT_ORDERS times in the last FREQUENT_DAYS days."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from beh_core.authz import load_actor
from beh_core.models import Order
from beh_core.services.work_tasks import frequent_catalogues
from helpers import make_order, person, person_without_permissions

TODAY = date.today()


def _orders(region, orderer, count: int, *, days_ago: int = 1, catalogue: str = "usertjanst"):
    johek1, end_user = person(region, "johek1"), person_without_permissions(region)
    for _ in range(count):
        made = make_order(region, orderer=orderer, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                          omrade_name="Område Norr")
        order = region.get(Order, made.id)
        order.catalogue = catalogue
        order.created_at = datetime.now(timezone.utc) - timedelta(days=days_ago)
    region.commit()


def test_tre_beställningar_de_senaste_90_dagarna_räknas_men_inte_äldre(region):
    sarbe1 = person(region, "sarbe1")
    actor = load_actor(region, sarbe1, TODAY)
    _orders(region, sarbe1, 2)
    _orders(region, sarbe1, 3, days_ago=120)
    assert frequent_catalogues(region, actor, ["usertjanst"], days=90, minimum=3) == set()
    _orders(region, sarbe1, 1, days_ago=89)
    assert frequent_catalogues(region, actor, ["usertjanst", "lr"], days=90, minimum=3) == {"usertjanst"}


def test_en_annan_beställares_beställningar_räknas_inte(region):
    sarbe1, marho1 = person(region, "sarbe1"), person(region, "marho1")
    _orders(region, marho1, 3)
    assert frequent_catalogues(region, load_actor(region, sarbe1, TODAY), ["usertjanst"], days=90, minimum=3) == set()
    assert frequent_catalogues(region, load_actor(region, marho1, TODAY), ["usertjanst"], days=90,
                               minimum=3) == {"usertjanst"}
