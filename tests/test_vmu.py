"""Vårdmedarbetaruppdrag VMU En användare (manual 003), over HTTP: the beställare's vårdenheter, the uppdrag by
system, spärr och logg only at private care providers, attest by the unit's U attestant, activation exactly on
the start date by run-due, and Avslut on its date."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from beh_core.models import SCOPE_AREA, Delegation, Enhet, HeldPermission, Order, OrderStatus, OutboxMessage, Person
from helpers import person, person_without_permissions, post_step, text_of
from vmu_helpers import u_delegation, unit

TODAY = date.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def world(region):
    """The demo's U delegations (the vmu plugin's demo data): sarbe1 orders at NH-O3-E1..E3 (E3 a private care
    provider), johek1 and perwi1 attest there; kardah is U attestant of another vårdenhet only; each unit's
    verksamhetschef has delegated both roles to themself."""
    units = {code: unit(region, code) for code in ("NH-O3-E1", "NH-O3-E2", "NH-O3-E3", "SU-O1-E1")}
    other = person(region, "kardah")
    u_delegation(region, other, units["SU-O1-E1"], attestant=True)
    # an L/R attestant of the very område of the vårdenheter: attests L/R orders there, never uppdrag
    e1 = units["NH-O3-E1"]
    region.add(Delegation(person_id=person(region, "lensa1").id, scope=SCOPE_AREA,
                          forvaltning_id=e1.omrade.forvaltning_id, omrade_id=e1.omrade_id, is_bestallare=False,
                          is_attestant=True, valid_from=TODAY - timedelta(days=1), valid_to=TODAY + timedelta(days=90)))
    region.commit()
    return units, person(region, "sarbe1"), person(region, "johek1"), other


def fresh_end_user(db, units) -> "Person":
    """A person with an active engagement who holds nothing: not a demo identity nor a unit's chef."""
    chefs = tuple(db.get(Person, u.chef_id).vgr_id for u in units.values() if u.chef_id)
    return person_without_permissions(db, exclude=("sarbe1", "johek1", "perwi1", "marho1", "kardah") + chefs)


def start(browser, end_user, kind="nyupplagg"):
    """Sök användare (HSA-id), Fortsätt, Nyupplägg or Avslut."""
    found = browser.post("/vmu/", {"field": "hsa_id", "q": end_user.hsa_id})
    assert found.status_code == 200 and end_user.vgr_id in text_of(found), text_of(found)
    assert browser.post("/vmu/person", {"person_id": end_user.id}).status_code == 302
    moved = browser.post("/vmu/behorigheter", {"kind": kind})
    assert moved.headers["Location"].endswith("/vmu/sida/uppdrag"), text_of(moved)


def token(item: str, enhet: Enhet) -> str:
    return f"vmu.{item}@{enhet.id}"


def run_due(app, day: date) -> str:
    """``flask beh run-due --today`` as cron runs it."""
    result = app.test_cli_runner().invoke(args=["beh", "run-due", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def order_uppdrag(browser, end_user, choose: list[str], attestant, start_date: date):
    start(browser, end_user)
    assert post_step(browser, "/vmu/sida/uppdrag", {"action": "next", "choose": choose}).status_code == 302
    done = post_step(browser, "/vmu/granska", {"attestant_id": attestant.id, "start_date": start_date.isoformat(),
                                                "action": "submit"})
    assert "/vmu/klar/" in done.headers.get("Location", ""), text_of(done)


def test_tiles_på_startsidan_för_den_som_har_u_delegering_som_beställare(app, region, login, world):
    page = text_of(login("sarbe1").get("/"))
    assert "Vårdmedarbetaruppdrag VMU En användare" in page and "Vårdmedarbetaruppdrag VMU Flera användare" in page
    # an L/R beställare without a U delegation sees neither
    assert "Vårdmedarbetaruppdrag VMU" not in text_of(login("eriny1").get("/"))


def test_bara_vårdenheter_med_beställarens_u_delegering_och_spärr_och_logg_bara_vid_privat_vårdgivare(
        app, region, login, world):
    units, orderer, attestant, _ = world
    browser = login(orderer.vgr_id)
    end_user = fresh_end_user(region, units)
    start(browser, end_user)
    page = text_of(browser.get("/vmu/sida/uppdrag"))
    assert "Välj vårdmedarbetaruppdrag" in page
    for code in ("NH-O3-E1", "NH-O3-E2", "NH-O3-E3"):
        assert units[code].name in page
    assert units["SU-O1-E1"].name not in page  # no U delegation there
    assert page.count("<details") >= 3  # each vårdenhet expandable without JavaScript
    for system in ("Pascal", "NPÖ", "Infektionsverktyget", "Statistikverktyg för Intygstjänsten",
                   "SVEVAC Vaccinationsregister", "Kvalitetssäkring", "Statistik VE"):
        assert system in page
    assert "Om användaren har det gamla uppdraget för Pascal eller NPÖ är det tillräckligt." in page
    assert f'value="{token("sparr_logg", units["NH-O3-E3"])}"' in page  # a private care provider
    assert f'value="{token("sparr_logg", units["NH-O3-E1"])}"' not in page
    assert f'value="{token("pascal.vob", units["NH-O3-E1"])}"' in page


def test_attest_sedan_aktivering_exakt_på_startdatum_och_avslut_på_sitt_datum(app, region, login, world):
    units, orderer, attestant, other = world
    browser = login(orderer.vgr_id)
    end_user = fresh_end_user(region, units)
    e1 = units["NH-O3-E1"]
    start(browser, end_user)
    assert post_step(browser, "/vmu/sida/uppdrag", {"action": "next",
                                                    "choose": [token("pascal.vob", e1)]}).status_code == 302
    review = text_of(browser.get("/vmu/granska"))
    assert "Pascal" in review and "VoB" in review and e1.name in review
    assert attestant.display in review and other.display not in review  # U attestants of that vårdenhet only
    assert person(region, "lensa1").display not in review  # an L/R attestant there is not offered
    assert region.get(Person, e1.chef_id).display in review  # the verksamhetschef, by delegation to themself
    past = post_step(browser, "/vmu/granska", {"attestant_id": attestant.id, "start_date": days(-1).isoformat(),
                                                "action": "submit"})
    assert "Startdatum kan inte vara tidigare än dagens datum." in text_of(past)
    assert region.scalar(select(Order).where(Order.catalogue == "vmu")) is None
    done = post_step(browser, "/vmu/granska", {"attestant_id": attestant.id, "start_date": days(3).isoformat(),
                                                "action": "submit"})
    assert "/vmu/klar/" in done.headers["Location"], text_of(done)
    region.expire_all()
    order = region.scalar(select(Order).where(Order.catalogue == "vmu"))
    assert order.enhet_id == e1.id and order.start_date == days(3)
    # The attestant sees which vårdenhet the uppdrag is for: in the mail and on the order (one of three).
    asked = region.scalar(select(OutboxMessage.body).where(OutboxMessage.to_person_id == attestant.id))
    assert f"Vårdenhet: {e1.name}" in asked
    assert re.search(r"<dt>Vårdenhet</dt><dd>" + re.escape(e1.name),
                     text_of(login(attestant.vgr_id).get(f"/attest/{order.number}")))

    # a U attestant of another vårdenhet cannot attest
    assert login(other.vgr_id).get(f"/attest/{order.number}").status_code == 403
    assert login(other.vgr_id).post(f"/attest/{order.number}", {"action": "approve"}).status_code == 403
    assert login(attestant.vgr_id).post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.SCHEMALAGD.value  # no Service Desk step
    approved = region.scalar(select(OutboxMessage.body).where(
        OutboxMessage.to_person_id == orderer.id, OutboxMessage.subject == f"Beställning {order.number} är godkänd"))
    assert f"Beställningen utförs på startdatumet {days(3).isoformat()}." in approved  # not "utförs nu"

    def held():
        region.expire_all()
        return region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id,
                                                          HeldPermission.item_key == "vmu.pascal.vob"))

    run_due(app, days(2))
    assert held() is None and region.get(Order, order.id).status == OrderStatus.SCHEMALAGD.value  # not before
    run_due(app, days(3))
    permission = held()
    assert permission is not None and permission.scope_key == str(e1.id) and permission.valid_from == days(3)
    assert region.get(Order, order.id).status == OrderStatus.AVSLUTAD.value
    mail = region.scalar(select(OutboxMessage).where(OutboxMessage.to_person_id == orderer.id,
                                                     OutboxMessage.subject == f"Beställning {order.number} är utförd"))
    assert mail is not None  # the orderer is told when it is active

    # held at that unit: not offered again there
    start(browser, end_user)
    page = text_of(browser.get("/vmu/sida/uppdrag"))
    assert f'value="{token("pascal.vob", e1)}"' not in page
    assert "Uppdrag som användaren redan har vid vårdenheten, eller som väntar på sitt startdatum, visas inte." in page
    assert f'value="{token("pascal.vob", units["NH-O3-E2"])}"' in page
    # the manual's note where it applies: Pascal VoB is enough for Infektionsverktyget and SVEVAC
    assert "Användaren har redan VoB för Pascal eller NPÖ vid vårdenheten. Det är tillräckligt." in page


def test_avslut_avslutar_uppdraget_på_sitt_datum_och_beställaren_får_besked(app, region, login, world):
    units, orderer, attestant, _ = world
    e2 = units["NH-O3-E2"]
    end_user = fresh_end_user(region, units)
    permission = HeldPermission(person_id=end_user.id, item_key="vmu.npo.sjf", scope_key=str(e2.id), details={},
                                shown=[], valid_from=days(-30))
    region.add(permission)
    region.commit()
    browser = login(orderer.vgr_id)
    start(browser, end_user, kind="avslut")
    page = text_of(browser.get("/vmu/sida/uppdrag"))
    ending = f"vmu.npo.sjf@{e2.id}:{permission.id}"
    assert f'value="{ending}"' in page and "NPÖ SJF" in page
    assert post_step(browser, "/vmu/sida/uppdrag", {"action": "next", "choose": [ending]}).status_code == 302
    assert "Ange när behörigheten ska avslutas (ÅÅÅÅ-MM-DD)." in text_of(browser.get("/vmu/granska"))  # manual 003
    done = post_step(browser, "/vmu/granska", {"attestant_id": attestant.id, "start_date": days(10).isoformat(),
                                                "action": "submit"})
    assert "/vmu/klar/" in done.headers["Location"], text_of(done)
    region.expire_all()
    avslut = region.scalar(select(Order).where(Order.catalogue == "vmu", Order.kind == "avslut"))
    assert login(attestant.vgr_id).post(f"/attest/{avslut.number}", {"action": "approve"}).status_code == 302

    def held():
        region.expire_all()
        return region.get(HeldPermission, permission.id)

    run_due(app, days(9))
    assert held().ended_at is None and held().is_held(days(9))
    run_due(app, days(10))
    ended = held()
    assert ended.ended_at is not None and not ended.is_held(days(10)) and ended.valid_to == days(9)
    assert region.get(Order, avslut.id).status == OrderStatus.AVSLUTAD.value
    assert region.scalar(select(OutboxMessage).where(
        OutboxMessage.to_person_id == orderer.id, OutboxMessage.subject == f"Beställning {avslut.number} är utförd"))


def test_nyupplägg_kräver_aktivt_engagemang_annars_bara_avslut(app, region, login, world):
    browser = login("sarbe1")
    inactive = person(region, "andlu1")  # Slutanvändare utan aktivt engagemang
    browser.post("/vmu/", {"field": "hsa_id", "q": inactive.hsa_id})
    browser.post("/vmu/person", {"person_id": inactive.id})
    refused = browser.post("/vmu/behorigheter", {"kind": "nyupplagg"})
    assert "Endast Avslut kan väljas" in text_of(post_follow(browser, refused, "/vmu/behorigheter"))


def post_follow(browser, response, url):
    return browser.get(url) if response.status_code == 302 else response


def test_forgad_spärr_och_logg_vid_en_offentlig_vårdenhet_nekas(app, region, login, world):
    units, orderer, attestant, _ = world
    browser = login(orderer.vgr_id)
    end_user = fresh_end_user(region, units)
    start(browser, end_user)
    forged = token("sparr_logg", units["NH-O3-E1"])
    post_step(browser, "/vmu/sida/uppdrag", {"action": "next", "choose": [forged]})
    refused = post_step(browser, "/vmu/granska", {"attestant_id": attestant.id, "start_date": TODAY.isoformat(),
                                                   "action": "submit"})
    assert "Administration spärr och logg kan bara beställas vid en privat vårdgivare." in text_of(refused)
    assert region.scalar(select(Order).where(Order.catalogue == "vmu")) is None


def test_ett_uppdrag_som_redan_innehas_pekar_inte_på_förändring_som_vmu_saknar(app, region, rt, world):
    from beh_core.authz import load_actor
    from beh_core.services import ordering

    units, orderer, _, _ = world
    end_user = fresh_end_user(region, units)
    e1 = units["NH-O3-E1"]
    region.add(HeldPermission(person_id=end_user.id, item_key="vmu.pascal.vob", scope_key=str(e1.id), details={},
                              shown=[], valid_from=TODAY - timedelta(days=3)))
    region.commit()
    actor = load_actor(region, orderer, config=rt.config, portal=rt)
    errors = ordering.validate_lines(region, rt, actor, catalogue=rt.registry.catalogue("vmu"), end_user=end_user,
                                     forvaltning=None, kind="nyupplagg", today=TODAY,
                                     lines=[ordering.LineInput("vmu.pascal.vob", scope_key=str(e1.id))])
    texts = [str(ordering_message) for ordering_message in errors.values()]
    assert any("Användaren har redan behörighet till Pascal VoB." in t for t in texts), texts
    assert not any("Förändring" in t for t in texts), texts


def test_en_förfalskad_vårdenhet_ger_aldrig_ett_serverfel_och_ingen_beställning(app, region, login, world):
    units, orderer, attestant, _ = world
    browser = login(orderer.vgr_id)
    start(browser, fresh_end_user(region, units))
    for scope in ("99999999999999999999", "abc", "-8", "2147483648"):
        post_step(browser, "/vmu/sida/uppdrag", {"action": "next", "choose": [f"vmu.pascal.vob@{scope}"]})
        assert browser.get("/vmu/granska").status_code < 500, scope  # an outside probe got a lasting 500 here
        sent = post_step(browser, "/vmu/granska", {"attestant_id": attestant.id, "start_date": TODAY.isoformat(),
                                                   "action": "submit"})
        assert sent.status_code < 500 and not sent.headers.get("Location", "").endswith("/klar"), scope
    assert region.scalar(select(Order).where(Order.catalogue == "vmu")) is None


def test_uppdrag_vid_två_vårdenheter_nekas_där_de_valdes(app, region, login, world):
    """One order, one vårdenhet (its U attestant attests): ticking uppdrag at two is told at Välj
    vårdmedarbetaruppdrag, not first at Granska with an empty Vårdenhet and no attestant to choose."""
    units, orderer, attestant, other = world
    browser = login(orderer.vgr_id)
    start(browser, fresh_end_user(region, units))
    e1, e2 = units["NH-O3-E1"], units["NH-O3-E2"]
    page = text_of(post_step(browser, "/vmu/sida/uppdrag", {
        "action": "next", "choose": [token("pascal.vob", e1), token("npo.sjf", e2)]}))  # back at the same page
    assert "Välj uppdrag vid en vårdenhet i taget." in page
    assert re.search(r'value="' + re.escape(token("npo.sjf", e2)) + r'"[^>]*checked', page)  # the choice is kept
    assert post_step(browser, "/vmu/sida/uppdrag", {"action": "next",
                                                    "choose": [token("pascal.vob", e1)]}).status_code == 302
    assert e1.name in text_of(browser.get("/vmu/granska"))
