"""Bad input: a clear Swedish message at the field, what was typed kept, nothing saved."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from beh_core.identifiers import make_personnummer
from beh_core.models import Order
from helpers import choose_systems, first_unit, forvaltning_id, person, person_without_permissions, review, start_wizard, text_of

TODAY = date.today()


@pytest.fixture
def orderer(region, login):
    return login("sarbe1")


def no_orders(db) -> bool:
    db.expire_all()
    return db.scalar(select(func.count(Order.id))) == 0


def test_fel_kontrollsiffra_i_personnummer(region, orderer):
    valid = make_personnummer(date(1985, 4, 12), 123)
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    page = text_of(orderer.post("/lr/", {"field": "personnummer", "q": wrong}))
    assert "Personnumrets kontrollsiffra stämmer inte." in page
    assert f'value="{wrong}"' in page and 'aria-invalid="true"' in page


def test_okänt_hsa_id(region, orderer):
    unknown = "SE2321000131-P999999999999"
    page = text_of(orderer.post("/lr/", {"field": "hsa_id", "q": unknown}))
    assert "Ingen person med detta HSA-id finns i KiV." in page and f'value="{unknown}"' in page
    malformed = text_of(orderer.post("/lr/", {"field": "hsa_id", "q": "XX123"}))
    assert "HSA-id ska ha formatet" in malformed


def ready_for_review(db, orderer, regional):
    end_user = person_without_permissions(db)
    start_wizard(orderer, end_user, forvaltning_id(db, "SU"))
    choose_systems(orderer, "local", {})
    assert choose_systems(orderer, "regional", regional).status_code == 302
    omrade, enhet = first_unit(db, "SU", "Område Medicin")
    return {"omrade_id": omrade, "enhet_id": enhet, "attestant_id": person(db, "johek1").id}


def test_startdatum_saknas(region, orderer):
    fields = ready_for_review(region, orderer, {"lr.esmaker": {}})
    page = text_of(review(orderer, **fields, start_date=""))
    assert "Ange startdatum." in page
    assert f'<option value="{fields["attestant_id"]}" selected>' in page  # the choices are kept
    assert no_orders(region)


def test_startdatum_i_det_förflutna(region, orderer):
    fields = ready_for_review(region, orderer, {"lr.esmaker": {}})
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    page = text_of(review(orderer, **fields, start_date=yesterday))
    assert "Startdatum kan inte vara tidigare än dagens datum." in page and f'value="{yesterday}"' in page
    assert no_orders(region)


def test_startdatum_mer_än_ett_år_fram(region, orderer):
    fields = ready_for_review(region, orderer, {"lr.esmaker": {}})
    page = text_of(review(orderer, **fields, start_date="9999-12-31"))
    assert "Startdatum kan vara högst ett år fram i tiden." in page and 'value="9999-12-31"' in page
    assert no_orders(region)
    from beh_core.iso_dates import latest_start

    day_after = (latest_start(TODAY) + timedelta(days=1)).isoformat()  # a year and a day: refused
    assert "Startdatum kan vara högst ett år fram i tiden." in text_of(review(orderer, **fields, start_date=day_after))
    assert no_orders(region)
    in_a_year = latest_start(TODAY).isoformat()
    assert review(orderer, **fields, start_date=in_a_year).status_code == 302  # the same day next year is fine
    assert not no_orders(region)


def test_akut_utan_akutsystem(region, orderer):
    fields = ready_for_review(region, orderer, {"lr.esmaker": {}})
    page = text_of(review(orderer, **fields, start_date=TODAY.isoformat(), akut="1"))
    assert "Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem" in page
    assert 'id="akut" name="akut" value="1" checked aria-invalid="true"' in page  # at the field, as ticked
    assert f'value="{TODAY.isoformat()}"' in page
    assert no_orders(region)


def test_tom_beställning(region, orderer):
    end_user = person_without_permissions(region)
    start_wizard(orderer, end_user, forvaltning_id(region, "SU"))
    choose_systems(orderer, "local", {})
    page = text_of(choose_systems(orderer, "regional", {}))
    assert "Beställningen innehåller inga behörigheter. Välj minst en behörighet." in page
    # Also when the last line is removed on the review page and the order is sent anyway.
    fields = ready_for_review(region, orderer, {"lr.esmaker": {}})
    review(orderer, **fields, start_date=TODAY.isoformat(), action="remove:regional:0")
    page = text_of(review(orderer, **fields, start_date=TODAY.isoformat()))
    assert "Beställningen innehåller inga behörigheter." in page
    assert no_orders(region)


def test_roll_som_slvd_inte_erbjuder(region, orderer):
    end_user = person_without_permissions(region)
    start_wizard(orderer, end_user, forvaltning_id(region, "SU"))
    choose_systems(orderer, "local", {})
    page = text_of(choose_systems(orderer, "regional", {"lr.slvd": {"roll": "VGR;SLVD_Superadmin"}}))
    assert "Roll \u201dVGR;SLVD_Superadmin\u201d finns inte för Slutenvårdsdos (SLVD)." in page
    assert '<option value="VGR;SLVD_Superadmin" selected>' in page  # kept, and marked invalid
    missing = text_of(choose_systems(orderer, "regional", {"lr.slvd": {"roll": ""}}))
    assert "Välj Roll för Slutenvårdsdos (SLVD)." in missing
    assert no_orders(region)


def test_alla_behörigheter_vägras_vid_avslut(region, orderer):
    eriny1 = person(region, "eriny1")
    start_wizard(orderer, eriny1, forvaltning_id(region, "NH"), kind="avslut")
    page = text_of(choose_systems(orderer, "local", {}, free_on="1", free_text="Avsluta alla behörigheter tack"))
    assert 'Använd inte frasen "Alla behörigheter".' in page or "Använd inte frasen &#34;Alla behörigheter&#34;." in page
    assert "Avsluta alla behörigheter tack" in page
    assert no_orders(region)


def test_fritext_utan_ikryssad_ruta_sägs_vid_fältet(region, orderer):
    """Manual 000: tick the box (A) and write in the free-text field (B). Text written without the tick is
    told at the field, kept, and nothing is dropped unsaid."""
    start_wizard(orderer, person(region, "eriny1"), forvaltning_id(region, "NH"), kind="avslut")
    page = text_of(choose_systems(orderer, "local", {}, free_text="Avsluta Cosmic Läs"))
    assert "Bocka i rutan ovanför för att avsluta det du har skrivit, eller töm fältet." in page
    assert "Avsluta Cosmic Läs" in page and 'id="err-free_text"' in page
    assert no_orders(region)


def test_nyupplägg_kräver_aktivt_engagemang(region, orderer):
    andlu1 = person(region, "andlu1")
    orderer.post("/lr/", {"field": "vgr_id", "q": "andlu1"})
    orderer.post("/lr/person", {"person_id": andlu1.id})
    refused = orderer.post("/lr/behorigheter", {"forvaltning_id": forvaltning_id(region, "NH"), "kind": "nyupplagg"})
    assert refused.headers["Location"].endswith("/lr/behorigheter")  # the same page again, with the message
    page = text_of(orderer.get("/lr/behorigheter"))
    assert "Användaren har inget aktivt engagemang i KiV. Endast Avslut kan väljas." in page


def test_formulär_utan_csrf_token_avvisas(region, orderer):
    response = orderer.post("/lr/", {"field": "vgr_id", "q": "eriny1"}, csrf=False)
    assert response.status_code == 400
