"""A plugin's failing event hook is logged and never breaks the user's request."""
import datetime

import pytest

from beh_core.api import hookimpl
from helpers import choose_systems, first_unit, forvaltning_id, person, person_without_permissions, review, start_wizard


class BrokenListener:
    """Listens to order events and always fails, like a plugin whose own system is down."""

    def __init__(self):
        self.calls = 0

    @hookimpl
    def beh_order_event(self, event, order):
        self.calls += 1
        raise RuntimeError("the listener's own system is down")


LISTENER = BrokenListener()


@pytest.fixture
def app_config(app_config):
    return dict(app_config, EXTRA_PLUGINS=[LISTENER])


def test_en_trasig_händelsehook_loggas_men_stoppar_inte_beställningen(region, login, caplog):
    before = LISTENER.calls
    orderer = login("sarbe1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    choose_systems(orderer, "local", {})
    choose_systems(orderer, "regional", {"lr.corpus": {}})
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    done = review(orderer, omrade_id=omrade, enhet_id=enhet, attestant_id=person(region, "johek1").id,
                  start_date=datetime.date.today().isoformat())
    assert done.status_code == 302 and "/lr/klar/" in done.headers["Location"]
    assert LISTENER.calls == before + 1
    assert "failed in beh_order_event" in caplog.text
