"""Slutdatum: an order may end what it grants; run-due ends the held permission on the day after."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from beh_core.api import Catalogue, CatalogItem, FulfilmentResult, WizardPage, hookimpl
from beh_core.models import AuditEvent, HeldPermission
from beh_core.services.errors import ValidationFailed
from helpers import make_config, person_without_permissions
from test_due import due
from test_fulfil_support import approve, days, place


class EndDateCatalogue:
    """A catalogue whose orders may carry a Slutdatum (as Användartjänst and uppdrag need)."""

    @hookimpl
    def beh_catalogues(self):
        return [Catalogue(key="tidsbegransad", title="Tidsbegränsad", delegation="omrade", end_date=True,
                          pages=(WizardPage("system", "System"),))]

    @hookimpl
    def beh_catalogue_items(self):
        return [CatalogItem(key="tidsbegransad.konto", name="Tidsbegränsat konto", catalogue="tidsbegransad",
                            page="system", fulfilment="on_start")]

    @hookimpl
    def beh_fulfil_line(self):
        return FulfilmentResult(done=True)


@pytest.fixture
def app_config(migrated, tmp_path):
    return make_config(migrated, tmp_path, EXTRA_PLUGINS=[("tidsbegransad", EndDateCatalogue())])


ITEMS = (("tidsbegransad.konto", {}, None),)


def test_slutdatum_före_startdatum_eller_där_det_inte_finns_avvisas(app, region):
    end_user = person_without_permissions(region)
    with pytest.raises(ValidationFailed) as before_start:
        place(app, region, end_user, items=ITEMS, catalogue="tidsbegransad",
              end_date=(date.today() - timedelta(days=1)).isoformat())
    assert before_start.value.errors["end_date"] == "Slutdatum kan inte vara tidigare än startdatum."
    with pytest.raises(ValidationFailed) as not_offered:
        place(app, region, end_user, end_date=days(5).isoformat())  # L/R orders have no Slutdatum
    assert not_offered.value.errors["end_date"] == "Slutdatum kan inte anges för denna beställning."


def test_slutdatum_avslutar_behörigheten_på_dagen_genom_run_due(app, region):
    end_user = person_without_permissions(region)
    order = place(app, region, end_user, items=ITEMS, catalogue="tidsbegransad", end_date=days(5).isoformat())
    approve(app, region, order)  # carried out at once (the start is today)
    region.expire_all()
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id))
    assert held.valid_to == days(5) and held.is_held(days(5)) and held.ended_at is None
    assert due(app, region, days(5)).ended == 0
    assert due(app, region, days(6)).ended == 1
    region.expire_all()
    held = region.get(HeldPermission, held.id)
    assert held.ended_at is not None and not held.is_held(days(6))
    assert region.scalar(select(AuditEvent).where(AuditEvent.action == "permission.ended")) is not None
