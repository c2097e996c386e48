"""Suggestions while typing never return a person the beställare may not order for, use indexed prefixes
only, mask personnummer and keep what is typed out of URLs and logs."""
from __future__ import annotations

import json
import logging
import string

import pytest
from sqlalchemy import select

from beh_core import authz
from beh_core.models import Person
from beh_core.services.person_suggest import key_clause
from helpers import person, text_of
from test_search_indexes import plan


def suggested(browser, text: str, catalogue: str = "usertjanst") -> list[dict]:
    response = browser.post(f"/forslag/personer/{catalogue}", {"q": text})
    assert response.status_code == 200, text_of(response)
    return json.loads(text_of(response))["suggestions"]


def typed_texts(db) -> list[str]:
    """Prefixes of every key of every person: two letters of names and VGR-IDs, HSA-ID and personnummer starts."""
    texts = {a + b for a in string.ascii_lowercase for b in "aeiouy"} | {"sa", "jo", "ek", "se2321", "SE2321000131-P"}
    for p in db.scalars(select(Person)):
        texts |= {p.vgr_id[:3], p.first_name[:2], f"{p.first_name} {p.last_name[:1]}", p.last_name[:3]}
        if p.personnummer:
            texts |= {p.personnummer[:6], p.personnummer[:8], p.personnummer[2:8], p.personnummer}
        if p.hsa_id:
            texts.add(p.hsa_id)
    return sorted(texts)


@pytest.mark.parametrize("vgr_id", ["sarbe1", "marho1"])
def test_förslagen_innehåller_aldrig_någon_beställaren_inte_får_beställa_för(app, region, login, rt, vgr_id):
    browser = login(vgr_id)
    actor = authz.load_actor(region, person(region, vgr_id), config=rt.config, portal=rt)
    catalogue = rt.registry.catalogue("usertjanst")
    seen, refused = set(), set()
    for text in typed_texts(region):
        for suggestion in suggested(browser, text):
            seen.add(int(suggestion["value"]))
    for person_id in seen:
        assert authz.may_order_for(actor, catalogue, region.get(Person, person_id)), person_id
    everyone = set(region.scalars(select(Person.id)))
    refused = {p for p in everyone if not authz.may_order_for(actor, catalogue, region.get(Person, p))}
    assert seen and refused and not seen & refused
    # Everyone the beställare may order for is found by their VGR-ID.
    for person_id in everyone - refused:
        someone = region.get(Person, person_id)
        assert str(person_id) in [s["value"] for s in suggested(browser, someone.vgr_id)], someone.vgr_id


def test_ingen_beställardelegering_ger_inga_förslag(region, login):
    assert login("johek1").post("/forslag/personer/usertjanst", {"q": "er"}).status_code == 403
    assert login("lensa1").post("/forslag/personer/usertjanst", {"q": "er"}).status_code == 403
    assert login("sarbe1").post("/forslag/personer/finnsinte", {"q": "er"}).status_code == 403


def test_personnummer_maskeras_och_loggas_aldrig(region, login, caplog):
    eriny1 = person(region, "eriny1")
    browser = login("sarbe1")
    with caplog.at_level(logging.DEBUG):
        found = suggested(browser, eriny1.personnummer)
    assert [s["value"] for s in found] == [str(eriny1.id)]
    assert eriny1.personnummer not in json.dumps(found) and eriny1.personnummer[:8] + "-****" in found[0]["detail"]
    assert eriny1.personnummer not in caplog.text and eriny1.personnummer[8:] not in caplog.text
    assert browser.get(f"/forslag/personer/usertjanst?q={eriny1.personnummer}").status_code == 405  # POST only


def test_de_maskerade_siffrorna_går_inte_att_gissa_fram_en_i_taget(region, login):
    eriny1 = person(region, "eriny1")
    number = eriny1.personnummer  # ÅÅÅÅMMDDNNNN; pages show ÅÅÅÅMMDD-****
    browser = login("sarbe1")
    found = lambda text: [s["value"] for s in suggested(browser, text)]  # noqa: E731
    assert str(eriny1.id) in found(number[:8]) and str(eriny1.id) in found(number[2:8])  # the birth date: shown anyway
    for typed in (number[:9], number[:10], number[:11], f"{number[:8]}-{number[8:10]}", number[2:9], number[2:11]):
        assert found(typed) == [], typed  # into the masked part: nothing, whichever digits are right
    assert found(number) == [str(eriny1.id)] and found(f"{number[2:8]}-{number[8:]}") == [str(eriny1.id)]


@pytest.mark.parametrize("text", ["ber", "Sara Ber", "perwi", "SE2321000131-P0000", "19800101", "800101-1234",
                                  "198001011234"])
def test_förslagen_söker_med_index_aldrig_hela_tabellen(region, text):
    shown = plan(region, select(Person.id).where(key_clause(text)))
    assert "INDEX" in shown.upper(), shown
    assert "SCAN persons" not in shown and "Seq Scan" not in shown, shown


def test_för_kort_text_ger_inga_förslag(region, login):
    browser = login("sarbe1")
    assert suggested(browser, "e") == [] and suggested(browser, "1980") == [] and suggested(browser, " ") == []
    assert key_clause("%%") is not None and suggested(browser, "%%") == []  # wildcards are text, not patterns


def test_kostnadsställen_föreslås_med_ansvarig(region, login):
    browser = login("sarbe1")
    found = json.loads(text_of(browser.post("/forslag/kostnadsstallen", {"q": "6000"})))["suggestions"]
    assert found and all(s["value"].startswith("6000") for s in found)
    assert any("Maria Holm (marho1)" in s["detail"] for s in found)
