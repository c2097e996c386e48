"""Manual 000 "Granskning" and "Återkoppling av beställning", with a real SMTP server on loopback.

New order -> the attestant's mail with a personal link -> Godkänn -> Flexlab is
fulfilled by its plugin with credentials -> the orderer's mail -> the orderer
reads Login and Lösenord, deletes them, and they are gone.
"""
import re

import pytest
from sqlalchemy import func, select

from beh_core.models import AuditEvent, Credential, HeldPermission, Order, OrderStatus
from helpers import choose_systems, make_config, person, person_without_permissions, review, start_wizard, text_of
from test_fulfil_support import SmtpServer, link_path, raw_database_text, send_all, smtp_settings, su_medicin

PASSWORD_RE = re.compile(r"Lösenord: <code>([^<]+)</code>")


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(migrated, tmp_path, smtp):
    return make_config(migrated, tmp_path, **smtp_settings(smtp))


def order_flexlab_over_http(db, orderer, end_user, start):
    """Steps 1-3 of the wizard: Nyupplägg of Flexlab (SU), attestant johek1."""
    forvaltning, omrade, enhet = su_medicin(db)
    start_wizard(orderer, end_user, forvaltning)
    assert choose_systems(orderer, "local", {"lr.su.flexlab": {}}).status_code == 302
    assert choose_systems(orderer, "regional", {}).status_code == 302
    done = review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=person(db, "johek1").id,
                  start_date=start.isoformat())
    assert done.status_code == 302, text_of(done)
    db.expire_all()
    return db.scalar(select(Order).order_by(Order.id.desc()))


def test_ny_beställning_attest_flexlab_och_inloggningsuppgifter_till_beställaren(app, region, login, smtp):
    from datetime import date

    orderer = login("sarbe1")
    end_user = person_without_permissions(region)
    order = order_flexlab_over_http(region, orderer, end_user, date.today())

    # "När beställningen är skapad skickas ett e-postmeddelande till attestanten."
    assert send_all(app) == 1
    [to_attestant] = smtp.inbox.to("johek1@demo.beh.example")
    assert order.number in to_attestant["Subject"] and "väntar på din attest" in to_attestant.get_content()
    link = link_path(to_attestant)

    # "Om det vidarebefordras fungerar inte länken."
    assert login("perwi1").get(link).status_code == 403
    attestant = login("johek1")
    followed = attestant.get(link)
    assert followed.status_code == 302 and followed.headers["Location"].endswith(f"/attest/{order.number}")
    assert attestant.get(followed.headers["Location"]).status_code == 200
    assert attestant.post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302

    # Flexlab is fulfilled by its plugin right after attest: the order is Avslutad.
    region.expire_all()
    order = region.get(Order, order.id)
    assert order.status == OrderStatus.AVSLUTAD.value
    assert send_all(app) == 2
    subjects = sorted(m["Subject"] for m in smtp.inbox.to("sarbe1@demo.beh.example"))
    assert subjects == [f"Beställning {order.number} är godkänd", f"Beställning {order.number} är utförd"]
    done_mail = next(m for m in smtp.inbox.to("sarbe1@demo.beh.example") if "utförd" in m["Subject"])
    assert "Inloggningsuppgifter" in done_mail.get_content()

    # Tidigare beställningar: Återkopplingsinfo links to Inloggningsuppgifter.
    listing = text_of(orderer.get("/bestallningar/mina"))
    assert "Inloggningsuppgifter" in listing and f"/aterkoppling/{order.number}" in listing

    # The orderer follows the mail's link to "Återkoppling c…" with Login and Lösenord.
    followed = orderer.get(link_path(done_mail))
    assert followed.headers["Location"].endswith(f"/aterkoppling/{order.number}")
    page = text_of(orderer.get(followed.headers["Location"]))
    assert f"Återkoppling {order.number}" in page and "Avslutad" in page and "Flexlab" in page
    assert f"Login: {end_user.vgr_id}" in page
    password = PASSWORD_RE.search(page).group(1)
    assert len(password) >= 12
    viewed = region.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "credentials.viewed"))
    assert viewed == 1

    # Encrypted at rest: the password is nowhere in the database, though the order is.
    stored = raw_database_text(app)
    assert order.number.encode() in stored
    assert password.encode() not in stored

    # Only the orderer: the attestant, the Service Desk and an administrator get 403.
    for other in ("johek1", "lensa1", "kardah", "eriny1"):
        assert login(other).get(f"/aterkoppling/{order.number}").status_code == 403

    # "Ta bort lösenordsuppgifter": gone for good.
    assert orderer.post(f"/aterkoppling/{order.number}/ta-bort-losenord", {"bekraftad": "1"}).status_code == 302
    after = text_of(orderer.get(f"/aterkoppling/{order.number}"))
    assert password not in after and "Ta bort lösenordsuppgifter" not in after
    region.expire_all()
    assert region.scalar(select(func.count(Credential.id))) == 0
    assert "Inloggningsuppgifter" not in text_of(orderer.get("/bestallningar/mina"))

    # The granted line is now a held permission of the end user.
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id))
    assert held.item_key == "lr.su.flexlab" and held.valid_to is None


def test_service_desk_utför_manuell_rad_och_historiken_visas(app, region, login, smtp):
    from test_fulfil_support import approve, place

    end_user = person_without_permissions(region)
    order = place(app, region, end_user, items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    approve(app, region, order)
    assert order.status == OrderStatus.ATTESTERAD.value

    desk = login("lensa1")
    assert "Service Desk behörigheter" in text_of(desk.get("/"))
    queue = text_of(desk.get("/servicedesk/"))
    assert order.number in queue and "Totalt 1 st. Sida 1 av 1." in queue
    assert login("sarbe1").get("/servicedesk/").status_code == 403
    page = text_of(desk.get(f"/servicedesk/{order.number}"))
    assert "Utförd" in page and "Begär komplettering" in page
    assert "Beställning skapad" in page and "Godkänd av attestant" in page and "Sara Berglund (sarbe1)" in page

    line = order.active_lines[0]
    assert desk.post(f"/servicedesk/{order.number}/rad/{line.id}").status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.AVSLUTAD.value
    history = text_of(desk.get(f"/servicedesk/{order.number}"))
    assert "Utförd: Slutenvårdsdos (SLVD). Beställningen är avslutad." in history
    assert "Lena Sandberg (lensa1)" in history
    assert order.number not in text_of(desk.get("/servicedesk/"))
    again = desk.post(f"/servicedesk/{order.number}/rad/{line.id}")  # another tab still showed Utförd
    assert again.status_code == 409
    assert "Beställningen har status Avslutad och utförs inte längre." in text_of(again)
    assert send_all(app) == 3  # attestant, decision, completion
    assert any("utförd" in m["Subject"] for m in smtp.inbox.to("sarbe1@demo.beh.example"))


def test_komplettering_fram_och_tillbaka(app, region, login, smtp):
    from test_fulfil_support import approve, place

    end_user = person_without_permissions(region)
    order = place(app, region, end_user, items=(("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}, None),))
    approve(app, region, order)
    desk, orderer = login("lensa1"), login("sarbe1")

    # An empty message is refused at the field; nothing changes.
    empty = desk.post(f"/servicedesk/{order.number}/komplettering", {"message": "  "})
    assert empty.status_code == 400 and "Skriv vad som behöver kompletteras." in text_of(empty)
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.ATTESTERAD.value

    asked = desk.post(f"/servicedesk/{order.number}/komplettering", {"message": "Ange vilken avdelning."})
    assert asked.status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.KOMPLETTERING.value
    send_all(app)
    [mail] = [m for m in smtp.inbox.to("sarbe1@demo.beh.example") if "Komplettering" in m["Subject"]]
    assert "Ange vilken avdelning." in mail.get_content()
    assert "Komplettering begärd" in text_of(orderer.get("/bestallningar/mina"))

    page = text_of(orderer.get(orderer.get(link_path(mail)).headers["Location"]))
    assert "Ange vilken avdelning." in page and "Skicka komplettering" in page
    blank = orderer.post(f"/aterkoppling/{order.number}/komplettering", {"answer": ""})
    assert blank.status_code == 400 and "Skriv ditt svar på kompletteringen." in text_of(blank)
    assert login("johek1").post(f"/aterkoppling/{order.number}/komplettering",
                                {"answer": "Avdelning 12"}).status_code == 403
    answered = orderer.post(f"/aterkoppling/{order.number}/komplettering", {"answer": "Avdelning 12"})
    assert answered.status_code == 302
    # A second answer (a double click, another tab) is told there is nothing left to answer, not "no right"
    again = orderer.post(f"/aterkoppling/{order.number}/komplettering", {"answer": "Avdelning 12"})
    assert again.status_code == 409 and "Det finns ingen komplettering att svara på." in text_of(again)
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.ATTESTERAD.value
    page = text_of(desk.get(f"/servicedesk/{order.number}"))
    assert "Avdelning 12" in page and "Komplettering besvarad av beställaren" in page
    assert order.number in text_of(desk.get("/servicedesk/"))


def test_beställaren_makulerar_före_attest_men_inte_efter(app, region, login, smtp):
    from test_fulfil_support import approve, place

    end_user = person_without_permissions(region)
    order = place(app, region, end_user)
    orderer = login("sarbe1")
    assert "Makulera" in text_of(orderer.get(f"/bestallningar/{order.number}"))
    assert login("johek1").post(f"/aterkoppling/{order.number}/makulera", {"bekraftad": "1"}).status_code == 403
    assert orderer.post(f"/aterkoppling/{order.number}/makulera", {"bekraftad": "1"}).status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.MAKULERAD.value
    # Makulera again (another tab) and Byt attestant after it: told what happened, not "no right"
    again = orderer.post(f"/aterkoppling/{order.number}/makulera", {"bekraftad": "1"})
    assert again.status_code == 409 and "Beställningen är redan makulerad." in text_of(again)
    confirm = orderer.get(f"/aterkoppling/{order.number}/makulera")
    assert "Beställningen är redan makulerad." in text_of(orderer.get(confirm.headers["Location"]))
    change = orderer.get(f"/bestallningar/{order.number}/byt-attestant")
    assert change.status_code == 302
    assert (f"Beställning {order.number} väntar inte längre på attest. Attestanten kan inte bytas."
            in text_of(orderer.get(change.headers["Location"])))
    assert "Makulerad" in text_of(orderer.get(f"/bestallningar/{order.number}"))
    # The attestant's link now leads to the order's page, which says it no longer waits for them.
    attestant = login("johek1")
    answer = attestant.get(f"/attest/{order.number}")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/bestallningar/{order.number}")
    assert f"Beställning {order.number} väntar inte längre på din attest." in text_of(
        attestant.get(answer.headers["Location"]))
    send_all(app)
    assert any("makulerad" in m["Subject"] for m in smtp.inbox.to("johek1@demo.beh.example"))

    attested = place(app, region, end_user)
    approve(app, region, attested)
    assert "Makulera" not in text_of(orderer.get(f"/bestallningar/{attested.number}"))
    assert orderer.post(f"/aterkoppling/{attested.number}/makulera", {"bekraftad": "1"}).status_code == 409
    region.expire_all()
    assert region.get(Order, attested.id).status == OrderStatus.AVSLUTAD.value


def test_förändring_och_avslut_visar_det_som_verkligen_innehas(app, region, login, smtp):
    from datetime import date

    from test_fulfil_support import approve, place

    end_user = person_without_permissions(region)
    forvaltning = su_medicin(region)[0]
    orderer = login("sarbe1")
    start_wizard(orderer, end_user, forvaltning, kind="forandring")
    assert "Flexlab" not in text_of(orderer.get("/lr/sida/local"))

    approve(app, region, place(app, region, end_user))
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id))
    start_wizard(orderer, end_user, forvaltning, kind="forandring")
    assert "Flexlab" in text_of(orderer.get("/lr/sida/local"))

    # Avslut of the Flexlab just granted, over the wizard; fulfilled automatically at attest.
    start_wizard(orderer, end_user, forvaltning, kind="avslut")
    assert "Flexlab" in text_of(orderer.get("/lr/sida/local"))
    token = f"lr.su.flexlab:{held.id}"
    assert choose_systems(orderer, "local", {token: {}}).status_code == 302
    assert choose_systems(orderer, "regional", {}).status_code == 302
    _, omrade, enhet = su_medicin(region)
    done = review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=person(region, "johek1").id,
                  start_date=date.today().isoformat())
    assert done.status_code == 302, text_of(done)
    region.expire_all()
    avslut = region.scalar(select(Order).order_by(Order.id.desc()))
    assert avslut.kind == "avslut"
    approve(app, region, avslut)
    assert avslut.status == OrderStatus.AVSLUTAD.value
    region.expire_all()
    assert not region.get(HeldPermission, held.id).is_held(date.today())
    start_wizard(orderer, end_user, forvaltning, kind="avslut")
    assert "Flexlab" not in text_of(orderer.get("/lr/sida/local"))


def test_kön_visar_akut_först_och_sedan_äldst_och_kan_filtreras(app, region, login):
    from helpers import make_order

    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    end_user = person_without_permissions(region)
    old = make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="NH",
                     omrade_name="Område Norr", status="attesterad")
    new = make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="SU",
                     omrade_name="Område Medicin", status="attesterad", item=("lr.elvis", "ELVIS"))
    urgent = make_order(region, orderer=sarbe1, end_user=end_user, attestant=johek1, forvaltning_code="SU",
                        omrade_name="Område Medicin", status="under_utforande")
    urgent.akut = True
    region.commit()
    desk = login("lensa1")
    page = text_of(desk.get("/servicedesk/"))
    assert page.index(urgent.number) < page.index(old.number) < page.index(new.number)
    assert "Totalt 3 st. Sida 1 av 1." in page
    by_system = text_of(desk.get("/servicedesk/?system=ELVIS"))
    assert new.number in by_system and old.number not in by_system
    by_forvaltning = text_of(desk.get(f"/servicedesk/?forvaltning={su_medicin(region)[0]}"))
    assert old.number not in by_forvaltning and urgent.number in by_forvaltning
    by_status = text_of(desk.get("/servicedesk/?status=under_utforande"))
    assert urgent.number in by_status and new.number not in by_status

