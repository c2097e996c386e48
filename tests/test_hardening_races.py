"""Issue 8, finding 4: rules that hold whatever the timing, and a clear message for the loser.

Each race runs over HTTP: one browser (test client, so its own request
context and database session) per thread, released together by a barrier.
The winner is slowed down while it holds its lock or its uncommitted row, so
the other request really arrives in the middle, on SQLite and PostgreSQL.

* two "Ta bort markerade" on a two-line order never leave it without lines;
* ten "Spara" of one delegation give exactly one delegation (PostgreSQL:
  exclusion constraint, SQLite: triggers);
* two Utförd of two orders of one system for one person give exactly one
  active held permission (partial unique index); the loser is told to retry.
"""
from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from beh_core.models import SCOPE_AREA, SCOPE_UNIT, AuditEvent, Delegation, Enhet, HeldPermission, Order, OrderLine, Person
from beh_core.services import attest as attest_ops
from beh_core.services import delegation as delegation_ops
from beh_core.services import fulfilment
from helpers import (Browser, choose_systems, first_unit, forvaltning_id, make_config, make_order, person,
                     person_without_permissions, start_wizard, text_of)
from test_fulfil_support import approve, place

TODAY = date.today()
KEEP_ONE = "Minst en behörighet måste finnas kvar"


@pytest.fixture
def app_config(migrated, tmp_path):
    return make_config(migrated, tmp_path, FULFILLERS=["lensa1", "perwi1"])


def browsers(app, *vgr_ids):
    made = []
    for vgr_id in vgr_ids:
        browser = Browser(app.test_client())
        browser.login(vgr_id)
        made.append(browser)
    return made


def together(*requests):
    """Send each request (a no-argument callable) from its own thread at the same moment; the responses."""
    start = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def run(index, send):
        start.wait()
        try:
            responses[index] = send()
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, reported by the asserts
            responses[index] = exc

    threads = [threading.Thread(target=run, args=(i, send)) for i, send in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return responses


def slow_after(monkeypatch, module, name, seconds):
    """Make ``module.name`` sleep after it returns (the caller then holds its lock or row a while)."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, slow)


def no_server_errors(responses):
    for response in responses:
        assert not isinstance(response, Exception), repr(response)
        assert response.status_code < 500, text_of(response)[:500]


# --- a. Ta bort markerade -------------------------------------------------------------

def two_line_order(db):
    order = make_order(db, orderer=person(db, "sarbe1"), end_user=person_without_permissions(db),
                       attestant=person(db, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    order.lines.append(OrderLine(position=1, item_key="lr.corpus", item_name="Corpus", scope="regional", values={}))
    db.commit()
    return order


@pytest.mark.parametrize("round_", range(5))
def test_två_samtidiga_ta_bort_markerade_lämnar_alltid_minst_en_rad(app, region, monkeypatch, round_):
    order = two_line_order(region)
    first_line, second_line = (line.id for line in order.lines)
    first, second = browsers(app, "johek1", "johek1")
    for browser in (first, second):
        assert browser.get(f"/attest/{order.number}").status_code == 200  # both pages show two lines
    slow_after(monkeypatch, attest_ops, "set_order_status", 0.3)

    responses = together(
        lambda: first.post(f"/attest/{order.number}", {"action": "remove", "line": first_line}),
        lambda: second.post(f"/attest/{order.number}", {"action": "remove", "line": second_line}))

    no_server_errors(responses)
    region.expire_all()
    left = region.scalar(select(func.count(OrderLine.id)).where(OrderLine.order_id == order.id,
                                                               OrderLine.removed.is_(False)))
    assert left == 1
    assert sorted(r.status_code for r in responses) == [200, 302]
    [refused] = [r for r in responses if r.status_code == 200]
    assert KEEP_ONE in text_of(refused)


def test_en_beställning_utan_rader_kan_inte_godkännas(app, region):
    order = two_line_order(region)
    region.execute(OrderLine.__table__.update().where(OrderLine.order_id == order.id).values(removed=True))
    region.commit()
    attestant = browsers(app, "johek1")[0]
    response = attestant.post(f"/attest/{order.number}", {"action": "approve"})
    assert response.status_code == 200 and KEEP_ONE in text_of(response)
    region.expire_all()
    assert region.get(Order, order.id).status == "vantar_pa_attest"


# --- b. Ny delegering: Spara ------------------------------------------------------------

def someone_without_delegations(db) -> Person:
    return db.scalar(select(Person).where(Person.id > 8, Person.id.not_in(select(Delegation.person_id)))
                     .order_by(Person.id))


@pytest.mark.parametrize("scope", [SCOPE_UNIT, SCOPE_AREA])
def test_tio_samtidiga_spara_av_en_delegering_ger_en_delegering(app, region, monkeypatch, scope):
    unit = region.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    who = someone_without_delegations(region)
    form = {"valda": who.id, "action": "spara", "scope": scope, "bestallare": "1",
            "valid_from": TODAY.isoformat(), "valid_to": (TODAY + timedelta(days=90)).isoformat()}
    form.update({"enhet_id": unit.id} if scope == SCOPE_UNIT
                else {"scope_key": f"{unit.omrade.forvaltning_id}:{unit.omrade_id}"})
    chefs = browsers(app, *["marho1"] * 10)
    for chef in chefs:
        chef.get("/delegeringar/ny")
    # Every request passes the friendly check before any of them saves: only the database decides.
    slow_after(monkeypatch, delegation_ops, "_overlaps", 0.3)

    responses = together(*[lambda chef=chef: chef.post("/delegeringar/ny/omfattning", form) for chef in chefs])

    no_server_errors(responses)
    region.expire_all()
    assert region.scalar(select(func.count(Delegation.id)).where(Delegation.person_id == who.id)) == 1
    assert sorted(r.status_code for r in responses) == [200] * 9 + [302]
    for refused in (r for r in responses if r.status_code == 200):
        page = text_of(refused)
        assert "har redan en delegering här" in page or "sparades samtidigt" in page


def test_förläng_som_skulle_överlappa_en_senare_delegering_ger_ett_meddelande(app, region):
    unit = region.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    who, chef = someone_without_delegations(region), person(region, "marho1")
    common = dict(person_id=who.id, scope=SCOPE_AREA, forvaltning_id=unit.omrade.forvaltning_id,
                  omrade_id=unit.omrade_id, is_bestallare=True, delegated_by_id=chef.id)
    now = Delegation(**common, valid_from=TODAY, valid_to=TODAY + timedelta(days=20))
    later = Delegation(**common, valid_from=TODAY + timedelta(days=40), valid_to=TODAY + timedelta(days=200))
    region.add_all([now, later])
    region.commit()
    browser = browsers(app, "marho1")[0]
    key = f"{unit.omrade.forvaltning_id}:{unit.omrade_id}"
    browser.get(f"/delegeringar/hantera?typ={SCOPE_AREA}&omrade={key}")
    response = browser.post("/delegeringar/hantera", {"typ": SCOPE_AREA, "omrade": key, "valda": now.id,
                                                      "action": "forlang", "manader": 3})
    assert response.status_code == 200 and "kan inte förlängas" in text_of(response)
    region.expire_all()
    assert region.get(Delegation, now.id).valid_to == TODAY + timedelta(days=20)


@pytest.mark.parametrize("second", ["ta_bort", "forlang"])
def test_förläng_och_ta_bort_av_samma_delegering_samtidigt_ger_en_ändring_och_ett_meddelande(
        app, region, monkeypatch, second):
    unit = region.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    who, chef = someone_without_delegations(region), person(region, "marho1")
    made = Delegation(person_id=who.id, scope=SCOPE_AREA, forvaltning_id=unit.omrade.forvaltning_id,
                      omrade_id=unit.omrade_id, is_bestallare=True, delegated_by_id=chef.id,
                      valid_from=TODAY - timedelta(days=10), valid_to=TODAY + timedelta(days=60))
    region.add(made)
    region.commit()
    key = f"{unit.omrade.forvaltning_id}:{unit.omrade_id}"
    first_chef, second_chef = browsers(app, "marho1", "marho1")
    for browser in (first_chef, second_chef):
        browser.get(f"/delegeringar/hantera?typ={SCOPE_AREA}&omrade={key}")
    form = {"typ": SCOPE_AREA, "omrade": key, "valda": made.id}
    second_form = {**form, "action": "ta_bort", "bekraftad": "1"} if second == "ta_bort" else \
        {**form, "action": "forlang", "manader": 6}
    # Both pass the checks before either writes: only the compare-and-set decides.
    slow_after(monkeypatch, delegation_ops, "_chosen", 0.3)

    responses = together(lambda: first_chef.post("/delegeringar/hantera", {**form, "action": "forlang", "manader": 12}),
                         lambda: second_chef.post("/delegeringar/hantera", second_form))

    no_server_errors(responses)
    assert sorted(r.status_code for r in responses) == [200, 302]
    [refused] = [r for r in responses if r.status_code == 200]
    assert "ändrades av någon annan samtidigt" in text_of(refused)
    region.expire_all()
    now = region.get(Delegation, made.id)
    ended = now.ended_at is not None
    assert ended == (now.valid_to < TODAY)  # never ended yet still valid
    changes = region.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_id == str(made.id), AuditEvent.action.in_(["delegation.extended", "delegation.ended"])))
    assert changes == 1


def test_databasen_vägrar_överlappande_delegeringar_även_utan_portalen(app, region):
    """The rule is the database's: a direct insert (an import, a script) is refused too."""
    from sqlalchemy.exc import IntegrityError

    unit = region.scalar(select(Enhet).where(Enhet.code == "NH-O1-E1"))
    who = someone_without_delegations(region)
    common = dict(person_id=who.id, scope=SCOPE_UNIT, forvaltning_id=unit.omrade.forvaltning_id,
                  omrade_id=unit.omrade_id, enhet_id=unit.id, is_attestant=True)
    region.add(Delegation(**common, valid_from=TODAY, valid_to=TODAY + timedelta(days=30)))
    region.commit()
    region.add(Delegation(**common, valid_from=TODAY + timedelta(days=30), valid_to=TODAY + timedelta(days=60)))
    with pytest.raises(IntegrityError):
        region.commit()
    region.rollback()
    # Adjacent periods, another unit, or one ended before it began are no overlap.
    region.add(Delegation(**common, valid_from=TODAY + timedelta(days=31), valid_to=TODAY + timedelta(days=60)))
    other = region.scalar(select(Enhet).where(Enhet.code == "NH-O1-E2"))
    region.add(Delegation(**{**common, "enhet_id": other.id}, valid_from=TODAY, valid_to=TODAY + timedelta(days=9)))
    region.add(Delegation(**common, valid_from=TODAY + timedelta(days=5), valid_to=TODAY + timedelta(days=4)))
    region.commit()


# --- c. Utförd: one active held permission per person, system and scope ------------------

def test_två_samtidiga_utförd_för_samma_system_och_person_ger_en_behörighet(app, region, monkeypatch):
    end_user = person_without_permissions(region)
    first = place(app, region, end_user, items=(("lr.corpus", {}, None),))
    # The wizard no longer takes a second order of a system already on its way (services/pending.py);
    # one from before that rule, or from another route, is written directly.
    second = make_order(region, orderer=person(region, "sarbe1"), end_user=end_user, attestant=person(region, "johek1"),
                        forvaltning_code="NH", omrade_name="Område Norr", item=("lr.corpus", "Corpus"))
    orders = [first, second]
    for order in orders:
        approve(app, region, order)
    desk = browsers(app, "lensa1", "perwi1")
    for browser, order in zip(desk, orders):
        assert browser.get(f"/servicedesk/{order.number}").status_code == 200
    # The winner keeps its new permission uncommitted a while: the other inserts meanwhile.
    slow_after(monkeypatch, fulfilment, "apply_to_held_permissions", 0.5)

    responses = together(*[
        lambda browser=browser, order=order: browser.post(
            f"/servicedesk/{order.number}/rad/{order.active_lines[0].id}", {})
        for browser, order in zip(desk, orders)])

    no_server_errors(responses)
    region.expire_all()
    active = region.scalars(select(HeldPermission).where(
        HeldPermission.person_id == end_user.id, HeldPermission.item_key == "lr.corpus",
        HeldPermission.ended_at.is_(None))).all()
    assert len(active) == 1
    statuses = sorted(r.status_code for r in responses)
    if region.get_bind().dialect.name == "postgresql":
        # Both inserted at once; the database let one through and the other was told to try again.
        assert statuses == [302, 409]
        [loser] = [r for r in responses if r.status_code == 409]
        assert "registrerades samtidigt" in text_of(loser) and "Ladda om sidan" in text_of(loser)
        loser_order = next(o for o, r in zip(orders, responses) if r.status_code == 409)
        browser = desk[responses.index(loser)]
        browser.get(f"/servicedesk/{loser_order.number}")
        retry = browser.post(f"/servicedesk/{loser_order.number}/rad/{loser_order.active_lines[0].id}", {})
        assert retry.status_code == 302  # the retry joins the permission that exists now
    else:
        assert statuses == [302, 302]  # SQLite serialises writers: the second found the first's permission
    region.expire_all()
    assert region.scalar(select(func.count(HeldPermission.id)).where(
        HeldPermission.person_id == end_user.id, HeldPermission.item_key == "lr.corpus",
        HeldPermission.ended_at.is_(None))) == 1
    lines = region.scalars(select(OrderLine).where(OrderLine.order_id.in_([o.id for o in orders]))).all()
    assert {line.held_permission_id for line in lines} == {active[0].id}


def test_ett_lokalt_system_kan_innehas_i_två_förvaltningar(app, region):
    """scope_key: a local system's permission holds in one förvaltning; regional ones have ""."""
    end_user = person_without_permissions(region)
    base = dict(person_id=end_user.id, item_key="lr.test.lokal", valid_from=TODAY, details={})
    region.add_all([HeldPermission(**base, scope_key="1"), HeldPermission(**base, scope_key="2")])
    region.commit()
    assert region.scalar(select(func.count(HeldPermission.id)).where(
        HeldPermission.person_id == end_user.id)) == 2


def test_avslut_och_run_due_sätter_slutad_och_en_ny_beställning_ger_en_ny_behörighet(app, region):
    from beh_core.services.directory import held_permissions
    from beh_core.services.due import end_expired_permissions

    end_user = person_without_permissions(region)
    order = place(app, region, end_user, items=(("lr.corpus", {}, None),))
    approve(app, region, order)
    desk = browsers(app, "lensa1")[0]
    desk.get(f"/servicedesk/{order.number}")
    assert desk.post(f"/servicedesk/{order.number}/rad/{order.active_lines[0].id}", {}).status_code == 302
    region.expire_all()
    held = region.scalar(select(HeldPermission).where(HeldPermission.person_id == end_user.id))
    assert held.scope_key == "" and held.ended_at is None and held.is_held(TODAY)
    # Its end date passes (an Avslut dated earlier); run-due ends it.
    held.valid_to = TODAY - timedelta(days=1)
    region.commit()
    assert end_expired_permissions(region, TODAY) == 1
    region.expire_all()
    held = region.get(HeldPermission, held.id)
    assert held.ended_at is not None and not held.is_held(TODAY)
    assert held_permissions(region, end_user.id, TODAY) == []
    again = place(app, region, end_user, items=(("lr.corpus", {}, None),))
    approve(app, region, again)
    desk.get(f"/servicedesk/{again.number}")
    assert desk.post(f"/servicedesk/{again.number}/rad/{again.active_lines[0].id}", {}).status_code == 302
    region.expire_all()
    assert [h.id != held.id for h in held_permissions(region, end_user.id, TODAY)] == [True]


def test_en_databas_som_väljer_en_förlorare_räknas_som_förlorad_kapplöpning_inte_serverfel(app, region):
    """A deadlock (PostgreSQL picks a loser, as two inserts checking the delegations' exclusion constraint
    can) and a constraint violation are both a lost race: the operation tells the user, never a 500."""
    from sqlalchemy.exc import DBAPIError

    from beh_core.db import get_database
    from beh_core.services.errors import lost_race

    first, second = [p.id for p in region.scalars(select(Person).order_by(Person.id).limit(2))]
    region.commit()
    database = get_database(app)
    if database.engine.dialect.name != "postgresql":
        with database.sessionmaker() as session:  # SQLite serialises writers: a race is lost at a constraint
            session.add(Person(vgr_id=person(region, "sarbe1").vgr_id, first_name="A", last_name="B"))
            with pytest.raises(DBAPIError) as refused:
                session.flush()
        assert lost_race(refused.value)
        return
    barrier, errors = threading.Barrier(2), []

    def lock(order):
        with database.sessionmaker() as session:
            try:
                for n, person_id in enumerate(order):
                    session.execute(select(Person).where(Person.id == person_id).with_for_update())
                    if n == 0:
                        barrier.wait(timeout=10)
                        time.sleep(0.2)
                session.rollback()
            except DBAPIError as error:
                errors.append(error)
                session.rollback()

    threads = [threading.Thread(target=lock, args=(order,)) for order in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(errors) == 1 and getattr(errors[0].orig, "sqlstate", None) == "40P01"
    assert lost_race(errors[0])
    assert not lost_race(RuntimeError("a programming error is not a race"))


# --- e. The same order sent from two tabs at once ----------------------------------------

@pytest.mark.parametrize("round_", range(3))
def test_samma_beställning_från_två_flikar_samtidigt_ger_en_beställning(app, region, monkeypatch, round_):
    """Manual 000: a system that is already ordered for the user and not finished cannot be ordered again.
    Two tabs (two logins, two drafts) that press Skicka at the same moment for the same user and system
    give one order; the other tab is told the system is already ordered. The first is held while it checks,
    so the second really arrives before the first has saved. (On SQLite each tab's draft takes the database's
    write lock before anything is checked, which serializes them anyway; on PostgreSQL only the end user's
    lock in ``create_orders`` does: there this test fails without it.)"""
    from beh_core.services import ordering

    end_user = person_without_permissions(region)
    attestant = person(region, "johek1")
    omrade, enhet = first_unit(region, "SU", "Område Medicin")
    tabs = browsers(app, "sarbe1", "sarbe1")
    for tab in tabs:
        start_wizard(tab, end_user, forvaltning_id(region, "SU"))
        choose_systems(tab, "local", {})
        choose_systems(tab, "regional", {"lr.esmaker": {}})
    slow_after(monkeypatch, ordering, "validate_order", 0.4)
    fields = {"omrade_id": omrade, "enhet_id": enhet, "attestant_id": attestant.id,
              "start_date": TODAY.isoformat(), "action": "submit"}
    responses = together(*[lambda tab=tab: tab.post("/lr/granska", fields) for tab in tabs])
    no_server_errors(responses)
    region.expire_all()
    orders = region.scalars(select(Order).where(Order.end_user_id == end_user.id)).all()
    assert len(orders) == 1
    assert region.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "order.created", AuditEvent.object_id == orders[0].number)) == 1
    places = sorted(r.headers["Location"] for r in responses)
    assert places == ["/lr/granska", f"/lr/klar/{orders[0].number}"]
    loser = tabs[[r.headers["Location"] for r in responses].index("/lr/granska")]
    page = text_of(loser.get("/lr/granska"))  # Post/Redirect/Get: the errors are shown on Granska
    assert f"esMaker är redan beställd för användaren och inte klar ({orders[0].number})." in page


def test_byt_attestant_från_två_flikar_samtidigt_ger_ett_byte_och_ett_besked_vid_fältet(app, region, monkeypatch):
    """Both tabs show johek1 and press OK at the same moment, one for perwi1, one for marho1: one change, and the
    other tab is told at the Attestant field who attests now (not a bare "ändrats av någon annan")."""
    order = make_order(region, orderer=person(region, "sarbe1"), end_user=person_without_permissions(region),
                       attestant=person(region, "johek1"), forvaltning_code="NH", omrade_name="Område Norr")
    johek1, perwi1, marho1 = (person(region, v) for v in ("johek1", "perwi1", "marho1"))
    url = f"/bestallningar/{order.number}/byt-attestant"
    tabs = browsers(app, "sarbe1", "sarbe1")
    for tab in tabs:
        tab.get(url)
    slow_after(monkeypatch, attest_ops, "set_step_status", 0.4)
    choice = {"action": "ok", "omrade_id": order.omrade_id, "enhet_id": order.enhet_id, "shown_attestant_id": johek1.id}
    responses = together(lambda: tabs[0].post(url, {**choice, "attestant_id": perwi1.id}),
                         lambda: tabs[1].post(url, {**choice, "attestant_id": marho1.id}))
    no_server_errors(responses)
    assert sorted(r.status_code for r in responses) == [200, 302]
    region.expire_all()
    now = region.get(Order, order.id).attestant_id
    assert now in (perwi1.id, marho1.id)
    loser = next(r for r in responses if r.status_code == 200)
    name = (perwi1 if now == perwi1.id else marho1).display
    assert f"Attestanten har redan bytts till {name}, i en annan flik eller av någon annan." in text_of(loser)
    assert region.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "order.attestant_changed")) == 1
