"""Dated actions (flask beh run-due): automatic lines at their start date, ended permissions, attest reminders."""
from datetime import date, timedelta

from sqlalchemy import func, select

from beh_core.models import AuditEvent, HeldPermission, Order, OrderStatus, OutboxMessage, PermissionEnding
from beh_core.services.due import run_due
from helpers import person_without_permissions, text_of
from test_fulfil_support import approve, days, place


def counts(db):
    """(audit events, outbox rows): what a second run must not change."""
    db.expire_all()
    return (db.scalar(select(func.count(AuditEvent.id))), db.scalar(select(func.count(OutboxMessage.id))))


def due(app, db, today):
    """run-due for a given day, as cron would run it."""
    with app.app_context():
        return run_due(db, app.extensions["beh_runtime"], today=today, reminder_days=3)


def test_en_daterad_automatisk_rad_aktiveras_på_sin_dag_och_inte_före(app, region, login):
    end_user = person_without_permissions(region)
    order = place(app, region, end_user, start=days(3))
    approve(app, region, order)
    region.expire_all()
    order = region.get(Order, order.id)
    assert order.status == OrderStatus.SCHEMALAGD.value and order.active_lines[0].status == "schemalagd"
    assert "Schemalagd" in text_of(login("sarbe1").get(f"/bestallningar/{order.number}"))

    assert due(app, region, days(2)).activated == 0
    region.expire_all()
    assert region.get(Order, order.id).status == OrderStatus.SCHEMALAGD.value

    report = due(app, region, days(3))
    assert report.activated == 1
    region.expire_all()
    order = region.get(Order, order.id)
    assert order.status == OrderStatus.AVSLUTAD.value
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id))
    assert held.valid_from == days(3) and not held.is_held(days(2)) and held.is_held(days(3))
    assert region.scalar(select(AuditEvent).where(AuditEvent.action == "line.fulfilled")).actor_id is None

    before = counts(region)
    again = due(app, region, days(3))
    assert (again.activated, again.ended, again.reminded) == (0, 0, 0)
    assert counts(region) == before


def test_en_schemalagd_rad_som_inte_längre_ska_utföras_släpps_en_gång_med_en_händelse(app, region):
    end_user = person_without_permissions(region)
    order = place(app, region, end_user, start=days(3))
    approve(app, region, order)
    region.expire_all()
    line = region.get(Order, order.id).active_lines[0]
    line.removed = True  # for example corrected by an administrator: the line is no longer part of the order
    region.commit()

    assert due(app, region, days(3)).activated == 0
    region.expire_all()
    # Nothing carried out, but the system's decision to stop waiting is in the history.
    assert region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id)) is None
    [event] = region.scalars(select(AuditEvent).where(AuditEvent.action == "line.automatic_cancelled")).all()
    assert event.actor_id is None and event.details["line_id"] == line.id and event.details["removed"] is True

    before = counts(region)
    assert due(app, region, days(4)).activated == 0
    assert counts(region) == before


def test_behörighet_vars_slutdatum_passerat_avslutas_en_gång(app, region):
    end_user = person_without_permissions(region)
    held = HeldPermission(person_id=end_user.id, item_key="lr.esmaker", details={}, valid_from=days(-30),
                          valid_to=days(-1))
    region.add(held)
    region.commit()
    assert due(app, region, date.today()).ended >= 1
    ending = region.scalar(select(PermissionEnding).where(PermissionEnding.held_permission_id == held.id))
    assert ending.ended_on == date.today()
    before = counts(region)
    assert due(app, region, date.today()).ended == 0
    assert counts(region) == before


def test_attestanten_påminns_en_gång_per_period(app, region):
    order = place(app, region, person_without_permissions(region))
    region.expire_all()
    order = region.get(Order, order.id)
    created = order.created_at.date()
    assert due(app, region, created + timedelta(days=2)).reminded == 0
    assert due(app, region, created + timedelta(days=3)).reminded == 1
    assert due(app, region, created + timedelta(days=5)).reminded == 0
    assert due(app, region, created + timedelta(days=6)).reminded == 1
    subjects = list(region.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_person_id == order.attestant_id)))
    assert subjects.count(f"Påminnelse: beställning {order.number} väntar på din attest") == 2

    approve(app, region, order)
    assert due(app, region, created + timedelta(days=30)).reminded == 0


def test_run_due_från_kommandoraden_är_säker_att_köra_varje_minut(app, region):
    order = place(app, region, person_without_permissions(region), start=days(1))
    approve(app, region, order)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["beh", "run-due", "--today", days(1).isoformat()])
    assert first.exit_code == 0 and "Aktiverade rader: 1" in first.output, first.output
    before = counts(region)
    second = runner.invoke(args=["beh", "run-due", "--today", days(1).isoformat()])
    assert "Aktiverade rader: 0, avslutade behörigheter: 0, påminnelser: 0" in second.output
    assert counts(region) == before

