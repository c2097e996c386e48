"""Service Desk's queue searched by person (manual 005): the orders where the person is the end user or the
orderer, akut first and then oldest, each once, read from the person's own orders (not the whole queue)."""
from __future__ import annotations

from helpers import make_order, person

from beh_core.models import Order, Person
from beh_core.services.paging import PageRequest
from beh_core.services.servicedesk_queue import service_desk_queue


def _order(db, *, orderer, end_user, attestant, status="attesterad", akut=False):
    order = make_order(db, orderer=orderer, end_user=end_user, attestant=attestant, forvaltning_code="NH",
                       omrade_name="Område Norr", status=status)
    if akut:
        db.get(Order, order.id).akut = True
        db.commit()
    return order.number


def test_sök_på_person_visar_hennes_beställningar_akut_först_var_och_en_en_gång(region):
    sarbe1, eriny1, johek1 = person(region, "sarbe1"), person(region, "eriny1"), person(region, "johek1")
    as_end_user = _order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1)
    as_orderer = _order(region, orderer=eriny1, end_user=sarbe1, attestant=johek1, status="under_utforande")
    both = _order(region, orderer=eriny1, end_user=eriny1, attestant=johek1)
    urgent = _order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1, akut=True)
    _order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1, status="avslutad")  # not open
    _order(region, orderer=sarbe1, end_user=johek1, attestant=johek1)  # someone else's

    page = service_desk_queue(region, person="eriny1")

    assert [o.number for o in page.rows] == [urgent, as_end_user, as_orderer, both]
    assert page.total == 4
    assert [o.number for o in service_desk_queue(region, person="eriny1", status="under_utforande").rows] == [as_orderer]


def test_sök_på_person_bläddrar_med_markör_utan_att_tappa_eller_upprepa(region):
    sarbe1, eriny1, johek1 = person(region, "sarbe1"), person(region, "eriny1"), person(region, "johek1")
    numbers = [_order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1, akut=n % 3 == 0) for n in range(7)]
    seen, page = [], service_desk_queue(region, person="eriny1", size=3)
    while True:
        seen += [o.number for o in page.rows]
        if not page.after:
            break
        page = service_desk_queue(region, person="eriny1", size=3, page=PageRequest(number=page.page + 1,
                                                                                    after=page.after))
    urgent = [n for i, n in enumerate(numbers) if i % 3 == 0]
    assert seen == urgent + [n for n in numbers if n not in urgent]


def test_ingen_person_med_texten_ger_en_tom_kö(region):
    sarbe1, eriny1, johek1 = person(region, "sarbe1"), person(region, "eriny1"), person(region, "johek1")
    _order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1)
    page = service_desk_queue(region, person="zzzingen")
    assert page.rows == [] and page.total == 0


def test_sökningar_som_prövar_varje_rad_räknar_upp_till_sitt_eget_tak(region, monkeypatch):
    """A person or System search checks each order it reads (its status, its lines): the count stops at
    the probed cap ("fler än 150"), here 2, while the plain queue still counts exactly, and every order is
    still shown."""
    from beh_core.services import servicedesk_queue as queue

    monkeypatch.setattr(queue, "PROBED_COUNT_CAP", 2)
    sarbe1, eriny1, johek1 = person(region, "sarbe1"), person(region, "eriny1"), person(region, "johek1")
    numbers = [_order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1) for _ in range(3)]
    key = region.get(Order, region.query(Order.id).filter_by(number=numbers[0]).scalar()).lines[0].item_key
    for page in (service_desk_queue(region, person="eriny1"), service_desk_queue(region, item_key=key)):
        assert page.capped and page.total == 2
        assert [o.number for o in page.rows] == numbers
    plain = service_desk_queue(region)
    assert not plain.capped and plain.total == 3


def test_ett_helt_vgr_id_visar_den_personen_och_inte_dem_vars_vgr_id_börjar_likadant(region):
    """Sök "eriny1": eriny1's orders, not eriny10's (a VGR-ID is one person, as in Tidigare beställningar);
    the start of a VGR-ID still finds everyone whose VGR-ID starts with it."""
    sarbe1, eriny1, johek1 = person(region, "sarbe1"), person(region, "eriny1"), person(region, "johek1")
    namesake = Person(vgr_id="eriny10", first_name="Erik", last_name="Nyström", first_name_lc="erik",
                      last_name_lc="nyström", email="eriny10@example.org")
    region.add(namesake)
    region.commit()
    hers = _order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1)
    his = _order(region, orderer=sarbe1, end_user=namesake, attestant=johek1)

    assert [o.number for o in service_desk_queue(region, person="eriny1").rows] == [hers]
    assert [o.number for o in service_desk_queue(region, person="ERINY1 ").rows] == [hers]
    assert [o.number for o in service_desk_queue(region, person="eriny").rows] == [hers, his]


def _namesake(region, vgr_id="eriny10"):
    namesake = Person(vgr_id=vgr_id, first_name="Erik", last_name="Nyström", first_name_lc="erik",
                      last_name_lc="nyström", email=f"{vgr_id}@example.org")
    region.add(namesake)
    region.commit()
    return namesake


def test_början_av_ett_namn_som_många_har_söks_i_köns_egna_intervall(region, monkeypatch):
    """A prefix naming more persons than the queue reads one by one (``PERSON_LIMIT``, here 1) is looked for in
    the queue's own ranges: the same orders, and nobody else's."""
    from beh_core.services import servicedesk_queue as queue

    sarbe1, eriny1, johek1 = person(region, "sarbe1"), person(region, "eriny1"), person(region, "johek1")
    namesake = _namesake(region)
    hers = _order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1)
    his = _order(region, orderer=namesake, end_user=sarbe1, attestant=johek1)
    _order(region, orderer=sarbe1, end_user=johek1, attestant=johek1)  # someone else's
    by_persons = [o.number for o in service_desk_queue(region, person="eriny").rows]
    monkeypatch.setattr(queue, "PERSON_LIMIT", 1)
    in_queue = [o.number for o in service_desk_queue(region, person="eriny").rows]
    assert by_persons == in_queue == [hers, his]


def test_förnamn_och_början_av_efternamnet_och_jokertecken_som_vanliga_tecken(region):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    namesake = _namesake(region)
    his = _order(region, orderer=sarbe1, end_user=namesake, attestant=johek1)
    assert [o.number for o in service_desk_queue(region, person="Erik Nys").rows] == [his]
    assert [o.number for o in service_desk_queue(region, person="erik  NYSTRÖM").rows] == [his]
    assert service_desk_queue(region, person="Erik Nyx").rows == []
    assert service_desk_queue(region, person="%").rows == []
    assert service_desk_queue(region, person="eri_y10").rows == []
