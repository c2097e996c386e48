"""Two people acting on the same order at the same moment: exactly one of them wins.

Every status change is a compare-and-set (``services/transitions.py``): the loser
gets "Beställningen har ändrats av någon annan. Ladda om sidan." and nothing of
theirs is saved: one audit event, one held permission, one mail. The races run
with one database session per person, in threads, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from beh_core.api import CatalogItem, FulfilmentResult, hookimpl
from beh_core.db import get_database
from beh_core.models import AuditEvent, HeldPermission, Komplettering, Order, OrderLine, OrderStatus, OutboxMessage
from beh_core.services import attest as attest_ops
from beh_core.services import fulfilment
from beh_core.services.errors import Conflict
from helpers import make_config, person_without_permissions
from test_fulfil_support import actor, approve, place, runtime_of

RELOAD = "Beställningen har ändrats av någon annan. Ladda om sidan."
TWO_MANUAL_LINES = (("lr.corpus", {}, None), ("lr.elvis", {}, None))


class SlowSystem:
    """An automatic system whose plugin takes a while, and says when it has started."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.calls = 0

    @hookimpl
    def beh_catalogue_items(self):
        return [CatalogItem(key="test.långsam", name="Långsamt system", catalogue="lr", page="regional", fulfilment="on_start")]

    @hookimpl
    def beh_fulfil_line(self, item, line, order):
        self.calls += 1
        self.started.set()
        time.sleep(0.5)
        return FulfilmentResult(done=True)


@pytest.fixture
def slow_system():
    return SlowSystem()


@pytest.fixture
def app_config(migrated, tmp_path, slow_system):
    return make_config(migrated, tmp_path, FULFILLERS=["lensa1", "perwi1"], EXTRA_PLUGINS=[slow_system])


def count(db, model, *where) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model).where(*where))


def events(db, action: str) -> int:
    return count(db, AuditEvent, AuditEvent.action == action)


def mails(db, template: str) -> int:
    return count(db, OutboxMessage, OutboxMessage.template == template)


def session_of(app):
    """A person's own database session (as each web request has)."""
    return get_database(app).sessionmaker()


def race(app, *steps):
    """Run each step(session) in its own thread and session, released at the same moment.

    Returns what each step returned, or the Conflict it raised.
    """
    start = threading.Barrier(len(steps))
    results: list = [None] * len(steps)

    def run(index, step):
        with app.app_context(), session_of(app) as session:
            prepared = step(session)  # loads the order, as the page the person looks at did
            start.wait()
            try:
                results[index] = prepared()
            except Conflict as conflict:
                session.rollback()
                results[index] = conflict

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def slow_down_the_winner(monkeypatch, seconds=0.3):
    """Keep the winning transaction open a while, so the other one really waits for its row lock."""
    original = fulfilment.apply_to_held_permissions

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(fulfilment, "apply_to_held_permissions", slow)


def mark_done_step(app, number, line_id, who):
    def step(session):
        order = attest_ops.get_order(session, number)
        person_actor = actor(app, session, who)
        _ = order.active_lines
        return lambda: fulfilment.mark_line_done(session, runtime_of(app), person_actor, order, line_id, {})
    return step


def test_två_i_service_desk_klickar_utförd_på_samma_rad_samtidigt_och_bara_den_ena_räknas(
        app, region, monkeypatch):
    end_user = person_without_permissions(region)
    order = place(app, region, end_user, items=(("lr.corpus", {}, None),))
    approve(app, region, order)
    line_id = order.active_lines[0].id
    slow_down_the_winner(monkeypatch)

    results = race(app, mark_done_step(app, order.number, line_id, "lensa1"),
                   mark_done_step(app, order.number, line_id, "perwi1"))

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "bool"]
    assert [r for r in results if not isinstance(r, Conflict)] == [True]  # the winner closed the order
    [conflict] = [r for r in results if isinstance(r, Conflict)]
    assert "Ladda om sidan." in conflict.message
    assert events(region, "line.fulfilled") == 1
    assert count(region, HeldPermission, HeldPermission.person_id == end_user.id) == 1
    assert mails(region, "completed") == 1
    assert region.get(Order, order.id).status == OrderStatus.AVSLUTAD.value


def test_en_gammal_sida_kan_inte_utföra_en_rad_som_redan_är_utförd(app, region):
    order = place(app, region, person_without_permissions(region), items=(("lr.corpus", {}, None),))
    approve(app, region, order)
    line_id = order.active_lines[0].id
    with app.app_context(), session_of(app) as first, session_of(app) as second:
        seen_first, seen_second = (attest_ops.get_order(s, order.number) for s in (first, second))
        _ = seen_first.active_lines, seen_second.active_lines  # both pages show the line as not done
        assert fulfilment.mark_line_done(first, runtime_of(app), actor(app, first, "lensa1"), seen_first, line_id, {}) is True
        with pytest.raises(Conflict, match="redan utförd eller har ändrats av någon annan. Ladda om sidan."):
            fulfilment.mark_line_done(second, runtime_of(app), actor(app, second, "perwi1"), seen_second, line_id, {})
    assert events(region, "line.fulfilled") == 1 and mails(region, "completed") == 1


def test_de_två_sista_raderna_utförda_samtidigt_avslutar_beställningen_en_gång(app, region, monkeypatch):
    order = place(app, region, person_without_permissions(region), items=TWO_MANUAL_LINES)
    approve(app, region, order)
    first_line, second_line = (line.id for line in order.active_lines)
    slow_down_the_winner(monkeypatch, 0.2)

    results = race(app, mark_done_step(app, order.number, first_line, "lensa1"),
                   mark_done_step(app, order.number, second_line, "perwi1"))

    # Both lines are done; whoever came last saw the other's line and closed the order.
    assert sorted(results) == [False, True]
    assert events(region, "line.fulfilled") == 2
    assert region.get(Order, order.id).status == OrderStatus.AVSLUTAD.value
    assert mails(region, "completed") == 1


def test_utförd_på_en_gammal_sida_när_komplettering_just_har_begärts_nekas(app, region):
    order = place(app, region, person_without_permissions(region), items=TWO_MANUAL_LINES)
    approve(app, region, order)
    line_id = order.active_lines[0].id
    with app.app_context(), session_of(app) as asking, session_of(app) as doing:
        asked, done = attest_ops.get_order(asking, order.number), attest_ops.get_order(doing, order.number)
        _ = done.active_lines
        fulfilment.request_komplettering(asking, runtime_of(app), actor(app, asking, "lensa1"), asked, "Vilken klinik?")
        with pytest.raises(Conflict, match=RELOAD):
            fulfilment.mark_line_done(doing, runtime_of(app), actor(app, doing, "perwi1"), done, line_id, {})
    region.expire_all()
    assert region.get(OrderLine, line_id).status == ""  # not done
    assert region.get(Order, order.id).status == OrderStatus.KOMPLETTERING.value
    assert events(region, "line.fulfilled") == 0


def test_komplettering_begärs_en_gång_och_besvaras_en_gång_även_från_två_flikar(app, region):
    order = place(app, region, person_without_permissions(region), items=TWO_MANUAL_LINES)
    approve(app, region, order)

    def ask(who, text):
        def step(session):
            seen = attest_ops.get_order(session, order.number)
            person_actor = actor(app, session, who)
            return lambda: fulfilment.request_komplettering(session, runtime_of(app), person_actor, seen, text)
        return step

    results = race(app, ask("lensa1", "Vilken klinik?"), ask("perwi1", "Vilket datum?"))
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert count(region, Komplettering) == 1 and events(region, "order.komplettering_requested") == 1
    assert mails(region, "komplettering") == 1

    def answer(text):
        def step(session):
            seen = attest_ops.get_order(session, order.number)
            person_actor = actor(app, session, "sarbe1")
            return lambda: fulfilment.answer_komplettering(session, runtime_of(app), person_actor, seen, text)
        return step

    results = race(app, answer("Medicinkliniken"), answer("Medicinkliniken, avd 12"))
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert events(region, "order.komplettering_answered") == 1
    [request] = region.scalars(select(Komplettering)).all()
    assert request.answer in ("Medicinkliniken", "Medicinkliniken, avd 12")
    assert region.get(Order, order.id).status == OrderStatus.ATTESTERAD.value


def test_makulera_på_en_gammal_sida_efter_att_attestanten_godkänt_nekas(app, region):
    order = place(app, region, person_without_permissions(region), items=(("lr.corpus", {}, None),))
    with app.app_context(), session_of(app) as orderer_session:
        seen = attest_ops.get_order(orderer_session, order.number)
        assert seen.status == OrderStatus.VANTAR_PA_ATTEST.value  # the orderer's page still offers Makulera
        approve(app, region, order)  # the attestant, in another session, is first
        with pytest.raises(Conflict, match=RELOAD):
            fulfilment.withdraw_order(orderer_session, runtime_of(app), actor(app, orderer_session, "sarbe1"), seen)
    assert region.get(Order, order.id).status == OrderStatus.ATTESTERAD.value
    assert events(region, "order.withdrawn") == 0 and mails(region, "withdrawn") == 0


def test_makulera_två_gånger_samtidigt_ger_en_händelse_och_ett_mejl(app, region):
    order = place(app, region, person_without_permissions(region), items=(("lr.corpus", {}, None),))

    def withdraw(session):
        seen = attest_ops.get_order(session, order.number)
        person_actor = actor(app, session, "sarbe1")
        return lambda: fulfilment.withdraw_order(session, runtime_of(app), person_actor, seen)

    results = race(app, withdraw, withdraw)
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert events(region, "order.withdrawn") == 1 and mails(region, "withdrawn") == 1
    assert region.get(Order, order.id).status == OrderStatus.MAKULERAD.value


def test_service_desk_kan_inte_utföra_en_rad_som_det_automatiska_utförandet_håller_på_med(app, region, slow_system):
    tomorrow = date.today() + timedelta(days=1)
    order = place(app, region, person_without_permissions(region), items=(("test.långsam", {}, None),),
                  start=tomorrow)
    approve(app, region, order)
    line_id = order.active_lines[0].id
    assert order.active_lines[0].status == "schemalagd"
    outcome: dict = {}

    def run_due():
        with app.app_context(), session_of(app) as session:
            outcome["automatic"] = fulfilment.run_due_lines(session, runtime_of(app), tomorrow)

    def service_desk():
        with app.app_context(), session_of(app) as session:
            seen = attest_ops.get_order(session, order.number)
            _ = seen.active_lines
            desk = actor(app, session, "lensa1")
            assert slow_system.started.wait(10)  # the plugin is carrying out the line right now
            try:
                outcome["desk"] = fulfilment.mark_line_done(session, runtime_of(app), desk, seen, line_id, {})
            except Conflict as conflict:
                outcome["desk"] = conflict

    threads = [threading.Thread(target=run_due), threading.Thread(target=service_desk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert outcome["automatic"] == 1 and isinstance(outcome["desk"], Conflict)
    assert slow_system.calls == 1
    assert events(region, "line.fulfilled") == 1 and mails(region, "completed") == 1
    assert region.get(Order, order.id).status == OrderStatus.AVSLUTAD.value


def test_makulera_och_godkänn_samtidigt_ger_ett_utfall(app, region):
    order = place(app, region, person_without_permissions(region), items=(("lr.corpus", {}, None),))

    def withdraw(session):
        seen = attest_ops.get_order(session, order.number)
        orderer = actor(app, session, "sarbe1")
        return lambda: fulfilment.withdraw_order(session, runtime_of(app), orderer, seen)

    def approve_step(session):
        seen = attest_ops.get_order(session, order.number)
        _ = seen.active_lines
        attestant = actor(app, session, "johek1")
        return lambda: attest_ops.decide(session, runtime_of(app), attestant, seen, approve=True)

    results = race(app, withdraw, approve_step)
    assert sum(isinstance(r, Conflict) for r in results) == 1
    region.expire_all()
    status = region.get(Order, order.id).status
    if isinstance(results[0], Conflict):  # the attestant was first
        assert status == OrderStatus.ATTESTERAD.value
        assert (events(region, "order.approved"), events(region, "order.withdrawn")) == (1, 0)
        assert (mails(region, "decision"), mails(region, "withdrawn")) == (1, 0)
    else:  # the orderer was first
        assert status == OrderStatus.MAKULERAD.value
        assert (events(region, "order.approved"), events(region, "order.withdrawn")) == (0, 1)
        assert (mails(region, "decision"), mails(region, "withdrawn")) == (0, 1)
