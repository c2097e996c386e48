"""Every order event fires once, after the commit, from every path that causes it; a failing listener breaks nothing.

The paths: the pages (wizard, attest, Byt attestant, Makulera, Återkoppling), the Service Desk pages,
and run-due from the command line. A second listener that always raises is registered first, so
each test also shows that a failing plugin neither breaks the change nor keeps the others uninformed.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from beh_core.api import (EVENTS, AttestStep, Catalogue, CatalogItem, FulfilmentResult, WizardPage, hookimpl)
from beh_core.models import Enhet, Order
from helpers import forvaltning_id, make_config, person, person_without_permissions, review, text_of

TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)


class Broken:
    """A listener whose own system is down."""

    @hookimpl
    def beh_order_event(self, event):
        raise RuntimeError("lyssnarens system är nere")


class Recorder:
    """Records (event, order number, line item, actor) and owns a two-step catalogue with automatic items."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, str, str | None, str | None]] = []

    @hookimpl
    def beh_order_event(self, event, order, actor, line):
        assert order.number and order.status  # told after the commit, about the committed order
        self.heard.append((event, order.number, line.item_key if line else None, actor.vgr_id if actor else None))

    @hookimpl
    def beh_catalogues(self):
        return [Catalogue(key="tvasteg", title="Tvåstegssystem", delegation="omrade",
                          pages=(WizardPage("system", "System"),),
                          attest_steps=(AttestStep("attest", "Attest", "area"),
                                        AttestStep("chef", "Chefens godkännande", "plugin", chosen_by_orderer=False)))]

    @hookimpl
    def beh_catalogue_items(self):
        return [CatalogItem(key="tvasteg.hand", name="Handsystem", catalogue="tvasteg", page="system"),
                CatalogItem(key="tvasteg.auto", name="Automatsystem", catalogue="tvasteg", page="system",
                            fulfilment="on_start"),
                CatalogItem(key="tvasteg.trasig", name="Trasigt system", catalogue="tvasteg", page="system",
                            fulfilment="on_start")]

    @hookimpl
    def beh_attest_candidates(self, order, directory):
        unit = directory.unit(order.enhet_id)
        return [unit.chef_id] if unit and unit.chef_id else []

    @hookimpl
    def beh_fulfil_line(self, item):
        if item.key == "tvasteg.trasig":
            return FulfilmentResult(done=False, error="Målsystemet sade nej.")
        return FulfilmentResult(done=True)

    def of(self, event: str, number: str) -> list[tuple]:
        return [h for h in self.heard if h[0] == event and h[1] == number]


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def app_config(migrated, tmp_path, recorder):
    return make_config(migrated, tmp_path, EXTRA_PLUGINS=[("broken", Broken()), ("recorder", recorder)])


def order_via_wizard(region, login, catalogue: str, items: list[str], *, unit_code="NH-O1-E1",
                     start=TODAY) -> Order:
    """Place an order of the catalogue through the pages as sarbe1 (Område Norr), attest by johek1."""
    orderer = login("sarbe1")
    end_user = person_without_permissions(region)
    assert orderer.post(f"/{catalogue}/", {"field": "vgr_id", "q": end_user.vgr_id}).status_code == 200
    orderer.post(f"/{catalogue}/person", {"person_id": end_user.id})
    orderer.post(f"/{catalogue}/behorigheter", {"forvaltning_id": forvaltning_id(region, "NH"), "kind": "nyupplagg"})
    page = "system" if catalogue == "tvasteg" else "local"
    if catalogue == "lr":
        orderer.post("/lr/sida/local", {"action": "next"})
        page = "regional"
    assert orderer.post(f"/{catalogue}/sida/{page}", {"action": "next", "choose": items}).status_code == 302
    unit = region.scalar(select(Enhet).where(Enhet.code == unit_code))  # marho1 heads it: the chef's step is hers
    omrade, enhet = unit.omrade_id, unit.id
    done = review(orderer, catalogue=catalogue, omrade_id=omrade, enhet_id=enhet,
                  attestant_id=person(region, "johek1").id, start_date=start.isoformat())
    assert done.status_code == 302 and "/klar/" in done.headers["Location"], text_of(done)
    region.expire_all()
    return region.scalar(select(Order).order_by(Order.id.desc()))


def test_händelserna_är_api_konstanter_och_dokumenterade():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text("utf-8")
    for name in EVENTS:
        assert f"`{name}`" in doc, name


def test_beställning_attest_i_två_steg_och_service_desk_från_sidorna(app, region, login, recorder):
    order = order_via_wizard(region, login, "tvasteg", ["tvasteg.hand"])
    assert recorder.of("order.created", order.number) == [("order.created", order.number, None, "sarbe1")]
    assert login("johek1").post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    assert len(recorder.of("order.step_approved", order.number)) == 1
    assert recorder.of("order.approved", order.number) == []  # the chef's step is still to come
    assert login("marho1").post(f"/attest/{order.number}", {"action": "approve"}).status_code == 302
    assert recorder.of("order.approved", order.number) == [("order.approved", order.number, None, "marho1")]

    desk = login("lensa1")
    assert desk.post(f"/servicedesk/{order.number}/komplettering", {"message": "Vilken avdelning?"}).status_code == 302
    assert len(recorder.of("order.komplettering_requested", order.number)) == 1
    assert login("sarbe1").post(f"/aterkoppling/{order.number}/komplettering",
                                {"answer": "Kemlab"}).status_code == 302
    assert len(recorder.of("order.komplettering_answered", order.number)) == 1
    region.expire_all()
    line = region.get(Order, order.id).lines[0]
    assert desk.post(f"/servicedesk/{order.number}/rad/{line.id}", {}).status_code == 302
    assert recorder.of("line.fulfilled", order.number) == [("line.fulfilled", order.number, "tvasteg.hand", "lensa1")]
    assert recorder.of("order.completed", order.number) == [("order.completed", order.number, None, "lensa1")]


def test_ta_bort_byt_attestant_avslag_och_makulering_från_sidorna(app, region, login, recorder):
    order = order_via_wizard(region, login, "lr", ["lr.esmaker", "lr.corpus"])
    attestant = login("johek1")
    line = region.get(Order, order.id).lines[0]
    assert attestant.post(f"/attest/{order.number}", {"action": "remove", "line": line.id}).status_code == 302
    assert len(recorder.of("order.lines_removed", order.number)) == 1
    perwi1 = person(region, "perwi1")
    changed = login("sarbe1").post(f"/bestallningar/{order.number}/byt-attestant", {
        "omrade_id": order.omrade_id, "enhet_id": order.enhet_id, "attestant_id": perwi1.id, "action": "ok"})
    assert changed.status_code == 302
    assert len(recorder.of("order.attestant_changed", order.number)) == 1
    assert login("perwi1").post(f"/attest/{order.number}", {"action": "reject", "comment": "Nej."}).status_code == 302
    assert recorder.of("order.rejected", order.number) == [("order.rejected", order.number, None, "perwi1")]

    other = order_via_wizard(region, login, "lr", ["lr.esmaker"])
    assert login("sarbe1").post(f"/aterkoppling/{other.number}/makulera").status_code == 302
    assert len(recorder.of("order.withdrawn", other.number)) == 1


def test_automatiska_rader_vid_attest_och_av_run_due(app, region, login, recorder):
    now = order_via_wizard(region, login, "tvasteg", ["tvasteg.auto", "tvasteg.trasig"])
    login("johek1").post(f"/attest/{now.number}", {"action": "approve"})
    login("marho1").post(f"/attest/{now.number}", {"action": "approve"})  # the attest carries them out at once
    assert recorder.of("line.fulfilled", now.number) == [("line.fulfilled", now.number, "tvasteg.auto", None)]
    assert recorder.of("line.fulfilment_failed", now.number) == [
        ("line.fulfilment_failed", now.number, "tvasteg.trasig", None)]

    later = order_via_wizard(region, login, "tvasteg", ["tvasteg.auto"], start=TOMORROW)
    login("johek1").post(f"/attest/{later.number}", {"action": "approve"})
    login("marho1").post(f"/attest/{later.number}", {"action": "approve"})
    assert recorder.of("line.fulfilled", later.number) == []  # scheduled for tomorrow
    result = app.test_cli_runner().invoke(args=["beh", "run-due", "--today", TOMORROW.isoformat()])
    assert result.exit_code == 0, result.output
    assert recorder.of("line.fulfilled", later.number) == [("line.fulfilled", later.number, "tvasteg.auto", None)]
    assert recorder.of("order.completed", later.number) == [("order.completed", later.number, None, None)]
    again = app.test_cli_runner().invoke(args=["beh", "run-due", "--today", TOMORROW.isoformat()])
    assert again.exit_code == 0 and len(recorder.of("line.fulfilled", later.number)) == 1  # once

    failing = order_via_wizard(region, login, "tvasteg", ["tvasteg.trasig"], start=TOMORROW)
    login("johek1").post(f"/attest/{failing.number}", {"action": "approve"})
    login("marho1").post(f"/attest/{failing.number}", {"action": "approve"})
    app.test_cli_runner().invoke(args=["beh", "run-due", "--today", TOMORROW.isoformat()])
    assert recorder.of("line.fulfilment_failed", failing.number) == [
        ("line.fulfilment_failed", failing.number, "tvasteg.trasig", None)]


def test_varje_händelse_har_prövats(app, region, login, recorder, caplog):
    """The tests above together cover every event name; here all paths once more, checked against EVENTS."""
    test_beställning_attest_i_två_steg_och_service_desk_från_sidorna(app, region, login, recorder)
    test_ta_bort_byt_attestant_avslag_och_makulering_från_sidorna(app, region, login, recorder)
    test_automatiska_rader_vid_attest_och_av_run_due(app, region, login, recorder)
    assert {h[0] for h in recorder.heard} == set(EVENTS)
    assert "Plugin broken failed in beh_order_event" in caplog.text  # logged, and nothing broke
