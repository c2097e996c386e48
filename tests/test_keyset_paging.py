"""Paging by cursor: every order can be reached, the oldest as directly as the newest, and no page is invented.

The lists count at most a cap of rows ("Totalt fler än 1000 st."); here the cap and the page size are
small so a handful of orders shows every case. The same code serves the real lists (page 15, cap 1000).
"""
from sqlalchemy import select

from beh_core.models import Order
from beh_core.services.keyset import KeysetList, Range, keyset_page
from beh_core.services.paging import LAST, PageRequest
from helpers import make_order, person, person_without_permissions, text_of


def _orders(region, n):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    end_user = person_without_permissions(region)
    for _ in range(n):
        make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                   omrade_name="Område Norr")
    newest_first = list(region.scalars(select(Order.id).order_by(Order.created_at.desc(), Order.id.desc())))
    return sarbe1, newest_first


def _spec(sarbe1):
    return KeysetList(entity=Order, key=(Order.created_at, Order.id), ranges=(Range((Order.orderer_id == sarbe1.id,)),))


def _walk(region, spec, size, cap):
    """Every page from the first by Nästa sida: (page number, ids)."""
    pages, page = [], keyset_page(region, spec, PageRequest(), size, cap)
    while True:
        pages.append((page.page, [o.id for o in page.rows]))
        if not page.has_next:
            return pages, page
        page = keyset_page(region, spec, PageRequest(number=page.page + 1, after=page.after), size, cap)


def test_nästa_sida_når_varje_beställning_även_bortom_taket(region):
    sarbe1, ids = _orders(region, 11)
    pages, last = _walk(region, _spec(sarbe1), size=2, cap=5)
    assert [i for _, rows in pages for i in rows] == ids  # all 11, in order, none twice
    assert [n for n, _ in pages] == [1, 2, 3, 4, 5, 6]
    assert last.capped and last.total == 5  # "Totalt fler än 5 st." - never a made-up total


def test_sista_sidan_är_de_äldsta_och_föregående_går_bakåt(region):
    sarbe1, ids = _orders(region, 11)
    spec = _spec(sarbe1)
    last = keyset_page(region, spec, PageRequest(number=LAST), 2, 5)
    assert [o.id for o in last.rows] == ids[-2:]  # the oldest order is on it
    assert last.page == -1 and not last.has_next and last.before
    previous = keyset_page(region, spec, PageRequest(number=-2, before=last.before), 2, 5)
    assert [o.id for o in previous.rows] == ids[-4:-2]
    back = keyset_page(region, spec, PageRequest(number=-1, after=previous.after), 2, 5)
    assert [o.id for o in back.rows] == ids[-2:]


def test_med_exakt_antal_har_sista_sidan_sitt_nummer_och_resten(region):
    sarbe1, ids = _orders(region, 7)
    last = keyset_page(region, _spec(sarbe1), PageRequest(number=LAST), 2, 1000)
    assert (last.page, last.pages, last.total) == (4, 4, 7)
    assert [o.id for o in last.rows] == ids[6:]  # page 4 of 4 holds the 7th, as by page number
    by_number = keyset_page(region, _spec(sarbe1), PageRequest(number=4), 2, 1000)
    assert [o.id for o in by_number.rows] == [o.id for o in last.rows]


def test_en_sida_bortom_den_sista_finns_inte(region):
    sarbe1, _ = _orders(region, 5)
    page = keyset_page(region, _spec(sarbe1), PageRequest(number=1000), 2, 1000)
    assert page.missing and page.asked == 1000 and page.pages == 3 and page.rows == []


def test_okänd_markör_ger_ingen_sida(region):
    sarbe1, _ = _orders(region, 3)
    for cursor in ("x", "1.2.3", "99999999999999999999999.1", ""):
        page = keyset_page(region, _spec(sarbe1), PageRequest(number=2, after=cursor), 2, 1000)
        assert page.page in (1, 2)  # an unreadable cursor is ignored: a page by number, never an error


def test_sida_1000_i_listan_säger_att_sidan_inte_finns(region, login):
    _orders(region, 3)
    browser = login("sarbe1")
    response = browser.get("/bestallningar/mina?sida=1000")
    assert response.status_code == 404
    page = text_of(response)
    assert "Sida 1000 finns inte. Listan har 1 sida." in page
    assert "Totalt 3 st." in page and "Sida 1 av 1" not in page and "Sista sidan" in page  # where to go instead


def test_listan_länkar_nästa_och_sista_sidan_med_markör(region, login):
    _orders(region, 17)
    browser = login("sarbe1")
    first = text_of(browser.get("/bestallningar/mina"))
    assert "Totalt 17 st. Sida 1 av 2." in first
    assert "efter=" in first and "sida=2" in first
    last = browser.get("/bestallningar/mina?sida=sista")
    assert last.status_code == 200 and "Totalt 17 st. Sida 2 av 2." in text_of(last)
