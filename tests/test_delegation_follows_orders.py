"""The order wizard and the attest lists follow delegations made in the UI, not only demo data."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from beh_core.models import Delegation, Enhet, Forvaltning, Omrade, Order, Person
from beh_core.api import DELEGATION_UNIT, Catalogue
from beh_core.models import SCOPE_AREA, SCOPE_UNIT
from helpers import person, review, text_of
from test_delegation import delegate, delegations_of, fresh_people, scope_key, unit

TODAY = date.today()
# A catalogue ordered through U (vårdenhet) delegations, as uppdrag are.
UNIT_CATALOGUE = Catalogue(key="u_prov", title="Uppdrag (prov)", delegation=DELEGATION_UNIT)


def omrade(db, code: str) -> Omrade:
    return db.scalar(select(Omrade).where(Omrade.code == code))


def forvaltning(db, code: str) -> Forvaltning:
    return db.scalar(select(Forvaltning).where(Forvaltning.code == code))


def wizard_to_review(browser, db, end_user: Person, forvaltning_code: str = "NH"):
    """Steps 1 and 2: find the end user, Fortsätt, Nyupplägg in the förvaltning, esMaker among Regionala system."""
    assert browser.post("/lr/", {"field": "vgr_id", "q": end_user.vgr_id}).status_code == 200
    assert browser.post("/lr/person", {"person_id": end_user.id}).status_code == 302
    chosen = browser.post("/lr/behorigheter", {"forvaltning_id": forvaltning(db, forvaltning_code).id,
                                               "kind": "nyupplagg"})
    assert chosen.status_code == 302, text_of(chosen)
    assert browser.post("/lr/sida/local", {"action": "next"}).headers["Location"].endswith("/lr/sida/regional")
    assert browser.post("/lr/sida/regional", {"action": "next",
                                              "choose": ["lr.esmaker"]}).headers["Location"].endswith("/lr/granska")


def remove(chef, db, delegation: Delegation, omrade_code: str):
    """Visa/hantera delegeringar: mark one and Ta bort."""
    response = chef.post("/delegeringar/hantera", {"typ": delegation.scope, "omrade": scope_key(db, omrade_code),
                                                   "status": "alla", "valda": delegation.id, "action": "ta_bort"})
    assert response.status_code == 302, text_of(response)


def test_beställare_för_ett_område_kan_beställa_där_och_ingen_annanstans_tills_delegeringen_tas_bort(region, login):
    newbie, end_user = fresh_people(region, 2)
    orderer = login(newbie.vgr_id)
    assert orderer.get("/lr/").status_code == 403
    assert "Du har ingen aktiv delegering" in text_of(orderer.get("/"))

    chef = login("marho1")
    assert delegate(chef, [newbie], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O1"), bestallare="1").status_code == 302

    assert "Lokala och Regionala system" in text_of(orderer.get("/"))
    wizard_to_review(orderer, region, end_user)
    page = text_of(orderer.get("/lr/granska"))
    assert "Område Norr" in page and "Område Söder" not in page and "Område Väster" not in page
    norr, soder = omrade(region, "NH-O1"), omrade(region, "NH-O2")
    johek1 = person(region, "johek1")
    refused = text_of(review(orderer, **{"omrade_id": soder.id, "enhet_id": unit(region, "NH-O2-E1").id,
                                         "attestant_id": johek1.id, "start_date": TODAY.isoformat()}))
    assert "Du har ingen beställardelegering för detta område." in refused
    placed = orderer.post("/lr/granska", {"omrade_id": norr.id, "enhet_id": unit(region, "NH-O1-E1").id,
                                          "attestant_id": johek1.id, "start_date": TODAY.isoformat(),
                                          "action": "submit"})
    assert placed.status_code == 302, text_of(placed)
    region.expire_all()
    assert region.scalar(select(Order).where(Order.orderer_id == newbie.id)).omrade_id == norr.id

    # another förvaltning is not offered at all
    assert orderer.post("/lr/", {"field": "vgr_id", "q": end_user.vgr_id}).status_code == 200
    orderer.post("/lr/person", {"person_id": end_user.id})
    orderer.post("/lr/behorigheter", {"forvaltning_id": forvaltning(region, "SU").id, "kind": "nyupplagg"})
    other = text_of(orderer.get("/lr/behorigheter"))
    assert "Välj förvaltning." in other

    (given,) = delegations_of(region, newbie)
    remove(chef, region, given, "NH-O1")
    assert orderer.get("/lr/").status_code == 403
    assert orderer.get("/lr/granska").status_code == 403


def test_attestantlistan_följer_delegeringar_gjorda_i_gränssnittet(region, login):
    attestant, later, end_user = fresh_people(region, 3)
    chef = login("marho1")
    key = scope_key(region, "NH-O1")
    assert delegate(chef, [attestant], scope=SCOPE_AREA, scope_key=key, attestant="1").status_code == 302
    # a delegation that starts tomorrow gives nothing today
    assert delegate(chef, [later], scope=SCOPE_AREA, scope_key=key, attestant="1",
                    valid_from=date.fromordinal(TODAY.toordinal() + 1).isoformat()).status_code == 302

    orderer = login("sarbe1")
    wizard_to_review(orderer, region, end_user)
    norr, enhet = omrade(region, "NH-O1"), unit(region, "NH-O1-E1")
    form = {"omrade_id": norr.id, "enhet_id": enhet.id, "start_date": TODAY.isoformat()}
    listed = text_of(review(orderer, **form, action="refresh"))
    assert attestant.display in listed and later.display not in listed
    placed = orderer.post("/lr/granska", {**form, "attestant_id": attestant.id, "action": "submit"})
    assert placed.status_code == 302, text_of(placed)
    region.expire_all()
    order = region.scalar(select(Order).where(Order.attestant_id == attestant.id))

    approver = login(attestant.vgr_id)
    assert order.number in text_of(approver.get("/attest/"))
    assert approver.get(f"/attest/{order.number}").status_code == 200

    (given,) = delegations_of(region, attestant)
    remove(chef, region, given, "NH-O1")
    assert approver.get("/attest/").status_code == 403
    assert approver.get(f"/attest/{order.number}").status_code == 403
    assert attestant.display not in text_of(review(orderer, **form, action="refresh"))


def test_U_ger_uppdrag_för_en_vårdenhet_men_inte_lokala_och_regionala_system(region, login, app):
    from beh_core import authz

    newbie = fresh_people(region)[0]
    chef = login("marho1")
    assert delegate(chef, [newbie], scope=SCOPE_UNIT, enhet_id=unit(region, "NH-O1-E1").id, bestallare="1").status_code == 302
    (given,) = delegations_of(region, newbie)
    assert (given.scope, given.enhet_id, given.omrade.code) == (SCOPE_UNIT, unit(region, "NH-O1-E1").id, "NH-O1")
    rt = app.extensions["beh_runtime"]
    actor = authz.load_actor(region, newbie, TODAY, app.config, portal=rt)
    assert authz.may_order(actor, UNIT_CATALOGUE) and not authz.may_order(actor, "lr")
    assert login(newbie.vgr_id).get("/lr/").status_code == 403
    # a unit that is no vårdenhet cannot carry U; L/R gives no U
    other = fresh_people(region)[0]
    delegate(chef, [other], scope=SCOPE_AREA, scope_key=scope_key(region, "NH-O1"), bestallare="1")
    lr_actor = authz.load_actor(region, other, TODAY, app.config, portal=rt)
    assert authz.may_order(lr_actor, "lr") and not authz.may_order(lr_actor, UNIT_CATALOGUE)
    assert authz.may_order_in(lr_actor, given.forvaltning_id, given.omrade_id)
    assert not authz.may_order_in(lr_actor, given.forvaltning_id, omrade(region, "NH-O2").id)


def test_U_kan_bara_gälla_en_vårdenhet(region, login):
    # Koncernstab digitalisering has units that are no vårdenheter; make marho1 chef of one
    ksd = region.scalar(select(Enhet).where(Enhet.code == "KSD-O1-E1"))
    marho1 = person(region, "marho1")
    ksd.chef_id = marho1.id
    region.commit()
    someone = fresh_people(region)[0]
    page = text_of(delegate(login("marho1"), [someone], scope=SCOPE_UNIT, enhet_id=ksd.id, bestallare="1"))
    assert "är ingen vårdenhet. U kan bara gälla en vårdenhet." in page
    assert delegations_of(region, someone) == []
