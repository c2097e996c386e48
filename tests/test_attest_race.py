"""Two decisions on one order at once: only the first is recorded (compare-and-set on the status)."""
import pytest
from sqlalchemy import func, select

from beh_core.authz import load_actor
from beh_core.db import get_database
from beh_core.models import AuditEvent, Order
from beh_core.services import attest
from beh_core.services.errors import Conflict
from helpers import make_order, person, person_without_permissions


def test_två_samtidiga_beslut_ger_ett_beslut(app, region):
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    first, second = get_database(app).sessionmaker(), get_database(app).sessionmaker()
    try:
        with app.app_context():
            order_a, order_b = first.get(Order, order.id), second.get(Order, order.id)  # both see "väntar"
            rt = app.extensions["beh_runtime"]
            actor_a = load_actor(first, first.get(type(order_a.attestant), order_a.attestant_id), portal=rt)
            actor_b = load_actor(second, second.get(type(order_b.attestant), order_b.attestant_id), portal=rt)
            attest.decide(first, rt, actor_a, order_a, approve=True)
            with pytest.raises(Conflict):
                attest.decide(second, rt, actor_b, order_b, approve=False, comment="Samtidigt avslag")
    finally:
        first.close()
        second.close()
    region.expire_all()
    assert region.get(Order, order.id).status != "avslagen"
    decisions = region.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(["order.approved", "order.rejected"])))
    assert decisions == 1
