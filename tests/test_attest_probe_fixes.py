"""An outside tester's findings on attest, over HTTP: Godkänn flera på en gång starts with nothing ticked;
the attest list shows exactly what the user may attest and a decision never lands on Åtkomst nekad; the
SITHS sentence only when signing is asked for; the demo login names the ekonomisk attestant; Byt attestant
to the same person is refused."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from beh_core.demo import DEMO_ROLES
from beh_core.models import AuditEvent, Delegation, Kostnadsstalle, Order, OrderStatus, Person
from helpers import make_order, person, person_without_permissions, text_of
from usertjanst_steps import add, latest_order, order_up_to_levels, send

WAITING = OrderStatus.VANTAR_PA_ATTEST.value


def _orders_for_johek1(region, count: int = 3) -> list[Order]:
    sarbe1, johek1 = person(region, "sarbe1"), person(region, "johek1")
    return [make_order(region, orderer=sarbe1, end_user=person_without_permissions(region), attestant=johek1,
                       forvaltning_code="NH", omrade_name="Område Norr") for _ in range(count)]


def _statuses(region, orders: list[Order]) -> list[str]:
    region.expire_all()
    return [region.get(Order, o.id).status for o in orders]


# --- 1. Godkänn flera på en gång ---------------------------------------------------------------------

def test_godkänn_flera_börjar_utan_markeringar_och_markera_alla_godkänner_inget(region, login):
    orders = _orders_for_johek1(region)
    attestant = login("johek1")
    page = text_of(attestant.get("/attest/alla"))
    assert "Markera de beställningar du vill godkänna" in page
    boxes = re.findall(r'<input type="checkbox" name="order"[^>]*>', page)
    assert len(boxes) == 3 and not any("checked" in box for box in boxes), boxes
    # Markera alla is a button of its own (works without JavaScript): the list again, every box ticked.
    marked = attestant.post("/attest/alla", {"action": "markera_alla"})
    assert marked.status_code == 200
    boxes = re.findall(r'<input type="checkbox" name="order"[^>]*>', text_of(marked))
    assert len(boxes) == 3 and all("checked" in box for box in boxes), boxes
    assert _statuses(region, orders) == [WAITING] * 3


def test_godkänn_markerade_utan_markering_säger_det_vid_fältet(region, login):
    orders = _orders_for_johek1(region, 2)
    attestant = login("johek1")
    attestant.get("/attest/alla")
    response = attestant.post("/attest/alla", {"action": "godkann"})
    assert response.status_code == 200
    page = text_of(response)
    assert '<p class="beh-error" id="err-order">Markera de beställningar som ska godkännas.</p>' in page
    assert page.count('id="error-summary"') == 1  # one error box, announced once
    assert 'aria-describedby="err-order"' in page
    assert _statuses(region, orders) == [WAITING] * 2


def test_godkänn_markerade_godkänner_bara_den_markerade(region, login):
    orders = _orders_for_johek1(region, 2)
    attestant = login("johek1")
    attestant.get("/attest/alla")
    response = attestant.post("/attest/alla", {"action": "godkann", "order": str(orders[0].id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/attest/")
    assert _statuses(region, orders) == [OrderStatus.ATTESTERAD.value, WAITING]


# --- 2. The attest list and where a decision leads --------------------------------------------------------

def _without_delegations(region, exclude: tuple[str, ...]) -> Person:
    """An active person with no delegation at all (the demo's random attestants, tovst1)."""
    delegated = select(Delegation.person_id)
    return region.scalar(select(Person).where(Person.active.is_(True), Person.id.not_in(delegated),
                                              Person.vgr_id.not_in(exclude)).order_by(Person.id).limit(1))


def _ekonomisk_attestant(region, login):
    """A person without delegations answering for 69002, an Användartjänst order waiting for their ekonomisk
    attest, and an L/R order naming them attestant (as the demo's random attestants): (person, usertjanst, lr)."""
    perwi1 = person(region, "perwi1")
    ekonom = _without_delegations(region, exclude=("sarbe1", "perwi1", "eriny1", "andlu1"))
    region.execute(Kostnadsstalle.__table__.update().where(Kostnadsstalle.code == "69002")
                   .values(ansvarig_id=ekonom.id))
    region.commit()
    orderer = login("sarbe1")
    order_up_to_levels(orderer, perwi1, "69002")
    add(orderer, "grund")
    send(orderer)
    usertjanst = latest_order(region)
    assert usertjanst.attestant_id == ekonom.id and usertjanst.attest_steps[0].rule == "plugin"
    lr = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                    attestant=ekonom, forvaltning_code="NH", omrade_name="Område Norr")
    return ekonom, usertjanst, lr


def test_attestlistan_visar_bara_det_användaren_får_attestera(region, login):
    ekonom, usertjanst, lr = _ekonomisk_attestant(region, login)
    browser = login(ekonom.vgr_id)
    listed = text_of(browser.get("/attest/"))
    assert usertjanst.number in listed
    assert lr.number not in listed  # no L/R attestant delegation covers it
    many = text_of(browser.get("/attest/alla"))
    assert usertjanst.number in many and lr.number not in many
    assert "1 beställning väntar på din attest" in many
    assert browser.get(f"/attest/{lr.number}").status_code == 403


def test_attestsidan_frågar_pluginet_om_stegets_attestant_fortfarande_gäller(region, login):
    ekonom, usertjanst, _ = _ekonomisk_attestant(region, login)
    # Someone else answers for the kostnadsställe now: the plugin no longer names the old ansvarig. The list
    # trusts the step (asking the plugin per row would cost a statement each); the attest page asks.
    region.execute(Kostnadsstalle.__table__.update().where(Kostnadsstalle.code == "69002")
                   .values(ansvarig_id=person(region, "johek1").id))
    region.commit()
    browser = login(ekonom.vgr_id)
    assert browser.get(f"/attest/{usertjanst.number}").status_code == 403
    assert browser.post(f"/attest/{usertjanst.number}", {"action": "approve"}).status_code == 403


def test_efter_sista_ekonomiska_attesten_hamnar_man_på_startsidan(region, login):
    ekonom, usertjanst, _ = _ekonomisk_attestant(region, login)
    browser = login(ekonom.vgr_id)
    browser.get(f"/attest/{usertjanst.number}")
    response = browser.post(f"/attest/{usertjanst.number}", {"action": "approve"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"  # the start page
    landed = browser.get(response.headers["Location"])
    assert landed.status_code == 200
    page = text_of(landed)
    assert f"Beställning {usertjanst.number} är godkänd." in page and "Åtkomst nekad" not in page
    # Their link in the mail still leads somewhere: the order's page, saying it no longer waits for them.
    again = browser.get(f"/attest/{usertjanst.number}")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/bestallningar/{usertjanst.number}")


def test_efter_beslut_med_fler_kvar_hamnar_man_på_attestlistan(region, login):
    orders = _orders_for_johek1(region, 2)
    attestant = login("johek1")
    attestant.get(f"/attest/{orders[0].number}")
    response = attestant.post(f"/attest/{orders[0].number}", {"action": "approve"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/attest/")
    # An attestant by delegation keeps the list even with nothing left in it.
    response = attestant.post(f"/attest/{orders[1].number}", {"action": "approve"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/attest/")
    assert attestant.get("/attest/").status_code == 200


# --- 3. The SITHS sentence ------------------------------------------------------------------------------

def test_signeringsmeningen_bara_när_signering_krävs(region, login, rt, monkeypatch):
    order = _orders_for_johek1(region, 1)[0]
    attestant = login("johek1")
    sentence = "måste du <strong>signera</strong> attesten med ditt SITHS-kort"
    assert sentence not in text_of(attestant.get(f"/attest/{order.number}"))
    monkeypatch.setitem(rt.config, "ATTEST_SIGNING", "required")
    assert sentence in text_of(attestant.get(f"/attest/{order.number}"))


# --- 4. The demo login names the ekonomisk attestant -----------------------------------------------------

def test_demoinloggningen_visar_den_ekonomiska_attestanten(region, browser):
    page = text_of(browser.get("/login"))
    # johek1 answers for the usertjanst plugin's example kostnadsställe (69002, LifeCare light) in the demo.
    assert "Attestant och ekonomisk attestant: Johan Ekström (johek1)" in page
    assert page.count('<option value="johek1">') == 1  # one entry (one demo SITHS card) per person


def test_demoinloggningen_visar_en_ekonomisk_attestant_utan_egen_demoroll(region, browser):
    other = _without_delegations(region, exclude=tuple(role[1] for role in DEMO_ROLES))
    region.execute(Kostnadsstalle.__table__.update().where(Kostnadsstalle.code == "69002")
                   .values(ansvarig_id=other.id))
    region.commit()
    page = text_of(browser.get("/login"))
    assert f"Ekonomisk attestant: {other.display}" in page
    assert "Attestant: Johan Ekström (johek1)" in page


# --- 5. Byt attestant to the same person -------------------------------------------------------------------

def test_byt_attestant_till_samma_person_vägras_vid_fältet(region, login):
    order = _orders_for_johek1(region, 1)[0]
    orderer = login("sarbe1")
    url = f"/bestallningar/{order.number}/byt-attestant"
    orderer.get(url)
    response = orderer.post(url, {"action": "ok", "omrade_id": order.omrade_id, "enhet_id": order.enhet_id,
                                  "attestant_id": order.attestant_id})
    assert response.status_code == 200
    page = text_of(response)
    assert "Välj en annan attestant än den nuvarande." in page and 'id="err-attestant_id"' in page
    region.expire_all()
    changes = region.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.attestant_changed"))
    assert changes == 0
    # Another attestant is still a change.
    perwi1 = person(region, "perwi1")
    response = orderer.post(url, {"action": "ok", "omrade_id": order.omrade_id, "enhet_id": order.enhet_id,
                                  "attestant_id": perwi1.id})
    assert response.status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).attestant_id == perwi1.id


def test_attestlistan_för_en_ekonomisk_attestant_läser_indexintervall(app, region, login):
    from test_list_plans import _sent, _whole_reads

    ekonom, _, _ = _ekonomisk_attestant(region, login)
    browser = login(ekonom.vgr_id)
    for url in ("/attest/", "/attest/alla", "/attest/?sida=sista"):
        assert _whole_reads(app, _sent(app, browser, url)) == [], url
    johek1 = login("johek1")
    assert _whole_reads(app, _sent(app, johek1, "/attest/alla")) == []


def test_godkänn_markerade_namnger_en_beställning_som_delegeringen_inte_täcker(region, login):
    """The list shows orders by the kind of the attestant's delegations; one in an område their delegation
    does not cover is named at the table, and nothing is approved (not a bare Åtkomst nekad for all)."""
    from beh_core.models import Forvaltning, Omrade

    inside = _orders_for_johek1(region, 1)[0]
    rh = region.scalar(select(Omrade).join(Forvaltning).where(Forvaltning.code == "RH").order_by(Omrade.id).limit(1))
    outside = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                         attestant=person(region, "johek1"), forvaltning_code="RH", omrade_name=rh.name)
    attestant = login("johek1")
    attestant.get("/attest/alla")
    response = attestant.post("/attest/alla", {"action": "godkann", "order": [inside.id, outside.id]})
    assert response.status_code == 200
    page = text_of(response)
    assert f"Du kan inte attestera {outside.number}." in page and "Inget är godkänt." in page
    assert _statuses(region, [inside, outside]) == [WAITING] * 2


def test_byt_attestant_i_två_flikar_den_andra_får_veta_vem_som_attesterar_nu(region, login):
    """Both tabs show johek1; the first changes to perwi1, the second (still showing johek1) asks for marho1:
    nothing changes the second time and the page says who attests now. The replaced attestant's mail link
    leads to the order's page: it no longer waits for them."""
    order = _orders_for_johek1(region, 1)[0]
    johek1, perwi1 = person(region, "johek1"), person(region, "perwi1")
    first, second = login("sarbe1"), login("sarbe1")
    url = f"/bestallningar/{order.number}/byt-attestant"
    for tab in (first, second):
        assert f'name="shown_attestant_id" value="{johek1.id}"' in text_of(tab.get(url))
    choice = {"action": "ok", "omrade_id": order.omrade_id, "enhet_id": order.enhet_id, "shown_attestant_id": johek1.id}
    assert first.post(url, {**choice, "attestant_id": perwi1.id}).status_code == 302
    refused = second.post(url, {**choice, "attestant_id": johek1.id})
    assert refused.status_code == 200
    page = text_of(refused)
    assert ("Attestanten har redan bytts till Per Wikström (perwi1), i en annan flik eller av någon annan."
            in page) and 'id="err-attestant_id"' in page
    assert f'name="shown_attestant_id" value="{perwi1.id}"' in page  # the next OK is about perwi1
    region.expire_all()
    assert region.get(Order, order.id).attestant_id == perwi1.id
    assert region.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.attestant_changed")) == 1
    old = login("johek1")
    answer = old.get(f"/attest/{order.number}")
    assert answer.status_code == 303
    assert f"Beställning {order.number} väntar inte längre på din attest." in text_of(old.get(answer.headers["Location"]))
    assert old.post(f"/attest/{order.number}", {"action": "godkann"}).status_code == 303
    region.expire_all()
    assert region.get(Order, order.id).status == WAITING
