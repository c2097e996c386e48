"""A catalogue ordered per vårdenhet (U delegations): grouped choices, per-request field options, unit attest.

The test plugin is an uppdrag-like catalogue: step 2 lists the units the beställare holds a U
delegation for, each with its items; an order-level field's choices and default are computed per
request; the attestant comes from the U attestants of that unit.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from beh_core.api import (AVSLUT, DELEGATION_UNIT, NYUPPLAGG, AttestStep, Catalogue, CatalogItem, Choice,
                          ChoiceGroup, Field, FieldOptions, WizardPage, hookimpl, runtime)
from beh_core.models import SCOPE_UNIT, Delegation, Enhet, HeldPermission, Order
from helpers import make_config, person, person_without_permissions, post_step, text_of

TODAY = date.today()


class UnitCatalogue:
    """Items per vårdenhet, grouped; Orsak chosen from a list computed per request; Giltig till a date field."""

    @hookimpl
    def beh_catalogues(self):
        return [Catalogue(key="enhetsprov", title="Enhetsprov", text="Prov per vårdenhet.",
                          delegation=DELEGATION_UNIT, kinds=(NYUPPLAGG, AVSLUT),
                          pages=(WizardPage("uppdrag", "Välj uppdrag"),),
                          attest_steps=(AttestStep("attest", "Attest", "unit"),),
                          order_fields=(Field("orsak", "Orsak", type="select", required=True),
                                        Field("giltig", "Giltig till", type="date")))]

    @hookimpl
    def beh_catalogue_items(self):
        return [CatalogItem(key="enhetsprov.las", name="Läsa", catalogue="enhetsprov", page="uppdrag", group="Journal"),
                CatalogItem(key="enhetsprov.skriva", name="Skriva", catalogue="enhetsprov", page="uppdrag",
                            group="Journal")]

    @hookimpl
    def beh_wizard_choices(self, catalogue, page, context):
        units = context.directory.units(d.enhet_id for d in context.directory.delegations(
            context.actor.id, scope=DELEGATION_UNIT) if d.is_bestallare)
        items = runtime().registry.items_of(catalogue.key)
        if context.kind == AVSLUT:
            held = context.directory.held_permissions(context.end_user.id, item_prefix="enhetsprov.")
            by_unit = {}
            for h in held:
                by_unit.setdefault(h.scope_key, []).append(h)
            return [ChoiceGroup(unit.name, tuple(Choice(runtime().registry.get(h.item_key), h.scope_key, h.id)
                                                 for h in by_unit.get(str(unit.id), [])))
                    for unit in units]
        return [ChoiceGroup(unit.name, tuple(Choice(item, str(unit.id)) for item in items),
                            note="Privat vårdgivare." if unit.private_provider else "") for unit in units]

    @hookimpl
    def beh_order_field_options(self, catalogue, field, context):
        if field.name == "orsak":
            return FieldOptions(choices=(("ny", "Nyanställd"), ("byte", f"Byter enhet ({context.end_user.vgr_id})")),
                                default="ny")
        return None


@pytest.fixture
def app_config(migrated, tmp_path):
    return make_config(migrated, tmp_path, EXTRA_PLUGINS=[("enhetsprov", UnitCatalogue())])


def u_delegation(db, who, unit: Enhet, *, bestallare=False, attestant=False):
    db.add(Delegation(person_id=who.id, scope=SCOPE_UNIT, forvaltning_id=unit.omrade.forvaltning_id,
                      omrade_id=unit.omrade_id, enhet_id=unit.id, is_bestallare=bestallare, is_attestant=attestant,
                      valid_from=TODAY, valid_to=TODAY + timedelta(days=90)))
    db.commit()


@pytest.fixture
def world(region):
    units = {code: region.scalar(select(Enhet).where(Enhet.code == code)) for code in ("NH-O1-E1", "NH-O1-E2", "SU-O1-E1")}
    orderer, attestant, other_attestant = person(region, "eriny1"), person(region, "perwi1"), person(region, "johek1")
    u_delegation(region, orderer, units["NH-O1-E1"], bestallare=True)
    u_delegation(region, orderer, units["NH-O1-E2"], bestallare=True)
    u_delegation(region, attestant, units["NH-O1-E1"], attestant=True)
    u_delegation(region, other_attestant, units["NH-O1-E2"], attestant=True)
    return units, orderer, attestant, other_attestant


def start(browser, end_user, kind="nyupplagg"):
    assert browser.post("/enhetsprov/", {"field": "vgr_id", "q": end_user.vgr_id}).status_code == 200
    browser.post("/enhetsprov/person", {"person_id": end_user.id})
    moved = browser.post("/enhetsprov/behorigheter", {"kind": kind})
    assert moved.headers["Location"].endswith("/enhetsprov/sida/uppdrag"), text_of(moved)


def test_enheter_med_delegering_grupperade_och_attest_av_enhetens_attestant(app, region, login, world):
    units, orderer, attestant, other_attestant = world
    browser = login(orderer.vgr_id)
    assert "Enhetsprov" in text_of(browser.get("/"))
    end_user = person_without_permissions(region, exclude=(orderer.vgr_id,))
    start(browser, end_user)
    page = text_of(browser.get("/enhetsprov/sida/uppdrag"))
    assert units["NH-O1-E1"].name in page and units["NH-O1-E2"].name in page and units["SU-O1-E1"].name not in page
    assert "<details" in page and "Journal" in page  # expandable without JavaScript, grouped by system
    mine = f"enhetsprov.las@{units['NH-O1-E1'].id}"
    # a unit outside the delegations, forged
    forged = f"enhetsprov.las@{units['SU-O1-E1'].id}"
    assert post_step(browser, "/enhetsprov/sida/uppdrag", {"action": "next", "choose": [mine]}).status_code == 302
    review = text_of(browser.get("/enhetsprov/granska"))
    assert units["NH-O1-E1"].name in review and attestant.display in review and other_attestant.display not in review
    assert "Nyanställd" in review and f"Byter enhet ({end_user.vgr_id})" in review  # per request
    assert 'type="date"' in review and "Område" not in review  # no Område/Verksamhet: the unit decides
    bad = post_step(browser, "/enhetsprov/granska", {"attestant_id": attestant.id, "start_date": TODAY.isoformat(),
                                                      "order.orsak": "annat", "order.giltig": "31/12",
                                                      "action": "submit"})
    page = text_of(bad)
    assert "Orsak \u201dannat\u201d finns inte" in page and "Ange Giltig till enligt formatet ÅÅÅÅ-MM-DD." in page
    done = post_step(browser, "/enhetsprov/granska", {"attestant_id": attestant.id, "start_date": TODAY.isoformat(),
                                                       "order.orsak": "byte", "action": "submit"})
    assert "/enhetsprov/klar/" in done.headers["Location"]
    region.expire_all()
    order = region.scalar(select(Order).where(Order.catalogue == "enhetsprov"))
    assert order.enhet_id == units["NH-O1-E1"].id and order.attestant_id == attestant.id
    assert order.fields == {"orsak": "byte", "giltig": ""} and ["Orsak", f"Byter enhet ({end_user.vgr_id})"] in order.fields_shown
    assert order.lines[0].scope_key == str(units["NH-O1-E1"].id)

    assert login(other_attestant.vgr_id).get(f"/attest/{order.number}").status_code == 403  # another unit's U attestant
    assert login(attestant.vgr_id).post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    region.expire_all()
    desk = login("lensa1")
    line = region.get(Order, order.id).lines[0]
    desk.post(f"/servicedesk/{order.number}/rad/{line.id}", {})
    region.expire_all()
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id))
    assert (held.item_key, held.scope_key) == ("enhetsprov.las", str(units["NH-O1-E1"].id))

    # held at that unit: not offered there again, but still at the other unit
    start(browser, end_user)
    page = text_of(browser.get("/enhetsprov/sida/uppdrag"))
    assert f'value="{mine}"' not in page and f'value="enhetsprov.las@{units["NH-O1-E2"].id}"' in page
    assert "Användaren har redan behörighet till Läsa" in page
    refused = post_step(browser, "/enhetsprov/sida/uppdrag", {"action": "next", "choose": [forged]})
    assert refused.status_code == 302  # the page itself accepts it (the plugin decides what is offered) ...
    forged_order = post_step(browser, "/enhetsprov/granska", {"attestant_id": attestant.id, "order.orsak": "ny",
                                                               "start_date": TODAY.isoformat(), "action": "submit"})
    assert "Du har ingen beställardelegering för denna vårdenhet." in text_of(forged_order)  # ... the order does not
    assert region.scalar(select(Order).where(Order.enhet_id == units["SU-O1-E1"].id)) is None


def test_avslut_listar_det_som_innehas_per_enhet(app, region, login, world):
    units, orderer, attestant, _ = world
    end_user = person_without_permissions(region, exclude=(orderer.vgr_id,))
    region.add(HeldPermission(person_id=end_user.id, item_key="enhetsprov.skriva", scope_key=str(units["NH-O1-E2"].id),
                              details={}, shown=[], valid_from=TODAY - timedelta(days=10)))
    region.commit()
    browser = login(orderer.vgr_id)
    start(browser, end_user, kind="avslut")
    page = text_of(browser.get("/enhetsprov/sida/uppdrag"))
    assert "Skriva" in page and units["NH-O1-E2"].name in page
