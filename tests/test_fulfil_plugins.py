"""A failing automatic fulfilment is never lost: the line goes to the Service Desk queue with the error."""
import re

import pytest
from sqlalchemy import select

from beh_core.api import CatalogItem, Field, FulfilmentResult, hookimpl
from beh_core.models import AuditEvent, Credential, LineFulfilment, Order, OrderStatus
from helpers import make_config, person_without_permissions, text_of
from test_fulfil_support import approve, place


class TestSystems:
    """Two automatic test systems: one raises, one answers done=False."""

    @hookimpl
    def beh_catalogue_items(self):
        feedback = (Field("login", "Login"), Field("losenord", "Lösenord", secret=True))
        return [CatalogItem(key="test.trasig", name="Trasigt system", catalogue="lr", page="regional", fulfilment="on_attest",
                            feedback_fields=feedback),
                CatalogItem(key="test.nej", name="Nekande system", catalogue="lr", page="regional", fulfilment="on_start")]

    @hookimpl
    def beh_fulfil_line(self, item, line, order):
        if item.key == "test.trasig":
            raise ConnectionError("målsystemet svarar inte")
        return FulfilmentResult(done=False, error="Kontot är spärrat i målsystemet.")


@pytest.fixture
def app_config(migrated, tmp_path):
    return make_config(migrated, tmp_path, EXTRA_PLUGINS=[TestSystems()])


def test_ett_undantag_från_pluginet_lägger_raden_i_kön_med_felet(app, region, login):
    end_user = person_without_permissions(region)
    order = place(app, region, end_user, items=(("test.trasig", {}, None), ("lr.su.flexlab", {}, None)))
    approve(app, region, order)
    region.expire_all()
    order = region.get(Order, order.id)
    # Flexlab is done, the broken line waits for the Service Desk.
    assert order.status == OrderStatus.UNDER_UTFORANDE.value
    assert sorted(line.status for line in order.active_lines) == ["fel", "utford"]
    record = region.scalar(select(LineFulfilment).join(LineFulfilment.done_by, isouter=True)
                           .where(LineFulfilment.error.is_not(None)))
    assert "målsystemet svarar inte" in record.error
    assert region.scalar(select(AuditEvent).where(AuditEvent.action == "line.fulfilment_failed")) is not None

    desk = login("lensa1")
    assert order.number in text_of(desk.get("/servicedesk/"))
    page = text_of(desk.get(f"/servicedesk/{order.number}"))
    assert "Fel vid automatiskt utförande: ConnectionError: målsystemet svarar inte" in page
    assert "Automatiskt utförande misslyckades" in page
    broken = next(line for line in order.active_lines if line.item_key == "test.trasig")
    too_long = desk.post(f"/servicedesk/{order.number}/rad/{broken.id}",
                         {f"line{broken.id}.login": "x" * 201, f"line{broken.id}.losenord": "Hemligt-123"})
    assert too_long.status_code == 400 and "Login får vara högst 200 tecken." in text_of(too_long)
    # What was typed is kept, except the password: it is never sent back to the browser.
    assert f'value="{"x" * 201}"' in text_of(too_long)
    assert "Hemligt-123" not in too_long.get_data(as_text=True)
    assert "Skriv Lösenord igen. Av säkerhetsskäl visas det inte på nytt." in text_of(too_long)
    assert f'id="line{broken.id}.losenord" name="line{broken.id}.losenord" type="text" autocomplete="off" value=""' \
        in text_of(too_long)
    # A password that was not typed (it is optional here) is just left empty, with no extra message.
    short = desk.post(f"/servicedesk/{order.number}/rad/{broken.id}", {f"line{broken.id}.login": "x" * 201})
    assert short.status_code == 400 and "Skriv Lösenord igen" not in text_of(short)
    done = desk.post(f"/servicedesk/{order.number}/rad/{broken.id}",
                     {f"line{broken.id}.login": "trasig1", f"line{broken.id}.losenord": "Hemligt-123"})
    assert done.status_code == 302
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.AVSLUTAD.value
    assert region.scalar(select(Credential).where(Credential.line_id == broken.id)) is not None
    page = text_of(login("sarbe1").get(f"/aterkoppling/{order.number}"))
    assert "Login: trasig1" in page and re.search(r"Lösenord: <code>Hemligt-123</code>", page)


def test_done_false_från_pluginet_lägger_raden_i_kön(app, region, login):
    end_user = person_without_permissions(region)
    order = place(app, region, end_user, items=(("test.nej", {}, None),))
    approve(app, region, order)
    region.expire_all()
    order = region.get(Order, order.id)
    assert order.status == OrderStatus.ATTESTERAD.value and order.active_lines[0].status == "fel"
    assert "Kontot är spärrat i målsystemet." in text_of(login("lensa1").get(f"/servicedesk/{order.number}"))
