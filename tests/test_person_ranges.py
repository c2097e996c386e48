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
