"""Hantera användartjänst (manual 004) over HTTP: Välj identitet, Välj kostnadsställe, Specificera
detaljer, Sök och välj with Dina val, Skicka; the ekonomisk attest by whoever answers for the
kostnadsställe; Service Desk; the end date ending the service through run-due."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from beh_core.models import HeldPermission, Order, OrderStatus, OutboxMessage
from beh_core.demo import DEMO_ROLES
from beh_core.services.due import run_due
from helpers import person, text_of
from usertjanst_steps import (BASE, add, ansvarig_of, choose_identity, costs, details, kostnadsstalle_of,
                              latest_order, order_up_to_levels, orders, person_by_index, send, step)

TODAY = date.today()


def suggestions(browser, text: str) -> list[dict]:
    response = browser.post("/forslag/personer/usertjanst", {"q": text})
    assert response.status_code == 200, text_of(response)
    return json.loads(text_of(response))["suggestions"]


def test_identiteten_hittas_på_vgr_id_namn_hsa_id_och_personnummer(region, login):
    orderer = login("sarbe1")
    perwi1 = person(region, "perwi1")
    for typed in ("perwi", "perwi1", "Per Wik", "Wikström", perwi1.hsa_id[:-1].lower(), perwi1.hsa_id,
                  perwi1.personnummer[:8], perwi1.personnummer, perwi1.personnummer[2:8] + "-" + perwi1.personnummer[8:]):
        found = suggestions(orderer, typed)
        assert str(perwi1.id) in [s["value"] for s in found], typed
        assert perwi1.personnummer not in json.dumps(found)  # masked: only the birth date shows
        assert any(perwi1.personnummer[:8] + "-****" in s["detail"] for s in found if s["value"] == str(perwi1.id))
        # The same search without JavaScript: Sök shows the hits, with the personnummer masked.
        path, page = step(orderer, "/", {"q": typed, "action": "sok"})
        assert path == BASE + "/" and f'value="{perwi1.id}"' in page, typed
        hits = page.split('id="traffar"', 1)[1]
        assert perwi1.personnummer not in hits and perwi1.personnummer[:8] + "-****" in hits  # masked
    # Without JavaScript: a hit is ticked and Fortsätt goes on with it.
    path, page = step(orderer, "/", {"q": "per", "action": "sok"})
    path, page = step(orderer, "/", {"q": "per", "traff": perwi1.id, "action": "fortsatt"})
    assert path == BASE + "/kostnadsstalle" and "Per Wikström (perwi1)" in page
    # Back at Välj identitet the chosen one is in the field; typing another name over it searches for that.
    page = text_of(orderer.get(BASE + "/"))
    assert 'value="Per Wikström (perwi1)"' in page and f'name="person_id" value="{perwi1.id}"' in page
    path, page = step(orderer, "/", {"q": "lensa1", "person_id": perwi1.id, "action": "fortsatt"})
    assert path == BASE + "/kostnadsstalle" and "Lena Sandberg (lensa1)" in page
    # A chosen suggestion (its hidden value, the field showing its label) goes on with Fortsätt.
    path, page = step(orderer, "/", {"q": "Per Wikström (perwi1)", "person_id": perwi1.id, "action": "fortsatt"})
    assert path == BASE + "/kostnadsstalle" and "Välj kostnadsställe" in page


def test_beställning_med_bytt_kostnadsställe_nivå_lagd_till_borttagen_och_tillagd_igen(region, login):
    orderer = login("sarbe1")
    perwi1 = person(region, "perwi1")
    path, page = choose_identity(orderer, perwi1)
    own = kostnadsstalle_of(region, perwi1)
    assert f'value="{own}"' in page  # the primary engagement's main kostnadsställe, prefilled
    assert "Primärt engagemang" in page
    # Replaced by typing another one (with a suggestion list for the typing).
    hits = json.loads(text_of(orderer.post("/forslag/kostnadsstallen", {"q": "6900"})))["suggestions"]
    assert [h["value"] for h in hits] == ["69002"] and "Johan Ekström (johek1)" in hits[0]["detail"]
    path, page = costs(orderer, "69002")
    assert path == BASE + "/detaljer" and "Specificera en orsak" in page and "Verksamhetskontext" in page
    path, page = details(orderer, orsak="Ny roll eller nytt uppdrag")
    assert path == BASE + "/val" and "Visar 1–4 av 4" in page
    for name in ("Användartjänst Avancerad", "Användartjänst Enkel", "Användartjänst Grund", "Användartjänst Lokal"):
        assert name in page
    assert "Riktar sig mot privata vårdgivare" in page
    _, page = add(orderer, "grund")
    cart = page.split('id="dina-val"', 1)[1]
    assert "Användartjänst Grund" in cart and "Per Wikström (perwi1)" in cart and "Visar 1–1 av 1" in cart
    _, page = step(orderer, "/val", {"action": "remove"})
    assert "Användartjänst Grund" not in page.split('id="dina-val"', 1)[1]
    _, page = add(orderer, "avancerad")
    assert "Användartjänst Avancerad" in page.split('id="dina-val"', 1)[1]
    before = orders(region)
    path, page = send(orderer)
    assert path.startswith(BASE + "/klar/") and "ekonomisk attest" in page and "Johan Ekström (johek1)" in page
    assert orders(region) == before + 1
    order = latest_order(region)
    assert order.catalogue == "usertjanst" and order.kind == "nyupplagg" and order.end_user_id == perwi1.id
    assert [s.key for s in order.attest_steps] == ["ekonomisk"] and order.attestant_id == person(region, "johek1").id
    assert ["Kostnadsställe", "69002"] in order.fields_shown and ["Orsak", "Ny roll eller nytt uppdrag"] in order.fields_shown
    assert order.lines[0].shown == [["Nivå", "Användartjänst Avancerad"]]
    assert order.start_date == TODAY and order.end_date is None  # a started engagement without an end date
    # Back and Skicka again (or a double click): nothing more is ordered, and the first order is named
    again, page = send(orderer)
    assert again == path and f"Beställningen är redan skickad. Ditt ordernummer är {order.number}." in page
    orderer.get("/?lang=en")  # and in English, as the page around it
    _, page = send(orderer)
    assert f"The order has already been sent. Your order number is {order.number}." in page
    assert orders(region) == before + 1


def test_förvalet_lifecare_light_fylls_i_och_enkel_markeras(region, login):
    orderer = login("sarbe1")
    path, page = choose_identity(orderer, person(region, "perwi1"))
    assert "LifeCare light" in page and "Använd LifeCare light" in page
    path, page = step(orderer, "/kostnadsstalle", {"action": "forval:lifecare_light"})
    assert path == BASE + "/kostnadsstalle" and "Förvalet LifeCare light är ifyllt." in page
    assert 'value="69002"' in page and 'value="2074"' in page and 'value="40044"' in page
    path, page = costs(orderer, "69002", "2074", "40044")
    _, page = details(orderer)
    assert "Gäller för LifeCare light" in page.split("Användartjänst Enkel", 1)[1].split("Användartjänst Grund", 1)[0]
    add(orderer, "enkel")
    send(orderer)
    order = latest_order(region)
    assert order.fields["kostnadsstalle"] == "69002" and order.fields["frikod1"] == "2074"
    assert ["Frikod 2", "40044"] in order.fields_shown


def test_förvalet_visas_som_inte_tillgängligt_utan_kostnadsstället(region, login):
    from beh_core.models import Kostnadsstalle

    region.delete(region.scalar(select(Kostnadsstalle).where(Kostnadsstalle.code == "69002")))
    region.commit()
    orderer = login("sarbe1")
    _, page = choose_identity(orderer, person(region, "perwi1"))
    assert "Inte tillgängligt: kostnadsställe 69002 finns inte i KiV." in page
    assert 'value="forval:lifecare_light" class="button button--secondary" disabled' in page
    assert orderer.post(BASE + "/kostnadsstalle", {"action": "forval:lifecare_light"}).status_code == 400


def test_datum_från_ett_kommande_och_ett_påbörjat_engagemang(region, login):
    orderer = login("sarbe1")
    nyanstalld = person_by_index(region, 28)  # the demo's nyanställd: the engagement starts in two weeks
    engagement = nyanstalld.engagements[0]
    assert engagement.start_date == TODAY + timedelta(days=14)
    order_up_to_levels(orderer, nyanstalld, "69002")
    add(orderer, "grund")
    send(orderer)
    order = latest_order(region)
    assert order.end_user_id == nyanstalld.id and order.start_date == engagement.start_date and order.end_date is None
    # A started engagement with an end date: start right after attest (today), end when the engagement ends.
    lensa1 = person(region, "lensa1")
    started = lensa1.engagements[0]
    assert started.start_date < TODAY and started.end_date is not None
    order_up_to_levels(orderer, lensa1, "69002")
    add(orderer, "grund")
    send(orderer)
    order = latest_order(region)
    assert order.end_user_id == lensa1.id and order.start_date == TODAY and order.end_date == started.end_date


def test_verksamhetskontext_primärt_eller_kommande_engagemang(region, login):
    orderer = login("sarbe1")
    both = person_by_index(region, 29)  # primary in Närhälsan, a coming one at Sahlgrenska
    choose_identity(orderer, both)
    costs(orderer, "69002")
    page = text_of(orderer.get(BASE + "/detaljer"))
    coming = next(e for e in both.engagements if e.start_date > TODAY)
    assert "Närhälsan" in page and f"(kommande, från {coming.start_date.isoformat()})" in page
    path, page = details(orderer, kontext=coming.id)
    add(orderer, "grund")
    send(orderer)
    order = latest_order(region)
    assert order.enhet_id == coming.enhet_id and order.start_date == coming.start_date
    assert order.end_date == coming.end_date
    assert any(label == "Verksamhetskontext" and "Sahlgrenska" in value for label, value in order.fields_shown)


def attest_and_fulfil(region, login, end: date | None = None) -> HeldPermission:
    """sarbe1 orders Användartjänst Grund for perwi1 on 69002; only johek1 (who answers for it) attests; the
    Service Desk carries it out. Returns what perwi1 then holds."""
    orderer = login("sarbe1")
    perwi1 = person(region, "perwi1")
    order_up_to_levels(orderer, perwi1, "69002", end=end.isoformat() if end else "")
    add(orderer, "grund")
    send(orderer)
    order = latest_order(region)
    assert order.end_date == end
    johek1 = person(region, "johek1")
    assert ansvarig_of(region, "69002").id == johek1.id
    for _, vgr_id, _, _ in DEMO_ROLES:
        if vgr_id == "johek1":
            continue
        other = login(vgr_id)
        assert other.get(f"/attest/{order.number}").status_code == 403, vgr_id
        assert other.post(f"/attest/{order.number}", {"action": "approve"}).status_code == 403, vgr_id
        listed = other.get("/attest/")
        assert listed.status_code == 403 or order.number not in text_of(listed), vgr_id
    attestant = login("johek1")
    assert order.number in text_of(attestant.get("/attest/"))
    page = text_of(attestant.get(f"/attest/{order.number}"))
    assert "Ekonomisk attest" in page and "Kostnadsställe" in page and "69002" in page and "Orsak" in page
    assert attestant.post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    region.expire_all()
    order = region.get(Order, order.id)
    assert order.status == OrderStatus.ATTESTERAD.value
    # Every mail of the order (to the attestant, the decision to the orderer) shows kostnadsställe and orsak.
    bodies = [m.body for m in region.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert len(bodies) >= 2 and all("Kostnadsställe: 69002" in body and "Orsak: Nyanställd" in body
                                    for body in bodies[-2:])
    desk = login("lensa1")
    assert order.number in text_of(desk.get("/servicedesk/"))
    line = order.lines[0]
    # A new account: Utförd asks for its login first (Återkoppling), then carries it out.
    refused = desk.post(f"/servicedesk/{order.number}/rad/{line.id}", {})
    assert refused.status_code == 400 and "Fyll i Användarnamn." in text_of(refused)
    assert desk.post(f"/servicedesk/{order.number}/rad/{line.id}",
                     {f"line{line.id}.anvandarnamn": "perwi1", f"line{line.id}.losenord": "Vinter-2026!"}
                     ).status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.AVSLUTAD.value
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == perwi1.id,
                                                      HeldPermission.item_key == "usertjanst"))
    assert held.details == {"niva": "grund"} and held.valid_to == end
    return held


def test_bara_den_som_ansvarar_för_kostnadsstället_ser_och_attesterar_sedan_service_desk(region, login):
    held = attest_and_fulfil(region, login)
    assert held.valid_to is None and held.ended_at is None


def test_slutdatumet_avslutar_användartjänsten_den_dagen(region, login, rt):
    from beh_core.services.directory_api import Directory

    end = TODAY + timedelta(days=10)
    held = attest_and_fulfil(region, login, end)
    run_due(region, rt, today=end)
    region.expire_all()
    assert region.get(HeldPermission, held.id).ended_at is None  # still held on its last day
    assert Directory(region, end).held_permissions(held.person_id, item_prefix="usertjanst")
    run_due(region, rt, today=end + timedelta(days=1))
    region.expire_all()
    assert region.get(HeldPermission, held.id).ended_at is not None
    assert not Directory(region, end + timedelta(days=1)).held_permissions(held.person_id, item_prefix="usertjanst")


def test_service_desk_skickar_inloggningsuppgifterna_för_det_nya_kontot(region, login):
    """Återkoppling: the login of the new account goes to the beställare alone, the password encrypted."""
    from beh_core.models import Credential

    orderer = login("sarbe1")
    order_up_to_levels(orderer, person(region, "perwi1"), "69002")
    add(orderer, "grund")
    send(orderer)
    order = latest_order(region)
    assert login("johek1").post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    desk = login("lensa1")
    page = text_of(desk.get(f"/servicedesk/{order.number}"))
    assert "Användarnamn" in page and "Tillfälligt lösenord" in page
    line = order.lines[0]
    done = desk.post(f"/servicedesk/{order.number}/rad/{line.id}",
                     {f"line{line.id}.anvandarnamn": "perwi1", f"line{line.id}.losenord": "Sommar-2026!"})
    assert done.status_code == 302
    region.expire_all()
    stored = region.scalar(select(Credential).where(Credential.line_id == line.id))
    assert stored is not None and "Sommar-2026!" not in stored.ciphertext
    shown = text_of(orderer.get(f"/aterkoppling/{order.number}"))
    assert "Användarnamn" in shown and "perwi1" in shown and "Sommar-2026!" in shown
    assert login("johek1").get(f"/aterkoppling/{order.number}").status_code == 403


def test_ett_personnummer_i_sökfältet_sparas_inte_i_utkastet(region, login):
    """Sök on a personnummer: the hit is shown, and the draft keeps the person's VGR-ID, never the number."""
    from beh_core.models import OrderDraft

    orderer = login("sarbe1")
    perwi1 = person(region, "perwi1")
    path, page = step(orderer, "/", {"q": perwi1.personnummer, "action": "sok"})
    assert f'value="{perwi1.id}"' in page and perwi1.personnummer not in page
    region.expire_all()
    drafts = " ".join(str(d.data) for d in region.scalars(select(OrderDraft)))
    assert perwi1.personnummer not in drafts and perwi1.vgr_id in drafts
    assert perwi1.personnummer not in text_of(orderer.get(BASE + "/"))  # nor when the page is opened again
    # Nobody found, or a label in front: the typed text is kept for the field, its personnummer masked.
    for typed in (f"pnr: {perwi1.personnummer}", "199001011234"):
        orderer.post(BASE + "/", {"q": typed, "action": "fortsatt"})
        region.expire_all()
        drafts = " ".join(str(d.data) for d in region.scalars(select(OrderDraft)))
        assert typed not in drafts and typed[-4:] not in drafts.split("typed")[-1], drafts
