"""A filter value that is not in the field's list is told at the field, not dropped without a word.

An outside probe asked /bestallningar/mina?system=foo (and katalog=, status=, typ= with values not in the lists,
on Alla beställningar and the Service Desk queue too): the unfiltered list came back, nothing said the filter
was left out, and the paging links carried the bad value on. Now the list is shown without the value, a
Swedish message stands at the field (and in the error summary), and the paging links leave the value out.
"""
from __future__ import annotations

import re

import pytest

from helpers import forvaltning_id, make_order, person, person_without_permissions, text_of
from test_query_counts import queries_for

MESSAGES = {
    "system": "Välj ett system i listan.",
    "katalog": "Välj en beställning i listan.",
    "status": "Välj en status i listan.",
    "typ": "Välj en typ i listan.",
}
QUEUE_MESSAGES = {
    "system": "Välj ett system i listan.",
    "status": "Välj en status i listan.",
    "forvaltning": "Välj en förvaltning i listan.",
}
ORDERS = 17  # more than one page of 15, so the list has paging links


def paging_links(html: str) -> list[str]:
    """The hrefs of the list's paging links (the language links keep the page's address on purpose)."""
    return [href for href in re.findall(r'href="([^"]*)"', html) if "sida=" in href or "efter=" in href]


def field_error(html: str, name: str) -> str:
    """The message shown next to the field ``name`` (the paragraph the field's aria-describedby names)."""
    found = re.search(rf'<p class="beh-error" id="err-{name}">([^<]*)</p>', html)
    return found.group(1).strip() if found else ""


@pytest.fixture
def orders(region):
    """Sarbe1's orders in NH Område Norr (in her delegation): some attested, for the Service Desk queue too."""
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    end_user = person_without_permissions(region)
    return [make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                       omrade_name="Område Norr", status="attesterad" if n % 2 else "vantar_pa_attest")
            for n in range(ORDERS)]


@pytest.mark.parametrize("path", ["/bestallningar/mina", "/bestallningar/alla"])
@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_okänt_värde_sägs_vid_fältet_och_följer_inte_med_i_sidlänkarna(region, orders, login, path, name):
    browser = login("sarbe1")
    response = browser.get(f"{path}?{name}=foo")
    html = text_of(response)
    assert field_error(html, name) == MESSAGES[name]
    assert f'aria-describedby="err-{name}"' in html
    assert 'id="error-summary"' in html and MESSAGES[name] in html.split('id="error-summary"')[1]
    # The list is shown, unfiltered by the value it could not use: all of sarbe1's orders.
    assert response.status_code == 200
    assert f"Totalt {ORDERS} st. Sida 1 av 2." in html
    links = paging_links(html)
    assert links and not any("foo" in link or f"{name}=" in link for link in links)
    # Nästa sida, as linked, is page 2 of the same list without a word of a filter error.
    second = browser.get(next(link for link in links if "efter=" in link).replace("&amp;", "&"))
    assert second.status_code == 200 and "Sida 2 av 2." in text_of(second)
    assert not field_error(text_of(second), name)


def test_ett_okänt_värde_släpper_bara_sitt_eget_filter(region, orders, login):
    html = text_of(login("sarbe1").get("/bestallningar/mina?system=foo&status=attesterad"))
    assert field_error(html, "system") == MESSAGES["system"] and not field_error(html, "status")
    assert f"Totalt {ORDERS // 2} st." in html  # Status still filters: the attested half
    assert 'value="attesterad" selected' in html  # and stays chosen in Sökalternativ
    assert all("status=attesterad" in link and "system=" not in link for link in paging_links(html))


def test_kända_värden_ger_ingen_anmärkning(region, orders, login):
    browser = login("sarbe1")
    for query in ("system=esMaker", "katalog=lr", "status=attesterad", "typ=nyupplagg"):
        response = browser.get(f"/bestallningar/alla?{query}")
        html = text_of(response)
        assert response.status_code == 200 and 'class="beh-error"' not in html, query
        assert 'id="error-summary"' not in html, query


def test_ett_okänt_värde_kostar_inga_fler_frågor_än_listan_utan_filter(app, region, orders, login):
    browser = login("sarbe1")
    browser.get("/bestallningar/mina")  # warm, as in test_query_counts
    plain = queries_for(app, browser, "/bestallningar/mina")
    assert queries_for(app, browser, "/bestallningar/mina?system=foo&katalog=x&status=y&typ=z") == plain


@pytest.mark.parametrize("name,value", [("system", "foo"), ("status", "foo"), ("status", "vantar_pa_attest"),
                                        ("forvaltning", "999999"), ("forvaltning", "abc")])
def test_servicedeskens_kö_säger_okänt_värde_vid_fältet(region, orders, login, name, value):
    desk = login("lensa1")
    response = desk.get(f"/servicedesk/?{name}={value}")
    html = text_of(response)
    assert response.status_code == 200
    assert field_error(html, name) == QUEUE_MESSAGES[name]
    assert f'aria-describedby="err-{name}"' in html and 'id="error-summary"' in html
    # The queue is shown without the value: the default queue, the attested half of the orders.
    assert f"Totalt {ORDERS // 2} st." in html
    assert all(f"{name}=" not in link for link in paging_links(html))


def test_servicedeskens_kö_släpper_värdet_ur_sidlänkarna(region, login):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    end_user = person_without_permissions(region)
    for _ in range(16):
        make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                   omrade_name="Område Norr", status="attesterad")
    html = text_of(login("lensa1").get("/servicedesk/?system=foo&status=bar"))
    assert field_error(html, "system") == QUEUE_MESSAGES["system"]
    assert field_error(html, "status") == QUEUE_MESSAGES["status"]
    links = paging_links(html)
    assert links and not any("foo" in link or "bar" in link for link in links)


def test_servicedeskens_kända_värden_ger_ingen_anmärkning(region, orders, login):
    desk = login("lensa1")
    nh = forvaltning_id(region, "NH")
    for query in ("system=esMaker", "status=attesterad", f"forvaltning={nh}", "system=lr.esmaker", ""):
        html = text_of(desk.get(f"/servicedesk/?{query}"))
        assert 'class="beh-error"' not in html and 'id="error-summary"' not in html, query
