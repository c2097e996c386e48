"""Issue 8, one input layer, over HTTP: a control character typed into a form is told at that field.

The input guard refuses a NUL anywhere (and any control character in the path, the query string or a
field name) with its 400 page. Every other control character in a form value reaches the view's form
(beh_core.views.forms), which refuses it at the field with a Swedish message, keeps what was typed and
saves nothing: the page the user was on comes back, not the guard's error page.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from beh_core.models import Delegation, Order, OrderStatus
from beh_core.services.delegation import add_months
from helpers import choose_systems, first_unit, forvaltning_id, person, person_without_permissions, post_step, \
    review, start_wizard, text_of
from test_delegation import fresh_people, scope_key

TODAY = date.today()
REFUSED = "Texten innehåller tecken som inte är tillåtna (till exempel styrtecken). Ta bort dem och försök igen."
GUARD = "Förfrågan innehöll tecken som inte är tillåtna"
HOSTILE = ["\x07", "\u202e", "\x1b[2J", "\x7f"]


def _delegations(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Delegation))


@pytest.mark.parametrize("char", HOSTILE)
def test_styrtecken_i_ny_delegering_sägs_vid_fältet_och_inget_sparas(region, login, char):
    chef, (someone,) = login("marho1"), fresh_people(region, 1)
    before = _delegations(region)
    typed = f"{TODAY.isoformat()}{char}"
    response = chef.post("/delegeringar/ny/omfattning", {
        "valda": [someone.id], "action": "spara", "scope": "LR", "scope_key": scope_key(region, "NH-O1"),
        "attestant": "1", "valid_from": typed, "valid_to": add_months(TODAY, 12).isoformat()})
    assert response.status_code == 200
    page = text_of(response)
    assert REFUSED in page and GUARD not in page
    assert 'id="err-valid_from"' in page or "err-valid_from" in page  # at the field ...
    assert typed in response.get_data(as_text=True)  # ... with what was typed
    assert _delegations(region) == before


def test_nul_i_ett_formulärvärde_stoppas_fortfarande_före_formuläret(region, login):
    chef, (someone,) = login("marho1"), fresh_people(region, 1)
    before = _delegations(region)
    response = chef.post("/delegeringar/ny/omfattning", {
        "valda": [someone.id], "action": "spara", "scope": "LR", "scope_key": scope_key(region, "NH-O1"),
        "attestant": "1", "valid_from": TODAY.isoformat() + "\x00", "valid_to": add_months(TODAY, 12).isoformat()})
    assert response.status_code == 400 and GUARD in text_of(response)
    assert _delegations(region) == before


def test_styrtecken_i_ett_fältnamn_stoppas_fortfarande_före_formuläret(region, login):
    response = login("marho1").post("/delegeringar/hantera", {"action": "forlang", "mana\x07der": "3"})
    assert response.status_code == 400 and GUARD in text_of(response)


def test_styrtecken_i_begär_komplettering_sägs_vid_fältet_och_ordern_är_orörd(app, region, login):
    from test_fulfil_support import approve, place

    order = place(app, region, person_without_permissions(region),
                  items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    approve(app, region, order)
    typed = "Ange vilken avdelning.\u202e"
    response = login("lensa1").post(f"/servicedesk/{order.number}/komplettering", {"message": typed})
    page = text_of(response)
    assert response.status_code == 400 and REFUSED in page and GUARD not in page  # the order page, as any refusal
    assert typed in response.get_data(as_text=True)
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.ATTESTERAD.value


def test_styrtecken_i_servicedeskens_filter_ger_fortfarande_400_i_adressen(region, login):
    response = login("lensa1").get("/servicedesk/?person=a%07b")
    assert response.status_code == 400 and GUARD in text_of(response)


def test_styrtecken_i_ett_systems_fält_i_guiden_sägs_vid_fältet_och_texten_behålls(region, login):
    orderer = login("sarbe1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    typed = "VGR\x0712345"
    page = choose_systems(orderer, "local", {"lr.su.admin_konto": {"dator": typed}})
    assert page.status_code == 200  # back on Lokala system (Post/Redirect/Get), not onwards
    text = text_of(page)
    assert REFUSED in text and GUARD not in text
    assert typed in page.get_data(as_text=True)
    assert "Lokala system" in text


def test_styrtecken_i_fritexten_i_guiden_sägs_vid_fältet(region, login):
    orderer = login("sarbe1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"), kind="avslut")
    page = choose_systems(orderer, "local", {}, free_on="1", free_text="Melior roll\u202e Läsbehörighet")
    assert page.status_code == 200 and REFUSED in text_of(page) and GUARD not in text_of(page)


def test_styrtecken_i_granska_sägs_vid_fältet_och_ingen_beställning_skapas(region, login):
    orderer = login("sarbe1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    assert choose_systems(orderer, "local", {"lr.su.flexlab": {}}).status_code == 302
    assert choose_systems(orderer, "regional", {}).status_code == 302
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    before = region.scalar(select(func.count()).select_from(Order))
    typed = TODAY.isoformat() + "\x1b"
    page = review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=person(region, "johek1").id,
                  start_date=typed)
    assert page.status_code == 200
    assert REFUSED in text_of(page) and GUARD not in text_of(page)
    assert typed in page.get_data(as_text=True)
    region.expire_all()
    assert region.scalar(select(func.count()).select_from(Order)) == before


def test_styrtecken_i_sökalternativen_sägs_vid_fältet(region, login):
    response = login("sarbe1").post("/bestallningar/alla", {"ordernummer": "c1\x07"})
    assert response.status_code == 400 and REFUSED in text_of(response) and GUARD not in text_of(response)


def test_styrtecken_i_guidens_personsökning_sägs_vid_fältet(region, login):
    response = login("sarbe1").post("/lr/", {"field": "vgr_id", "q": "sar\u202ebe1"})
    assert response.status_code == 200 and REFUSED in text_of(response) and GUARD not in text_of(response)


def test_id_utanför_databasens_heltal_i_byt_attestant_eller_delegering_ger_aldrig_500(region, login):
    chef = login("marho1")
    response = chef.post("/delegeringar/hantera", {"action": "forlang", "valda": str(2**31), "manader": "3"})
    assert response.status_code == 200 and "Ogiltigt val. Välj i listan." in text_of(response)


def test_styrtecken_i_användartjänstens_steg_sägs_vid_fältet_och_texten_behålls(region, login):
    from usertjanst_steps import BASE, choose_identity, costs, details, kostnadsstalle_of

    orderer, perwi1 = login("sarbe1"), person(region, "perwi1")
    choose_identity(orderer, perwi1)
    path, page = costs(orderer, kostnadsstalle_of(region, perwi1), frikod1="A\x07B")
    assert path == BASE + "/kostnadsstalle" and REFUSED in page and GUARD not in page
    assert "A\x07B" in page
    path, page = costs(orderer, kostnadsstalle_of(region, perwi1))
    assert path == BASE + "/detaljer"
    path, page = details(orderer, orsak="Nyanställd\u202e")
    assert path == BASE + "/detaljer" and REFUSED in page and "Nyanställd\u202e" in page


def test_ett_avvisat_värde_i_utkastet_kan_inte_skickas_genom_att_gå_direkt_till_granska(region, login):
    orderer = login("sarbe1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    refused = choose_systems(orderer, "local", {"lr.su.admin_konto": {"dator": "VGR\x0712345"}})
    assert REFUSED in text_of(refused)  # kept in the draft only to be shown with its message
    assert choose_systems(orderer, "regional", {}).status_code == 302  # straight on, past Lokala system
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    before = region.scalar(select(func.count()).select_from(Order))
    page = review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=person(region, "johek1").id,
                  start_date=TODAY.isoformat())
    assert page.status_code == 200 and REFUSED in text_of(page)
    region.expire_all()
    assert region.scalar(select(func.count()).select_from(Order)) == before


def test_föregående_i_användartjänsten_sparar_inte_ett_avvisat_värde(region, login):
    from usertjanst_steps import BASE, choose_identity, costs, kostnadsstalle_of

    orderer, perwi1 = login("sarbe1"), person(region, "perwi1")
    choose_identity(orderer, perwi1)
    assert costs(orderer, kostnadsstalle_of(region, perwi1))[0] == BASE + "/detaljer"
    path, page = costs(orderer, kostnadsstalle_of(region, perwi1), frikod2="x\x1by", action="tillbaka")
    assert path == BASE + "/kostnadsstalle" and REFUSED in page
    assert orderer.get(BASE + "/detaljer").status_code == 302  # the step is no longer passed
