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
