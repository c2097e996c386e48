"""The wizard's pages over HTTP (both databases): what Nyupplägg leaves out and why, the search field
that follows "Sök på", Enter meaning Nästa, the error summary's links to the fields the operations
name, and Uppdatera listorna keeping what was typed. The same pages in Chromium (axe-core, 375 px,
keyboard) are tests/browser/test_browser_order_lr.py, test_browser_wizard.py and test_browser_keyboard.py.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from helpers import (choose_systems, first_unit, forvaltning_id, make_order, person, person_without_permissions,
                     post_step, review, start_wizard, text_of)

TODAY = date.today()


@pytest.fixture
def orderer(region, login):
    return login("sarbe1")


def summary_links(page: str) -> dict[str, str]:
    """The error summary's links: message -> the id it leads to."""
    return {message: target for target, message in
            re.findall(r'<li><a href="#([^"]+)" data-error-key="[^"]*" data-error-id="[^"]*">([^<]*)</a></li>', page)}


def test_nyupplägg_visar_inte_det_som_redan_väntar_eller_är_schemalagt_och_säger_varför(region, orderer):
    end_user = person_without_permissions(region)
    waiting = make_order(region, orderer=person(region, "sarbe1"), end_user=end_user, attestant=person(region, "johek1"),
                         forvaltning_code="SU", omrade_name="Område Medicin", item=("lr.esmaker", "esMaker"))
    scheduled = make_order(region, orderer=person(region, "sarbe1"), end_user=end_user,
                           attestant=person(region, "johek1"), forvaltning_code="SU", omrade_name="Område Medicin",
                           status="schemalagd", item=("lr.corpus", "Corpus"))
    start_wizard(orderer, end_user, forvaltning_id(region, "SU"))
    choose_systems(orderer, "local", {})
    page = text_of(orderer.get("/lr/sida/regional"))
    assert "Alla system visas inte i listan" in page
    assert f"esMaker är redan beställd för användaren ({waiting.number}) och inte klar." in page
    assert f"Corpus är redan beställd för användaren ({scheduled.number}) och inte klar." in page
    assert 'value="lr.esmaker"' not in page and 'value="lr.corpus"' not in page and 'value="lr.elvis"' in page
    # A forged tick is refused at the line, saying which order holds it.
    refused = text_of(choose_systems(orderer, "regional", {"lr.esmaker": {}}))
    assert f"esMaker är redan beställd för användaren och inte klar ({waiting.number})." in refused


def test_sökfältet_följer_sök_på_även_utan_javascript(region, orderer):
    page = text_of(orderer.get("/lr/"))
    assert re.search(r'<label class="label" for="q">Personnummer\s*<span class="label__description" id="hint-q">'
                     r'Enligt formatet: ÅÅÅÅMMDDNNNN</span>', page)
    page = text_of(orderer.post("/lr/", {"field": "passnummer", "q": "ZZ0000000"}))
    assert re.search(r'<label class="label" for="q">Passnummer\s*<span class="label__description" id="hint-q">'
                     r'Passnumret som det står i KiV', page)
    assert "Ingen person med detta Passnummer finns i KiV." in page
    assert 'nonce="' in page and "data-search-hints" in page  # the script that follows a change at once


def test_enter_i_ett_fält_betyder_nästa_aldrig_ångra(region, orderer):
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    for url, forward in (("/lr/behorigheter", "Nästa"), ("/lr/sida/local", "Nästa")):
        form = text_of(orderer.get(url)).split('id="wizard-form"', 1)[1]
        first = re.search(r"<button[^>]*>([^<]*)</button>", form)
        assert 'type="submit"' in first.group(0) and first.group(1) == forward, first.group(0)
        assert 'class="beh-default-submit" tabindex="-1" aria-hidden="true"' in first.group(0)
    choose_systems(orderer, "local", {})
    choose_systems(orderer, "regional", {"lr.esmaker": {}})
    form = text_of(orderer.get("/lr/granska")).split('id="review"', 1)[1]
    first = re.search(r"<button[^>]*>([^<]*)</button>", form)
    assert 'value="submit"' in first.group(0) and first.group(1) == "Skicka beställning"


def test_felsammanfattningen_länkar_till_fälten_som_operationerna_nämner(region, orderer):
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    page = text_of(choose_systems(orderer, "local", {"lr.su.admin_konto": {"dator": ""}, "lr.su.navet": {}}))
    links = summary_links(page)
    assert links == {"Fyll i Datornamn för Admin-konto.": "f.lr.su.admin_konto.dator",
                     "Fyll i Motivering för NAVET.": "f.lr.su.navet.motivering"}, links
    for target in links.values():
        assert f'id="{target}"' in page and f'name="{target}"' in page
    assert 'id="err-lr-su-admin_konto-dator"' in page  # the message at the field too

    choose_systems(orderer, "local", {"lr.su.admin_konto": {"dator": "PC-1"}})
    page = text_of(choose_systems(orderer, "regional", {"lr.slvd": {"roll": "VGR;SLVD_Farmaceut"}}))
    assert summary_links(page) == {}
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    page = text_of(review(orderer, omrade_id=omrade, enhet_id=enhet, start_date=""))
    # Every field's problem at once: the start date and the attestant not chosen.
    assert summary_links(page) == {"Ange startdatum.": "start_date", "Välj attestant i listan.": "attestant_id"}
    page = text_of(review(orderer, omrade_id=omrade, enhet_id=enhet, start_date=TODAY.isoformat()))
    assert summary_links(page) == {"Välj attestant i listan.": "attestant_id"}


def test_granskas_rader_visar_sina_fel_och_länkar_dit(region, orderer):
    """An error about a line on Granska (the system was ordered meanwhile in another tab) is shown in the
    line's row, next to its Ta bort, and the summary links to the row."""
    end_user = person_without_permissions(region)
    start_wizard(orderer, end_user, forvaltning_id(region, "SU"))
    choose_systems(orderer, "local", {})
    choose_systems(orderer, "regional", {"lr.esmaker": {}})
    other = make_order(region, orderer=person(region, "sarbe1"), end_user=end_user, attestant=person(region, "johek1"),
                       forvaltning_code="SU", omrade_name="Område Medicin", item=("lr.esmaker", "esMaker"))
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    page = text_of(review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=person(region, "johek1").id,
                          start_date=TODAY.isoformat()))
    message = f"esMaker är redan beställd för användaren och inte klar ({other.number})."
    assert summary_links(page)[message] == "line-regional-0"
    row = page.split('id="line-regional-0"', 1)[1].split("</tr>", 1)[0]
    assert message in row and "Ta bort" in row


def test_uppdatera_listorna_behåller_det_som_skrivits(region, orderer):
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    choose_systems(orderer, "local", {})
    choose_systems(orderer, "regional", {"lr.esmaker": {}})
    omrade, _ = first_unit(region, "SU", "Område Medicin")
    moved = orderer.post("/lr/granska", {"action": "refresh", "omrade_id": omrade, "start_date": "2031-02-03"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/lr/granska#attest")
    page = text_of(orderer.get("/lr/granska"))
    assert f'<option value="{omrade}" selected>' in page and 'value="2031-02-03"' in page
    assert 'data-refresh-method="post"' in page and 'id="f-enhet" data-refresh-field' in page
    enheter = re.search(r'<select[^>]*id="enhet_id".*?</select>', page, re.S).group(0)
    assert enheter.count("<option") > 1  # Verksamhet lists the chosen område's units
    assert post_step(orderer, "/lr/granska", {"action": "refresh"}).status_code == 200
