"""Slutanvändare by name in Tidigare beställningar: several persons found, their orders in one list, newest first,
and Nästa sida reaching every one of them exactly once (each person's orders are read as their own range)."""
from __future__ import annotations

import re

from helpers import make_order, person, person_without_permissions, text_of


def _numbers(response) -> list[str]:
    assert response.status_code == 200, text_of(response)[:300]
    return re.findall(r">(c9\d{5})<", text_of(response))


def test_två_personer_med_samma_namn_visas_nyast_först_över_två_sidor(region, login):
    sarbe1, johek1, erik = person(region, "sarbe1"), person(region, "johek1"), person(region, "eriny1")
    namesake = person_without_permissions(region)
    namesake.first_name, namesake.first_name_lc = erik.first_name, erik.first_name_lc
    namesake.last_name, namesake.last_name_lc = erik.last_name + "sson", erik.last_name_lc + "sson"
    region.commit()
    made = [make_order(region, orderer=sarbe1, end_user=erik if n % 3 else namesake, attestant=johek1,
                       forvaltning_code="NH", omrade_name="Område Norr").number for n in range(17)]
    browser = login("sarbe1")
    query = f"slutanvandare={erik.first_name}+{erik.last_name[:3]}"
    first = browser.get(f"/bestallningar/alla?{query}")
    page_one = _numbers(first)
    assert page_one == list(reversed(made))[:15]
    assert "Totalt 17 st. Sida 1 av 2." in text_of(first)
    following = re.search(r'href="([^"]*efter=[^"]*)"', text_of(first)).group(1).replace("&amp;", "&")
    assert _numbers(browser.get(following)) == list(reversed(made))[15:]


def test_ett_namn_som_flera_personer_har_räknas_till_150_och_säger_sedan_fler_än(region, login):
    """A name that several persons share reads their orders person by person: its count stops at 150
    ("fler än 150", as the Service Desk queue's person search), one person's list counts on to 1 000."""
    sarbe1, johek1, erik = person(region, "sarbe1"), person(region, "johek1"), person(region, "eriny1")
    namesake = person_without_permissions(region)
    namesake.first_name, namesake.first_name_lc = erik.first_name, erik.first_name_lc
    namesake.last_name, namesake.last_name_lc = erik.last_name + "sson", erik.last_name_lc + "sson"
    region.commit()
    for n in range(152):
        make_order(region, orderer=sarbe1, end_user=namesake if n % 2 else erik, attestant=johek1,
                   forvaltning_code="NH", omrade_name="Område Norr")
    region.commit()
    browser = login("sarbe1")
    by_name = text_of(browser.get(f"/bestallningar/alla?slutanvandare={erik.first_name}+{erik.last_name[:3]}"))
    assert "Totalt fler än 150 st. Sida 1." in by_name
    assert len(_numbers_of(by_name)) == 15
    by_vgr_id = text_of(browser.get(f"/bestallningar/alla?slutanvandare={erik.vgr_id}"))
    assert "Totalt 76 st. Sida 1 av 6." in by_vgr_id


def _numbers_of(html: str) -> list[str]:
    return re.findall(r">(c9\d{5})<", html)
