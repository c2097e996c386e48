"""Mina identiteter reads the persons a beställare has ordered for from ``ordered_for``, which the database
keeps (migration 0016's trigger): one row per beställare and person, with the time of the latest order."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from beh_core.models import Order, OrderedFor
from helpers import make_order, person, people_without_permissions, text_of


def _pairs(db, orderer) -> dict[int, datetime]:
    db.expire_all()
    return {row.person_id: row.last_ordered_at for row in
            db.scalars(select(OrderedFor).where(OrderedFor.orderer_id == orderer.id))}


def _utc(moment: datetime) -> datetime:
    """The moment in UTC without its zone (SQLite gives stored times back without one)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _order(db, orderer, end_user):
    return make_order(db, orderer=orderer, end_user=end_user, attestant=person(db, "johek1"),
                      forvaltning_code="NH", omrade_name="Område Norr")


def test_varje_beställning_noterar_beställare_och_person_en_gång_med_senaste_tiden(region):
    sarbe1 = person(region, "sarbe1")
    anna, bertil = people_without_permissions(region, 2)
    first = _order(region, sarbe1, anna)
    _order(region, sarbe1, bertil)
    latest = _order(region, sarbe1, anna)
    pairs = _pairs(region, sarbe1)
    assert set(pairs) == {anna.id, bertil.id}  # Anna once, though ordered for twice
    assert _utc(pairs[anna.id]) == _utc(region.get(Order, latest.id).created_at)
    # An older order written later (an import) does not move the time back.
    older = region.get(Order, first.id)
    region.add(Order(catalogue=older.catalogue, kind=older.kind, status=older.status, orderer_id=sarbe1.id,
                     end_user_id=anna.id, attestant_id=older.attestant_id, forvaltning_id=older.forvaltning_id,
                     omrade_id=older.omrade_id, enhet_id=older.enhet_id, start_date=older.start_date,
                     number="c999999", created_at=datetime(2020, 1, 2, tzinfo=timezone.utc)))
    region.commit()
    assert _utc(_pairs(region, sarbe1)[anna.id]) == _utc(region.get(Order, latest.id).created_at)


def test_en_ändrad_slutanvändare_noteras_också(region):
    sarbe1 = person(region, "sarbe1")
    anna, bertil = people_without_permissions(region, 2)
    order = _order(region, sarbe1, anna)
    region.get(Order, order.id).end_user_id = bertil.id
    region.commit()
    assert bertil.id in _pairs(region, sarbe1)


def test_mina_identiteter_visar_de_senast_beställda_först_och_räknar(region, login):
    sarbe1 = person(region, "sarbe1")
    people = people_without_permissions(region, 3)
    for someone in people:
        _order(region, sarbe1, someone)
    page = text_of(login("sarbe1").get("/mina-identiteter"))
    rows = page.split("<tbody>", 1)[1]
    shown = [rows.index(f"({someone.vgr_id})") for someone in reversed(people)]
    assert shown == sorted(shown)  # the last ordered for first
    assert "Totalt 3 st." in page


def test_mina_identiteter_kostar_lika_många_frågor_för_få_som_för_många_personer(app, region, login):
    from test_query_counts import queries_for

    sarbe1 = person(region, "sarbe1")
    people = people_without_permissions(region, 20)
    browser = login("sarbe1")
    for someone in people[:2]:
        _order(region, sarbe1, someone)
    browser.get("/mina-identiteter")  # warm: the first request of a browser loads what later requests reuse
    few = queries_for(app, browser, "/mina-identiteter")
    for someone in people[2:]:
        _order(region, sarbe1, someone)
    many = queries_for(app, browser, "/mina-identiteter")
    assert many == few
    assert few <= 3  # the session, user and rights; the count with the page; what the page's persons hold


def test_mina_identiteter_sida_för_sida_och_en_sida_efter_den_sista_visar_den_sista(region):
    from beh_core.authz import load_actor
    from beh_core.services.identities import my_identities

    sarbe1 = person(region, "sarbe1")
    people = people_without_permissions(region, 3)
    for someone in people:
        _order(region, sarbe1, someone)
    actor = load_actor(region, sarbe1)
    first, second = (my_identities(region, actor, page=n, size=2) for n in (1, 2))
    assert (first.total, first.pages, first.page) == (3, 2, 1)
    assert [i.person.id for i in first.rows] == [people[2].id, people[1].id]  # the last ordered for first
    assert [i.person.id for i in second.rows] == [people[0].id] and second.page == 2
    past = my_identities(region, actor, page=9, size=2)
    assert (past.page, [i.person.id for i in past.rows]) == (2, [people[0].id])
