"""Startsidan's Tjänster: a catalogue kept off the start page (Användartjänst) shows there for a beställare who
ordered in it at least FREQUENT_ORDERS times in the last FREQUENT_DAYS days."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select, text

from beh_core.authz import load_actor
from beh_core.models import Enhet, Order, OrderKind, OrderStatus, Person
from beh_core.services.work_tasks import _frequent_statement, frequent_catalogues
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


def test_räkningen_läser_beställarens_senaste_dagar_per_status_och_typ_ur_indexet(region):
    """At most FREQUENT_ORDERS index entries per catalogue, each (status, typ) an exact prefix of
    ix_orders_orderer_facets with the last days of it; on PostgreSQL also in the one generic plan kept for
    every beställare and day (as IN lists the generic plan read the beställare's whole range)."""
    # Orders of many beställare, every status and typ, over two years: what the planner plans for.
    unit = region.scalar(select(Enhet).order_by(Enhet.id))
    people = region.scalars(select(Person.id).order_by(Person.id).limit(40)).all()
    statuses, kinds = list(OrderStatus), list(OrderKind)
    region.execute(insert(Order), [
        {"number": f"f{n:07d}", "catalogue": ("lr", "usertjanst", "vmu")[n % 3], "kind": kinds[n % 3].value,
         "status": statuses[n % len(statuses)].value, "orderer_id": people[n % 40], "end_user_id": people[-1 - n % 7],
         "attestant_id": people[n % 5], "forvaltning_id": unit.omrade.forvaltning_id, "omrade_id": unit.omrade_id,
         "enhet_id": unit.id,
         "start_date": TODAY, "created_at": datetime.now(timezone.utc) - timedelta(hours=5 * n)} for n in range(4000)])
    region.commit()
    postgresql = region.get_bind().dialect.name == "postgresql"
    if postgresql:
        region.execute(text("ANALYZE orders"))
    statement = _frequent_statement(postgresql, 2, 3).params(orderer=987654, key_0="usertjanst", key_1="lr",
                                                              since=datetime(2001, 2, 3, 4, 5, 6, tzinfo=timezone.utc))
    sql = str(statement.compile(region.get_bind(), compile_kwargs={"literal_binds": True}))
    if postgresql:
        sql = sql.replace("987654", "$1").replace("'2001-02-03 04:05:06+00:00'", "$2")
        assert "$1" in sql and "$2" in sql, sql
        region.execute(text("SET enable_seqscan = off"))
        region.execute(text("SET plan_cache_mode = force_generic_plan"))
        region.execute(text(f"PREPARE frequent(integer, timestamptz) AS {sql}"))
        lines = region.execute(text("EXPLAIN EXECUTE frequent(1, now())")).scalars().all()
        region.execute(text("DEALLOCATE frequent"))
        conditions = [line for line in lines if "Index Cond" in line]
        assert len(conditions) == 2 and all("status = " in c and "kind = " in c and "created_at >= $2" in c
                                            for c in conditions), lines
        assert sum("ix_orders_orderer_facets" in line for line in lines) == 2, lines
    else:
        lines = [row[-1] for row in region.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()]
        searches = [line for line in lines if "ix_orders_orderer_facets" in line]
        assert len(searches) == 2 and all("status=? AND kind=? AND catalogue=? AND created_at>?" in s
                                          for s in searches), lines
