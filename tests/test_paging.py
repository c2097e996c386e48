"""Lists are paginated; at region scale the count stops at a cap instead of counting millions."""
from sqlalchemy import select

from beh_core.models import Person
from beh_core.services.paging import paginate


def test_sidor_och_tak_för_antalet(region):
    stmt = select(Person)
    exact = paginate(region, stmt, 2, 15, Person.id)
    assert exact.total == 60 and exact.pages == 4 and exact.page == 2 and len(exact.rows) == 15
    assert not exact.capped
    capped = paginate(region, stmt, 99, 15, Person.id, cap=40)
    assert capped.capped and capped.total == 40 and capped.pages == 3 and capped.page == 3
    assert [p.id for p in capped.rows] == [p.id for p in region.scalars(select(Person).order_by(Person.id))][30:45]


def test_ett_sidnummer_vars_förskjutning_inte_ryms_i_databasen_ger_ingen_sida_inte_serverfel(region, login):
    """sida=85899347 fits an integer, but its OFFSET (85899346 x 25) does not: PostgreSQL refused it with
    'integer out of range' (a 500). Such a page lies beyond every list: the list says the page does not exist."""
    huge = 85899347
    chef = login("marho1")
    for path in (f"/delegeringar/hantera?sida={huge}", f"/delegeringar/sok?vgr_id=eriny1&sida={huge}",
                 f"/att-avsluta/?sida={huge}", f"/mina-identiteter?sida={huge}"):
        response = chef.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
    orderer = login("sarbe1")
    for path in (f"/att-avsluta/?sida={huge}", f"/mina-identiteter?sida={huge}"):
        assert orderer.get(path).status_code in (200, 404), path
