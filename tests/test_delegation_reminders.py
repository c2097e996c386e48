"""Påminnelse: the chef is e-mailed (through the outbox) before a delegation they granted ends."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from beh_core import authz
from beh_core.models import AuditEvent, OutboxMessage
from beh_core.services import delegation as ops
from helpers import person
from test_delegation import fresh_people, scope_key, unit
from beh_core.models import SCOPE_AREA, SCOPE_UNIT

TODAY = date.today()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def granted(db, app, who, *, ends_in: int, omrade: str = "NH-O1"):
    chef = authz.load_actor(db, person(db, "marho1"), TODAY, app.config)
    data = ops.DelegationInput(person_ids=[who.id], scope=SCOPE_AREA, scope_key=scope_key(db, omrade), attestant=True,
                               valid_from=TODAY.isoformat(), valid_to=(TODAY + timedelta(days=ends_in)).isoformat())
    (made,) = ops.create_delegations(db, chef, data, today=TODAY)
    return made


def mails_to(db, vgr_id: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_person_id == person(db, vgr_id).id)))


def remind(db, app, today=TODAY, days=14) -> int:
    return ops.send_end_reminders(db, app.extensions["beh_runtime"], today=today, days=days)


def test_chefen_får_ett_mejl_dagar_före_slutdatum_och_bara_en_gång(region, ctx):
    soon, later = fresh_people(region, 2)
    ending = granted(region, ctx, soon, ends_in=10)
    granted(region, ctx, later, ends_in=40)
    assert remind(region, ctx) == 1
    (mail,) = mails_to(region, "marho1")
    assert mail.subject == "Delegeringar upphör snart"
    assert soon.display in mail.body and ending.valid_to.isoformat() in mail.body and later.display not in mail.body
    assert "Visa/hantera delegeringar" in mail.body
    assert remind(region, ctx) == 0 and len(mails_to(region, "marho1")) == 1
    events = region.scalars(select(AuditEvent).where(AuditEvent.action == "delegation.reminder_sent")).all()
    assert [e.object_id for e in events] == [str(ending.id)]


def test_en_förlängd_delegering_påminns_igen_inför_det_nya_slutdatumet(region, ctx):
    (who,) = fresh_people(region)
    made = granted(region, ctx, who, ends_in=5)
    assert remind(region, ctx) == 1
    chef = authz.load_actor(region, person(region, "marho1"), TODAY, ctx.config)
    ops.extend_delegations(region, chef, [made.id], 3, today=TODAY)
    assert remind(region, ctx) == 0  # the new end is months away
    remind(region, ctx, today=made.valid_to - timedelta(days=7))
    about = [m for m in mails_to(region, "marho1") if who.display in m.body]
    assert len(about) == 2 and made.valid_to.isoformat() in about[1].body


def test_borttagna_delegeringar_och_avstängda_påminnelser_ger_inget_mejl(region, ctx):
    (who,) = fresh_people(region)
    made = granted(region, ctx, who, ends_in=3)
    assert remind(region, ctx, days=0) == 0
    chef = authz.load_actor(region, person(region, "marho1"), TODAY, ctx.config)
    ops.end_delegations(region, chef, [made.id], today=TODAY)
    assert remind(region, ctx) == 0 and mails_to(region, "marho1") == []


def test_när_chefen_har_bytts_får_den_nya_chefen_påminnelsen(region, ctx):
    (who,) = fresh_people(region)
    granted(region, ctx, who, ends_in=3, omrade="NH-O2")
    successor = fresh_people(region)[0]
    unit(region, "NH-O2-E1").chef_id = successor.id
    region.commit()
    assert remind(region, ctx) == 1
    assert mails_to(region, "marho1") == [] and len(mails_to(region, successor.vgr_id)) == 1


def test_kommandot_delegation_reminders_använder_DELEGATION_REMINDER_DAYS(region, app):
    (who,) = fresh_people(region)
    with app.app_context():
        granted(region, app, who, ends_in=app.config["DELEGATION_REMINDER_DAYS"])
    result = app.test_cli_runner().invoke(args=["beh", "delegation-reminders"])
    assert result.exit_code == 0, result.output
    assert "Påminnelser om delegeringar: 1 e-postmeddelanden." in result.output
    assert region.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_en_delegering_som_ingen_chef_längre_kan_hantera_markeras_en_gång_med_en_händelse(region, ctx):
    from beh_core.models import Enhet

    (who,) = fresh_people(region)
    made = granted(region, ctx, who, ends_in=3, omrade="NH-O2")
    for enhet in region.scalars(select(Enhet).where(Enhet.omrade_id == unit(region, "NH-O2-E1").omrade_id)):
        enhet.chef_id = None  # the område has no verksamhetschef any more
    region.commit()

    assert remind(region, ctx) == 0 and remind(region, ctx) == 0
    region.expire_all()
    # Marked as handled (so it is not looked at again) in a transaction with its own audit event.
    skipped = list(region.scalars(select(AuditEvent).where(AuditEvent.action == "delegation.reminder_skipped")))
    assert [event.object_id for event in skipped] == [str(made.id)]
    assert skipped[0].details["reason"] == "Ingen verksamhetschef kan hantera delegeringen."
    assert region.get(type(made), made.id).reminded_for == made.valid_to
    assert region.scalar(select(func.count()).select_from(OutboxMessage)) == 0
