"""Rights: who may order, attest and see which orders."""
from sqlalchemy import select

from beh_core.models import AuditEvent, Order, OrderStatus
from helpers import make_order, person, person_without_permissions, text_of


def test_utan_aktiv_beställardelegering_svarar_guiden_403(region, login):
    for vgr_id in ("johek1", "eriny1", "andlu1", "lensa1"):  # attestant only, expired, none, Service Desk
        browser = login(vgr_id)
        assert browser.get("/lr/").status_code == 403, vgr_id
        assert browser.post("/lr/", {"field": "vgr_id", "q": "eriny1"}).status_code == 403
    assert login("sarbe1").get("/lr/").status_code == 200


def test_attestanten_ser_bara_beställningar_tilldelade_sig(region, login):
    sarbe1, johek1, perwi1 = (person(region, v) for v in ("sarbe1", "johek1", "perwi1"))
    order = make_order(region, orderer=sarbe1, end_user=person_without_permissions(region), attestant=johek1,
                       forvaltning_code="NH", omrade_name="Område Norr")
    assert order.number in text_of(login("johek1").get("/attest/"))
    other = login("perwi1")
    assert order.number not in text_of(other.get("/attest/"))
    assert other.get(f"/attest/{order.number}").status_code == 403
    assert other.post(f"/attest/{order.number}", {"action": "approve"}).status_code == 403
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.VANTAR_PA_ATTEST.value


def test_slutanvändaren_attesterar_aldrig_sin_egen_beställning(region, login):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    # The wizard never offers the end user as attestant ...
    from helpers import first_unit, forvaltning_id, start_wizard, choose_systems, review

    orderer = login("sarbe1")
    start_wizard(orderer, johek1, forvaltning_id(region, "NH"))
    choose_systems(orderer, "local", {})
    choose_systems(orderer, "regional", {"lr.melior": {"klinik": "Akutkliniken"}})
    omrade, enhet = first_unit(region, "NH", "Område Norr")
    page = text_of(review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=johek1.id,
                          start_date=__import__("datetime").date.today().isoformat()))
    assert "Välj attestant i listan." in page
    # ... and an order that names them anyway (e.g. changed in the directory) cannot be attested by them.
    order = make_order(region, orderer=sarbe1, end_user=johek1, attestant=johek1, forvaltning_code="NH",
                       omrade_name="Område Norr")
    attestant = login("johek1")
    assert attestant.get(f"/attest/{order.number}").status_code == 403
    assert attestant.post(f"/attest/{order.number}", {"action": "approve"}).status_code == 403
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.VANTAR_PA_ATTEST.value
    assert region.scalar(select(AuditEvent).where(AuditEvent.action == "order.approved")) is None


def test_alla_beställningar_visar_bara_beställningar_inom_delegeringarna(region, login):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    someone = person_without_permissions(region)
    inside = make_order(region, orderer=johek1, end_user=someone, attestant=johek1, forvaltning_code="NH",
                        omrade_name="Område Norr")
    also_inside = make_order(region, orderer=johek1, end_user=someone, attestant=johek1, forvaltning_code="SU",
                             omrade_name="Område Medicin")
    outside = make_order(region, orderer=johek1, end_user=someone, attestant=johek1, forvaltning_code="RH",
                         omrade_name="Område Hälsa")
    page = text_of(login("sarbe1").get("/bestallningar/alla"))
    assert inside.number in page and also_inside.number in page and outside.number not in page
    assert "Totalt 2 st. Sida 1 av 1." in page
    assert login("sarbe1").get(f"/bestallningar/{outside.number}").status_code == 403
    assert login("sarbe1").get(f"/bestallningar/{inside.number}").status_code == 200
    # Someone with no delegation sees none of them under Alla, and none under Mina.
    nobody = text_of(login("andlu1").get("/bestallningar/alla"))
    assert "Totalt 0 st." in nobody
    del sarbe1


def test_tidigare_beställningar_sida_och_sökalternativ(region, login):
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    someone = person_without_permissions(region)
    orders = [make_order(region, orderer=sarbe1, end_user=someone, attestant=johek1, forvaltning_code="NH",
                         omrade_name="Område Norr") for _ in range(17)]
    browser = login("sarbe1")
    first = text_of(browser.get("/bestallningar/mina"))
    assert "Totalt 17 st. Sida 1 av 2." in first and "Nästa sida" in first
    second = text_of(browser.get("/bestallningar/mina?sida=2"))
    assert "Sida 2 av 2." in second
    one = text_of(browser.get(f"/bestallningar/mina?ordernummer={orders[3].number}"))
    assert "Totalt 1 st." in one and orders[3].number in one


def test_byt_attestant_bara_inom_beställarens_delegeringar(region, login):
    from beh_core.models import Omrade
    from helpers import first_unit

    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    order = make_order(region, orderer=sarbe1, end_user=person_without_permissions(region), attestant=johek1,
                       forvaltning_code="NH", omrade_name="Område Norr")
    soder, soder_unit = first_unit(region, "NH", "Område Söder")
    orderer = login("sarbe1")
    form = text_of(orderer.get(f"/bestallningar/{order.number}/byt-attestant"))
    assert "Område Norr" in form and "Område Söder" not in form
    refused = orderer.post(f"/bestallningar/{order.number}/byt-attestant",
                           {"omrade_id": soder, "enhet_id": soder_unit, "attestant_id": johek1.id, "action": "ok"})
    assert "Du har ingen beställardelegering för detta område." in text_of(refused)
    region.expire_all()
    assert region.get(Order, order.id).omrade_id != soder
    assert region.get(Omrade, soder).name == "Område Söder"


def test_beställaren_attesterar_aldrig_sin_egen_beställning(region, login):
    """Four eyes: marho1 holds both roles in Område Norr but is never offered as attestant of her own order."""
    import datetime

    from helpers import choose_systems, first_unit, forvaltning_id, review, start_wizard

    marho1 = person(region, "marho1")
    orderer = login("marho1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "NH"))
    choose_systems(orderer, "local", {})
    choose_systems(orderer, "regional", {"lr.corpus": {}})
    omrade, enhet = first_unit(region, "NH", "Område Norr")
    page = text_of(review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=marho1.id,
                          start_date=datetime.date.today().isoformat()))
    assert "Välj attestant i listan." in page
    assert f'<option value="{marho1.id}"' not in page
    assert f'<option value="{person(region, "johek1").id}"' in page
    order = make_order(region, orderer=marho1, end_user=person_without_permissions(region), attestant=marho1,
                       forvaltning_code="NH", omrade_name="Område Norr")
    assert orderer.get(f"/attest/{order.number}").status_code == 403
