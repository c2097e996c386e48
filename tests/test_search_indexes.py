"""Person search uses indexed prefixes, never '%…%' scans, on SQLite and PostgreSQL."""
import pytest
from sqlalchemy import select, text

from beh_core.models import Person
from beh_core.services.directory import prefix_of, prefix_pattern, search_persons


def plan(db, stmt) -> str:
    compiled = stmt.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET enable_seqscan = off"))  # tiny tables: make the planner show what it can use
        rows = db.execute(text(f"EXPLAIN {compiled}")).scalars().all()
    else:
        rows = [r[-1] for r in db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()]
    return "\n".join(rows)


@pytest.mark.parametrize("column", [Person.last_name_lc, Person.first_name_lc, Person.vgr_id])
def test_prefixsökning_använder_index(region, column):
    shown = plan(region, select(Person.id).where(prefix_of(column, "ber")))
    assert "INDEX" in shown.upper(), shown
    assert "SCAN persons" not in shown and "Seq Scan" not in shown, shown
    if region.get_bind().dialect.name == "postgresql":
        assert "Index Cond" in shown, shown  # a range on the index, not a filter over all of it


def test_sökning_på_namn_är_skiftlägesokänslig_och_tolkar_inte_jokertecken(region):
    found = search_persons(region, last_name="BERG")
    assert found and all(p.last_name_lc.startswith("berg") for p in found)
    assert search_persons(region, last_name="%") == []
    assert prefix_pattern("a_b%") == "a\\_b\\%%"


def test_att_avsluta_frågar_raderna_om_en_behörighet_via_index(region):
    """Att avsluta asks, per held permission, for an Avslut line under way: through the lines' index of the
    permission they end (without it each question read every line; 15 minutes at 5 M orders)."""
    from beh_core.models import OrderLine

    shown = plan(region, select(OrderLine.id).where(OrderLine.held_permission_id == 7, OrderLine.removed.is_(False)))
    assert "ix_order_lines_held_permission" in shown, shown


def test_att_avsluta_läser_enheternas_upphörda_engagemang_ur_deras_index(region):
    """Att avsluta reads, per unit of the chef or beställare, that unit's range of ended engagements from
    ix_engagements_unit_ended alone; the region's other ended engagements are not read (at 100 000 persons
    that walk was 5 000 rows for 742)."""
    from datetime import date, timedelta

    from sqlalchemy import insert

    from beh_core.models import Engagement, Enhet
    from beh_core.services import leavers

    today = date.today()
    units = region.scalars(select(Enhet.id).order_by(Enhet.id)).all()
    persons = region.scalars(select(Person.id).order_by(Person.id)).all()
    region.execute(insert(Engagement), [
        {"person_id": persons[n % len(persons)], "enhet_id": units[n % len(units)], "kind": "anstalld",
         "start_date": today - timedelta(days=900), "end_date": today - timedelta(days=1 + n % 300),
         "is_primary": False} for n in range(4000)])
    region.commit()
    postgresql = region.get_bind().dialect.name == "postgresql"
    if postgresql:
        region.execute(text("ANALYZE engagements"))
    page, count = leavers._list_statements()
    params = {"unit_ids": units[:2], "omrade_ids": [], "today": today, "limit": 25, "offset": 0}
    for statement in (page, count):
        lines = plan(region, statement.params(**params)).splitlines()
        if postgresql:
            # An index-only scan once the table is vacuumed; a bitmap of the same range before.
            scans = [n for n, line in enumerate(lines) if "ix_engagements_unit_ended" in line]
            assert any("Index Cond: ((enhet_id = enheter" in lines[n + 1] and "end_date <" in lines[n + 1]
                       for n in scans), lines
        else:
            assert "SEARCH engagements USING COVERING INDEX ix_engagements_unit_ended (enhet_id=? AND end_date<?)" \
                in lines, lines
        assert not any("ix_engagements_end_date" in line for line in lines), lines


def test_postgresql_kompilerar_inga_frågor_med_jit(app):
    """Short statements with a high estimated cost must not pay for JIT compilation (95 ms of a 5 ms count)."""
    from beh_core.db import get_database

    engine = get_database(app).engine
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            assert connection.exec_driver_sql("SHOW jit").scalar() == "off"
        else:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # SQLite: its own settings


def test_slutanvändarens_orderintervall_inom_delegeringarna_läses_ur_indexet_ensamt(app, region):
    """Slutanvändare in Alla beställningar: a person's orders within the actor's områden and vårdenheter
    (and a beställare, a status) are read from ix_orders_end_user alone on PostgreSQL, which carries those
    columns, as is the Service Desk queue's by person (status, Akut); every entry of a name search's
    persons read from the table cost 13 ms of a 25 ms page at 5 M orders."""
    from beh_core.models import Order

    stmt = (select(Order.created_at, Order.id)
            .where(Order.end_user_id == 7, (Order.omrade_id == 1) | (Order.enhet_id == 2), Order.orderer_id == 3)
            .order_by(Order.created_at.desc(), Order.id.desc()).limit(16))
    if region.get_bind().dialect.name != "postgresql":
        assert "ix_orders_end_user" in plan(region, stmt)  # SQLite has no INCLUDE: the same index, then the rows
        return
    stmt = stmt.where(Order.status == "attesterad", Order.akut.is_(False))
    region.execute(text("SET LOCAL enable_seqscan = off"))
    region.execute(text("SET LOCAL enable_bitmapscan = off"))
    shown = plan(region, stmt)
    region.rollback()
    assert "Index Only Scan Backward using ix_orders_end_user" in shown, shown
