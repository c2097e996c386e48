"""Delegation rules over time: not yet valid, expired, ended early, Förläng, overlapping, audit."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from beh_core import authz
from beh_core.models import AuditEvent, Delegation
from beh_core.services import delegation as ops
from beh_core.services.errors import ValidationFailed
from helpers import person
from test_delegation import fresh_people, scope_key, unit
from beh_core.models import SCOPE_AREA, SCOPE_UNIT

DAY = date(2026, 8, 31)  # a fixed "today" so month arithmetic is checked exactly


@pytest.fixture
def chef(region, app):
    return authz.load_actor(region, person(region, "marho1"), DAY, app.config)


def rights(db, app, who, on: date) -> authz.Actor:
    """The person's rights on the given day, as every request computes them."""
    db.expire_all()
    return authz.load_actor(db, who, on, app.config, portal=app.extensions["beh_runtime"])


def lr(db, chef, who, *, start: date = DAY, end: date | None = None, omrade: str = "NH-O1", **roles) -> Delegation:
    data = ops.DelegationInput(person_ids=[who.id], scope=SCOPE_AREA, scope_key=scope_key(db, omrade),
                               bestallare=roles.get("bestallare", True), attestant=roles.get("attestant", False),
                               valid_from=start.isoformat(), valid_to=(end or start + timedelta(days=90)).isoformat())
    (made,) = ops.create_delegations(db, chef, data, today=DAY)
    return made


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 5, 10), 12, date(2027, 5, 10)),
])
def test_månader_räknas_i_kalendermånader_och_dagen_kapas_vid_månadens_slut(start, months, expected):
    assert ops.add_months(start, months) == expected


def test_en_delegering_i_framtiden_ger_inget_förrän_gäller_från(region, app, chef):
    (who,) = fresh_people(region)
    made = lr(region, chef, who, start=DAY + timedelta(days=10))
    assert not authz.may_order(rights(region, app, who, DAY), "lr")
    assert not authz.may_order(rights(region, app, who, DAY + timedelta(days=9)), "lr")
    assert authz.may_order_in(rights(region, app, who, made.valid_from), made.forvaltning_id, made.omrade_id)


def test_en_utgången_delegering_ger_inget_dagen_efter_gäller_till(region, app, chef):
    (who,) = fresh_people(region)
    made = lr(region, chef, who, end=DAY + timedelta(days=30))
    assert authz.may_order(rights(region, app, who, made.valid_to), "lr")  # the last day counts
    assert not authz.may_order(rights(region, app, who, made.valid_to + timedelta(days=1)), "lr")
    with pytest.raises(ValidationFailed) as refused:
        ops.extend_delegations(region, chef, [made.id], 3, today=made.valid_to + timedelta(days=1))
    assert "har upphört och kan inte förlängas" in refused.value.errors["valda"]


def test_ta_bort_i_förtid_gäller_genast_och_kan_inte_förlängas(region, app, chef):
    (who,) = fresh_people(region)
    made = lr(region, chef, who, attestant=True)
    ops.end_delegations(region, chef, [made.id], today=DAY + timedelta(days=5))
    region.expire_all()
    assert made.valid_to == DAY + timedelta(days=4) and made.ended_at is not None and made.ended_by_id == chef.id
    assert not rights(region, app, who, DAY + timedelta(days=5)).delegations
    with pytest.raises(ValidationFailed):
        ops.extend_delegations(region, chef, [made.id], 12, today=DAY + timedelta(days=5))


def test_ta_bort_en_delegering_som_inte_börjat_gälla(region, app, chef):
    (who,) = fresh_people(region)
    made = lr(region, chef, who, start=DAY + timedelta(days=20))
    ops.end_delegations(region, chef, [made.id], today=DAY)
    for later in (DAY, made.valid_from, made.valid_from + timedelta(days=30)):
        assert not rights(region, app, who, later).delegations


@pytest.mark.parametrize("months, expected", [(3, date(2026, 11, 30)), (6, date(2027, 2, 28)), (12, date(2027, 8, 31))])
def test_förläng_ger_nytt_gäller_till_räknat_från_dagens_datum(region, app, chef, months, expected):
    (who,) = fresh_people(region)
    made = lr(region, chef, who, start=DAY - timedelta(days=0), end=DAY + timedelta(days=10))
    ops.extend_delegations(region, chef, [made.id], months, today=DAY)
    region.expire_all()
    assert made.valid_to == expected
    event = region.scalar(select(AuditEvent).where(AuditEvent.action == "delegation.extended"))
    assert event.details["previous_valid_to"] == (DAY + timedelta(days=10)).isoformat()
    assert event.details["valid_to"] == expected.isoformat() and event.details["months"] == months


def test_förläng_kortar_aldrig_en_delegering(region, chef):
    (who,) = fresh_people(region)
    made = lr(region, chef, who, end=DAY + timedelta(days=300))
    with pytest.raises(ValidationFailed) as refused:
        ops.extend_delegations(region, chef, [made.id], 3, today=DAY)
    assert "gäller redan till" in refused.value.errors["valda"]


def test_överlappande_delegeringar_i_olika_områden_läggs_ihop_och_avslutas_var_för_sig(region, app, chef):
    (who,) = fresh_people(region)
    norr = lr(region, chef, who, end=DAY + timedelta(days=60))
    soder = lr(region, chef, who, omrade="NH-O2", start=DAY + timedelta(days=30), end=DAY + timedelta(days=120),
               bestallare=False, attestant=True)
    both = rights(region, app, who, DAY + timedelta(days=40))
    assert authz.may_order_in(both, norr.forvaltning_id, norr.omrade_id)
    assert [d.omrade_id for d in both.area_attestant] == [soder.omrade_id]
    assert not authz.may_order_in(both, soder.forvaltning_id, soder.omrade_id)  # attestant there, not beställare
    ops.end_delegations(region, chef, [soder.id], today=DAY + timedelta(days=40))
    after = rights(region, app, who, DAY + timedelta(days=40))
    assert authz.may_order_in(after, norr.forvaltning_id, norr.omrade_id) and not after.area_attestant


def test_överlappande_delegering_i_samma_område_nekas(region, chef):
    (who,) = fresh_people(region)
    lr(region, chef, who, end=DAY + timedelta(days=60))
    with pytest.raises(ValidationFailed) as refused:
        lr(region, chef, who, start=DAY + timedelta(days=60), attestant=True)
    assert "har redan en delegering här" in refused.value.errors["persons"]


def test_delegering_utanför_chefens_enheter_nekas_och_inget_sparas(region, chef):
    (who,) = fresh_people(region)
    data = ops.DelegationInput(person_ids=[who.id], scope=SCOPE_UNIT, enhet_id=unit(region, "RH-O1-E1").id, bestallare=True,
                               valid_from=DAY.isoformat(), valid_to=(DAY + timedelta(days=5)).isoformat())
    with pytest.raises(authz.Forbidden) as refused:
        ops.create_delegations(region, chef, data, today=DAY)
    assert "Du kan bara delegera inom de enheter där du är verksamhetschef." in refused.value.message
    region.rollback()
    assert region.scalar(select(Delegation).where(Delegation.person_id == who.id)) is None


def test_den_som_inte_är_verksamhetschef_kan_inte_delegera_ens_med_egna_delegeringar(region, app):
    sarbe1 = authz.load_actor(region, person(region, "sarbe1"), DAY, app.config)
    assert not authz.may_delegate(sarbe1)
    with pytest.raises(authz.Forbidden):
        ops.create_delegations(region, sarbe1, ops.DelegationInput(person_ids=[sarbe1.id], scope=SCOPE_AREA), today=DAY)


def test_ny_chef_kan_hantera_delegeringar_som_en_tidigare_chef_gav(region, app, chef):
    (who,) = fresh_people(region)
    made = lr(region, chef, who)
    successor = fresh_people(region)[0]
    unit(region, "NH-O1-E1").chef_id = successor.id
    region.commit()
    new_chef = authz.load_actor(region, successor, DAY, app.config)
    assert authz.may_manage_delegation(new_chef, made)
    elsewhere = region.scalars(select(Delegation).where(Delegation.omrade.has(code="SU-O1"))).first()
    assert not authz.may_manage_delegation(new_chef, elsewhere)
    old_chef = authz.load_actor(region, person(region, "marho1"), DAY, app.config)
    assert not authz.may_manage_delegation(old_chef, made)  # she no longer heads a unit in Område Norr
