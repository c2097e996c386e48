"""Issue 12 over HTTP: Post/Redirect/Get, confirmations that say what goes, the Service Desk
queue search, required Flexlab credentials, and the wording a newcomer met."""
from datetime import date, timedelta

from sqlalchemy import select

from beh_core.demo import build_demo_region
from beh_core.models import Credential, Order, OrderStatus
from beh_core.services.directory import find_person
from helpers import make_order, person, person_without_permissions, text_of
from test_fulfil_support import approve, place


def test_ny_delegering_och_byt_attestant_svarar_på_post_med_omdirigering(region, login):
    chef = login("marho1")
    moved = chef.post("/delegeringar/ny", {"action": "sok", "vgr_id": "sar", "organisation": "alla"})
    assert moved.status_code == 302 and "/delegeringar/ny?" in moved.headers["Location"]
    assert "Sara Berglund (sarbe1)" in text_of(chef.get(moved.headers["Location"]))
    added = chef.post("/delegeringar/ny/omfattning", {"valda": person(region, "eriny1").id, "action": ""})
    assert added.status_code == 302 and "/delegeringar/ny/omfattning?" in added.headers["Location"]

    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    orderer = login("sarbe1")
    refreshed = orderer.post(f"/bestallningar/{order.number}/byt-attestant",
                             {"action": "refresh", "omrade_id": order.omrade_id, "enhet_id": order.enhet_id})
    assert refreshed.status_code == 302
    assert f"enhet_id={order.enhet_id}" in refreshed.headers["Location"]
    page = text_of(orderer.get(refreshed.headers["Location"]))
    assert "Per Wikström (perwi1)" in page  # the attestant list of the chosen verksamhet


def test_makulera_frågar_först_och_säger_vad_som_makuleras(region, login):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    orderer = login("sarbe1")
    asked = orderer.post(f"/aterkoppling/{order.number}/makulera")
    assert asked.status_code == 302 and asked.headers["Location"].endswith(f"/aterkoppling/{order.number}/makulera")
    page = text_of(orderer.get(asked.headers["Location"]))
    assert f"Makulera beställning {order.number}?" in page and "esMaker" in page and "Avbryt" in page
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.VANTAR_PA_ATTEST.value
    done = orderer.post(f"/aterkoppling/{order.number}/makulera", {"bekraftad": "1"})
    assert done.status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.MAKULERAD.value
    # Afterwards the confirmation page no longer offers it.
    assert orderer.get(f"/aterkoppling/{order.number}/makulera").status_code == 302


def test_ta_bort_lösenordsuppgifter_listar_exakt_vad_som_tas_bort(app, region, login):
    order = place(app, region, person_without_permissions(region))
    approve(app, region, order)
    orderer = login("sarbe1")
    page = text_of(orderer.get(f"/aterkoppling/{order.number}/ta-bort-losenord"))
    assert f"Ta bort lösenordsuppgifter för {order.number}?" in page and "Flexlab: Lösenord" in page
    assert "Flexlab: Login" not in page  # the login stays on Återkoppling; only the password goes
    assert orderer.post(f"/aterkoppling/{order.number}/ta-bort-losenord").status_code == 302
    assert region.scalar(select(Credential.id)) is not None  # not without the confirmation
    assert orderer.post(f"/aterkoppling/{order.number}/ta-bort-losenord", {"bekraftad": "1"}).status_code == 302
    region.expire_all()
    assert region.scalar(select(Credential.id)) is None


def test_service_desk_kan_inte_markera_flexlab_utförd_utan_login_och_lösenord(app, region, login):
    order = place(app, region, person_without_permissions(region), start=date.today() + timedelta(days=5))
    approve(app, region, order)  # Flexlab waits for its start date (Schemalagd)
    line = order.active_lines[0]
    desk = login("lensa1")
    page = text_of(desk.get(f"/servicedesk/{order.number}"))
    assert f'id="line{line.id}.losenord" name="line{line.id}.losenord" type="password"' in page
    empty = desk.post(f"/servicedesk/{order.number}/rad/{line.id}", {})
    assert empty.status_code == 400
    shown = text_of(empty)
    assert "Fyll i Login." in shown and "Fyll i Lösenord." in shown and 'id="error-summary"' in shown
    assert f'href="#line{line.id}.login"' in shown and f'href="#line{line.id}.losenord"' in shown
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.SCHEMALAGD.value


def test_kön_söks_på_ordernummer_person_och_system_och_varje_system_finns_en_gång(app, region, login):
    end_user = person_without_permissions(region)
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=end_user, attestant=person(region, "johek1"),
                       forvaltning_code="NH", omrade_name="Område Norr", status="attesterad",
                       item=("lr.nh.navet", "NAVET"))
    other = make_order(region, orderer=person(region, "sarbe1"), end_user=person(region, "eriny1"),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr",
                       status="attesterad")
    desk = login("lensa1")
    queue = text_of(desk.get("/servicedesk/"))
    assert queue.count(">Admin-konto</option>") == 1 and queue.count(">NAVET</option>") == 1
    by_number = text_of(desk.get("/servicedesk/", query_string={"ordernummer": order.number.upper()}))
    assert order.number in by_number and other.number not in by_number
    by_person = text_of(desk.get("/servicedesk/", query_string={"person": end_user.first_name[:3]}))
    assert order.number in by_person
    by_name = text_of(desk.get("/servicedesk/", query_string={"person": f"{end_user.first_name} {end_user.last_name[:2]}"}))
    assert order.number in by_name and other.number not in by_name
    by_system = text_of(desk.get("/servicedesk/", query_string={"system": "NAVET"}))
    assert order.number in by_system and other.number not in by_system


def test_administratören_ser_inte_attestera_beställningar(region, login):
    admin = login("kardah")
    assert "Attestera beställningar" not in text_of(admin.get("/"))
    assert admin.get("/attest/").status_code == 403
    assert "Attestera beställningar" in text_of(login("johek1").get("/"))


def test_hsa_id_hittas_oavsett_skiftläge(region):
    someone = person_without_permissions(region)
    assert find_person(region, "hsa_id", someone.hsa_id.lower()).id == someone.id
    assert find_person(region, "hsa_id", someone.hsa_id).id == someone.id


def test_beh_demo_visar_exempel_att_söka_på(app, db):
    result = app.test_cli_runner().invoke(args=["beh", "demo", "--persons", "120", "--orders", "5"])
    assert result.exit_code == 0, result.output
    eriny1 = person(db, "eriny1")
    with_pass = db.scalar(select(type(eriny1)).where(type(eriny1).passnummer.is_not(None)).order_by(type(eriny1).id))
    assert f"Personnummer  {eriny1.personnummer}" in result.output
    assert f"Passnummer    {with_pass.passnummer}" in result.output and "HSA-id        SE2321000131-P" in result.output
    assert "Nyanställd" in result.output and "Kommande engagemang" in result.output  # to order for before day one


def test_historiken_visar_etiketter_aldrig_koder(app, region, login):
    from beh_core import audit

    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr",
                       status="attesterad")
    audit.record(region, person(region, "johek1"), "attest.signature_refused", "order", order.number,
                 reason="pin_incorrect")
    region.commit()
    page = text_of(login("lensa1").get(f"/servicedesk/{order.number}"))
    assert "Signeringen av attesten godtogs inte" in page and "attest.signature_refused" not in page


def test_förläng_en_delegering_säger_en_delegering_på_båda_språken(region, login):
    from beh_core.models import Delegation

    chef = login("marho1")
    sarbe1 = region.scalar(select(Delegation).join(Delegation.omrade)
                           .where(Delegation.person_id == person(region, "sarbe1").id)
                           .order_by(Delegation.id))
    form = {"typ": sarbe1.scope, "omrade": f"{sarbe1.forvaltning_id}:{sarbe1.omrade_id}", "status": "alla",
            "valda": sarbe1.id, "manader": 12, "action": "forlang"}
    done = chef.post("/delegeringar/hantera", form)
    assert done.status_code == 302
    shown = text_of(chef.get(done.headers["Location"]))
    assert "1 delegering är förlängd till" in shown and "1 delegeringar" not in shown
    chef.get("/?lang=en")
    again = chef.post("/delegeringar/hantera", form)
    assert "1 delegation extended to" in text_of(chef.get(again.headers["Location"]))


def test_demoregionen_byggs_med_exempel(db):
    build_demo_region(db, persons=60, orders=0, seed=1)
    from beh_core.demo import example_search_keys

    labels = [label for label, _, _ in example_search_keys(db)]
    assert labels == ["Personnummer", "Passnummer", "HSA-id"]
