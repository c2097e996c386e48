"""Sökalternativ on Tidigare beställningar: "the order I made for Anna last spring".

Slutanvändare by name, VGR-ID, HSA-id or personnummer; Beställare; System; Beställning (katalog);
Status; Typ; Beställd från/till; Ordernummer; all combinable. A personnummer never stands in an
address: the form posts, and the list it redirects to names the person by VGR-ID.
"""
import logging
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from beh_core.models import Person
from beh_core.services.errors import ValidationFailed
from beh_core.services.person_match import persons_matching
from helpers import make_order, person, person_without_permissions, text_of


@pytest.fixture
def orders(region):
    """Four orders by sarbe1: two for Erik Nyström (eriny1), one esMaker Avslut, one old."""
    sarbe1, johek1, eriny1 = person(region, "sarbe1"), person(region, "johek1"), person(region, "eriny1")
    other = person_without_permissions(region)
    made = {
        "erik": make_order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1, forvaltning_code="NH",
                           omrade_name="Område Norr", item=("lr.corpus", "Corpus")),
        "erik_klar": make_order(region, orderer=sarbe1, end_user=eriny1, attestant=johek1, forvaltning_code="NH",
                                omrade_name="Område Norr", status="avslutad"),
        "annan": make_order(region, orderer=sarbe1, end_user=other, attestant=johek1, forvaltning_code="NH",
                            omrade_name="Område Norr"),
        "gammal": make_order(region, orderer=sarbe1, end_user=other, attestant=johek1, forvaltning_code="NH",
                             omrade_name="Område Norr"),
    }
    made["annan"].kind = "avslut"
    made["gammal"].created_at = datetime(2025, 4, 10, 9, 0, tzinfo=timezone.utc)
    region.commit()
    return {k: o.number for k, o in made.items()}, eriny1, other


def _numbers(response) -> set[str]:
    return set(re.findall(r">(c9\d{5})<", text_of(response)))


def _found(browser, query: str) -> set[str]:
    response = browser.get("/bestallningar/mina?" + query)
    assert response.status_code == 200, text_of(response)[:500]
    return {n for n in _numbers(response)}


def test_varje_sökalternativ_hittar_rätt_beställningar(region, login, orders):
    numbers, eriny1, other = orders
    browser = login("sarbe1")
    assert _found(browser, "slutanvandare=eriny1") >= {numbers["erik"], numbers["erik_klar"]}
    assert numbers["annan"] not in _found(browser, "slutanvandare=eriny1")
    assert numbers["erik"] in _found(browser, "slutanvandare=" + eriny1.hsa_id)
    assert numbers["erik"] in _found(browser, "slutanvandare=Erik+Nys")
    assert _found(browser, "status=avslutad") & set(numbers.values()) == {numbers["erik_klar"]}
    assert _found(browser, "typ=avslut") & set(numbers.values()) == {numbers["annan"]}
    assert _found(browser, "typ=forandring") & set(numbers.values()) == set()
    assert _found(browser, "system=Corpus") & set(numbers.values()) == {numbers["erik"]}
    assert _found(browser, "ordernummer=" + numbers["annan"]) & set(numbers.values()) == {numbers["annan"]}
    assert _found(browser, "katalog=lr") >= set(numbers.values())
    spring = "fran=2025-03-01&till=2025-05-31"
    assert _found(browser, spring) & set(numbers.values()) == {numbers["gammal"]}
    assert _found(browser, "slutanvandare=eriny1&status=avslutad&katalog=lr&typ=nyupplagg") \
        & set(numbers.values()) == {numbers["erik_klar"]}


def test_beställare_i_alla_beställningar(region, login, orders):
    numbers, _, _ = orders
    browser = login("kardah")
    response = browser.get("/bestallningar/alla?bestallare=sarbe1&status=avslutad")
    assert _numbers(response) & set(numbers.values()) == {numbers["erik_klar"]}
    assert _numbers(browser.get("/bestallningar/alla?bestallare=johek1")) & set(numbers.values()) == set()


def test_personnummer_skickas_med_post_och_syns_aldrig_i_adressen(region, login, orders, caplog):
    numbers, eriny1, _ = orders
    browser = login("sarbe1")
    browser.get("/bestallningar/mina")
    with caplog.at_level(logging.DEBUG):
        response = browser.post("/bestallningar/mina", {"slutanvandare": eriny1.personnummer, "status": ""})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert eriny1.personnummer not in location and eriny1.personnummer[:8] not in location
    assert "slutanvandare=eriny1" in location
    assert numbers["erik"] in _numbers(browser.get(location))
    assert eriny1.personnummer not in caplog.text


def test_personnummer_i_en_gammal_adress_byts_mot_vgr_id(region, login, orders):
    _, eriny1, _ = orders
    pnr = eriny1.personnummer
    browser = login("sarbe1")
    # However it is typed: dashes in the date too, spaces, the 10-digit form; the list and the queue alike
    for typed in (pnr, f"{pnr[:4]}-{pnr[4:6]}-{pnr[6:8]}-{pnr[8:]}", f"{pnr[:4]}+{pnr[4:6]}+{pnr[6:8]}+{pnr[8:]}",
                  f"{pnr[2:8]}-{pnr[8:]}"):
        response = browser.get("/bestallningar/alla?slutanvandare=" + typed)
        assert response.status_code == 303, typed
        assert pnr[8:] not in response.headers["Location"] and "slutanvandare=eriny1" in response.headers["Location"]
    desk = login("lensa1")
    response = desk.get(f"/servicedesk/?person={pnr[:4]}-{pnr[4:6]}-{pnr[6:8]}-{pnr[8:]}")
    assert response.status_code in (302, 303) and pnr[8:] not in response.headers["Location"]
    assert "person=eriny1" in response.headers["Location"]
    # A part of the masked digits is no person either: told at the field, never carried into the address
    partial = browser.get("/bestallningar/alla?slutanvandare=" + pnr[:11])
    assert partial.status_code == 400 and "Location" not in partial.headers
    assert "Personnumret ska anges med 12 siffror enligt formatet ÅÅÅÅMMDDNNNN." in text_of(partial)


def test_okänt_personnummer_och_felaktigt_datum_sägs_vid_fältet(region, login, orders):
    browser = login("sarbe1")
    browser.get("/bestallningar/mina")
    response = browser.post("/bestallningar/mina", {"slutanvandare": "19121212-1212", "fran": "förra våren"})
    assert response.status_code == 400
    body = text_of(response)
    assert "Ingen person med detta personnummer finns i KiV." in body
    assert "Ange datum som ÅÅÅÅ-MM-DD." in body
    assert 'value="förra våren"' in body  # what the user typed stays
    backwards = browser.get("/bestallningar/alla?fran=2026-06-01&till=2026-05-01")
    assert backwards.status_code == 400 and "Beställd till kan inte vara tidigare än Beställd från." in text_of(backwards)
    assert 'value="2026-05-01"' in text_of(backwards)


def test_namn_söks_på_varje_ord_även_i_dubbelnamn(region):
    karin = Person(vgr_id="annli9", first_name="Anna-Karin", last_name="Berg Lindqvist",
                   first_name_lc="anna-karin", last_name_lc="berg lindqvist")
    region.add(karin)
    region.commit()
    assert persons_matching(region, "karin lindq", "f") == [karin.id]
    assert persons_matching(region, "Lindqvist Anna", "f") == [karin.id]
    assert persons_matching(region, "berg", "f").count(karin.id) == 1
    region.delete(karin)
    region.commit()
    assert persons_matching(region, "karin lindq", "f") == []  # the name index follows the table


def test_ett_namn_som_många_har_ber_om_mer_av_namnet(region):
    with pytest.raises(ValidationFailed) as refused:
        persons_matching(region, "a", "slutanvandare", limit=2)
    assert "Skriv mer av namnet" in refused.value.errors["slutanvandare"]


def test_startsidans_länkar_visar_katalogens_beställningar(region, login, orders):
    start = text_of(login("sarbe1").get("/"))
    assert "/bestallningar/mina?katalog=lr" in start
    assert _found(login("sarbe1"), "katalog=lr")


def test_datum_bortom_idag_och_tom_sökning_ger_tom_lista_utan_fel(region, login, orders):
    future = (date.today() + timedelta(days=400)).isoformat()
    response = login("sarbe1").get(f"/bestallningar/mina?fran={future}")
    assert response.status_code == 200 and "Inga beställningar hittades." in text_of(response)


def test_alla_för_administratören_räknar_varje_beställning(region, login, orders):
    response = login("kardah").get("/bestallningar/alla")
    assert "Totalt 4 st. Sida 1 av 1." in text_of(response)
    assert len(_numbers(response)) == 4


def test_ett_personnummer_i_fel_fält_eller_skrivet_med_andra_tecken_hamnar_aldrig_i_adressen(region, login, orders):
    """A personnummer pasted into Ordernummer, System or a date field is told at that field and never put into
    the address; one written with an en dash (from Word), an underscore, a slash or a label in front is not
    carried into the address either."""
    _, eriny1, _ = orders
    pnr = eriny1.personnummer
    browser = login("sarbe1")
    browser.get("/bestallningar/mina")
    for field in ("ordernummer", "system", "fran"):
        response = browser.post("/bestallningar/mina", {field: f"{pnr[:8]}-{pnr[8:]}"})
        assert response.status_code == 400 and "Location" not in response.headers, field
        assert f'id="err-{field}"' in text_of(response), field  # told at the field (the field's own message may
        # come first: "Välj ett system i listan.", "Ange datum som ÅÅÅÅ-MM-DD.")
        assert f"?ordernummer={pnr[:8]}" not in text_of(response)  # nor carried into the paging links
    assert "Fältet kan inte innehålla ett personnummer." in text_of(
        browser.post("/bestallningar/mina", {"ordernummer": pnr}))
    typed_ways = (f"{pnr[:8]}\u2013{pnr[8:]}", f"{pnr[:8]}_{pnr[8:]}", f"{pnr[:8]}/{pnr[8:]}", f"pnr {pnr}", f"({pnr})",
                  "".join(chr(ord(c) + 0xFEE0) for c in pnr))
    for typed in typed_ways:
        response = browser.post("/bestallningar/mina", {"slutanvandare": typed})
        assert pnr[8:] not in response.headers.get("Location", ""), typed
    for typed in typed_ways[:3]:  # read as the number it is: the list by the person's VGR-ID
        response = browser.post("/bestallningar/mina", {"slutanvandare": typed})
        assert response.headers["Location"].endswith("slutanvandare=eriny1"), typed
    # Typed into the address: the list again without it, and told
    response = browser.get(f"/bestallningar/mina?ordernummer={pnr}&status=avslutad")
    assert response.status_code == 303 and pnr[8:] not in response.headers["Location"]
    assert "status=avslutad" in response.headers["Location"]
    assert "Fältet kan inte innehålla ett personnummer." in text_of(browser.get(response.headers["Location"]))
    # The Service Desk queue (a GET form): a personnummer in another field is left out, and told
    desk = login("lensa1")
    response = desk.get(f"/servicedesk/?ordernummer={pnr}")
    assert response.status_code == 303 and pnr[8:] not in response.headers["Location"]
    assert "Ett personnummer kan bara sökas i fältet Person." in text_of(desk.get(response.headers["Location"]))
