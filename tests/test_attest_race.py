"""Two decisions on one order at once: only the first is recorded (compare-and-set on the status)."""
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from beh_core.authz import load_actor, may_attest as authz_may_attest
from beh_core.db import get_database
from beh_core.models import AuditEvent, Order, Person
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


@contextmanager
def orderer_and_attestant_at_once(app, region):
    """An order sarbe1 placed for johek1 to attest, as sarbe1's and johek1's pages both read it: two sessions,
    each with its own copy of the order (steps loaded) and its actor."""
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    region.commit()
    rt = app.extensions["beh_runtime"]
    sessions = [get_database(app).sessionmaker(), get_database(app).sessionmaker()]
    try:
        with app.app_context():
            sides = []
            for db, vgr_id in zip(sessions, ("sarbe1", "johek1")):
                seen = db.get(Order, order.id)
                assert seen.current_step is not None and seen.attest_steps  # the page read the steps
                sides.append((db, seen, load_actor(db, db.scalar(select(Person).where(Person.vgr_id == vgr_id)),
                                                   portal=rt)))
            yield order, rt, sides[0], sides[1]
    finally:
        for db in sessions:
            db.close()


def test_den_gamla_attestantens_godkännande_nekas_när_attestanten_just_har_bytts(app, region):
    perwi1 = person(region, "perwi1")
    with orderer_and_attestant_at_once(app, region) as (order, rt, (s1, order_1, sarbe1), (s2, order_2, johek1)):
        assert authz_may_attest(johek1, order_2)  # what johek1's page showed
        attest.change_attestant(s1, rt, sarbe1, order_1, omrade_id=order_1.omrade_id,
                                enhet_id=order_1.enhet_id, attestant_id=perwi1.id)
        with pytest.raises(Conflict):
            attest.decide(s2, rt, johek1, order_2, approve=True)
    region.expire_all()
    now = region.get(Order, order.id)
    assert now.status == "vantar_pa_attest" and now.attestant_id == perwi1.id
    assert now.current_step.attestant_id == perwi1.id and now.current_step.status == "vantar"
    assert region.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.approved")) == 0


def test_byt_attestant_nekas_när_attestanten_just_har_beslutat(app, region):
    perwi1 = person(region, "perwi1")
    with orderer_and_attestant_at_once(app, region) as (order, rt, (s1, order_1, sarbe1), (s2, order_2, johek1)):
        attest.decide(s2, rt, johek1, order_2, approve=False, comment="Fel system")
        with pytest.raises(Conflict):
            attest.change_attestant(s1, rt, sarbe1, order_1, omrade_id=order_1.omrade_id,
                                    enhet_id=order_1.enhet_id, attestant_id=perwi1.id)
    region.expire_all()
    assert region.get(Order, order.id).status == "avslagen"
    assert region.get(Order, order.id).attestant_id == person(region, "johek1").id
    assert region.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.attestant_changed")) == 0
