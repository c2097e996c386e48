"""The authorization matrix, generated from the app's route table.

Every route x every demo role (logged out and the eight demo identities) x an
object inside and outside the actor's scope -> the expected outcome declared
in EXPECTED below. A route with no entry, or an entry for a route that is gone,
fails the test; so does an entry whose rule name differs from the route's
``@requires`` rule.

Outcomes: L = sent to Logga in (a script's JSON endpoint: 401), A = allowed (the view ran), D = denied (403),
N = not found (404: the object has no such thing, e.g. no signature yet).
Columns: logged out, sarbe1 (beställare NH Norr + SU Medicin), johek1
(attestant there), marho1 (verksamhetschef of two NH units; L/R both roles in
NH Norr), eriny1 (expired attestant delegation), andlu1 (no engagement),
lensa1 (Service Desk), kardah (admin).
The "inside" object lies in NH Område Norr: an order sarbe1 placed with
johek1 as attestant, a delegation marho1 may manage, her unit NH-O1-E1. The
"outside" object lies in RH / SU, where only Service Desk and admin see orders.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

import pytest
from flask import url_for
from sqlalchemy import delete, select

from beh_core.authz import PUBLIC
from beh_core.views.access import route_rule
from beh_core.models import SCOPE_AREA, SCOPE_UNIT, Delegation, Engagement, Enhet, Order, OrderLine, OrderStatus, Person
from helpers import Browser, attest_step, person

TODAY = date.today()
ROLES = ("anon", "sarbe1", "johek1", "marho1", "eriny1", "andlu1", "lensa1", "kardah")


@dataclass
class Probe:
    """One request: method, URL arguments from the objects, form data, and the expected outcomes.

    ``inside`` / ``outside`` are 8 letters in ROLES order; ``outside`` defaults to ``inside``.
    """

    method: str
    inside: str
    outside: str | None = None
    args: Callable[["Objects", Person | None], dict] = lambda o, me: {}
    data: Callable[["Objects", Person | None], dict] = lambda o, me: {}


@dataclass
class Objects:
    """The objects of one side (inside or outside) for one endpoint, made fresh per endpoint."""

    order: str
    delegation: int
    enhet: int
    scope_key: str
    someone: Person
    line: int = 0
    engagement: int = 0  # an engagement that ended yesterday at the side's unit (Att avsluta)
    token_for: Callable[[Person], str] = field(repr=False, default=lambda p: "")


ORDER = lambda o, me: {"number": o.order}  # noqa: E731
LR = lambda o, me: {"catalogue": "lr"}  # noqa: E731
EVERYONE = "A A A A A A A A"
LOGGED_IN = "L A A A A A A A"
CHEF = "L D D A D D D D"
ORDERER = "L A D A D D D D"
U_ORDERER = "L A D D D D D D"  # an active U delegation as beställare (Vårdmedarbetaruppdrag VMU)
FULFILLER = "L D D D D D A D"
ATTEST_RULE = "L D A A D D D D"  # an administrator has no attest right of their own

EXPECTED: dict[str, tuple[str, list[Probe]]] = {
    # --- start, login ----------------------------------------------------------------
    "start.index": ("logged_in", [Probe("GET", LOGGED_IN)]),
    "start.healthz": (PUBLIC, [Probe("GET", EVERYONE)]),
    "auth.login": (PUBLIC, [Probe("GET", EVERYONE)]),
    "auth.demo_login": (PUBLIC, [Probe("POST", EVERYONE, data=lambda o, me: {"vgr_id": ""})]),
    "auth.logout": ("logged_in", [Probe("POST", LOGGED_IN)]),
    "siths.challenge": (PUBLIC, [Probe("POST", EVERYONE)]),
    "siths.login": (PUBLIC, [Probe("POST", EVERYONE)]),
    "siths.login_client_certificate": (PUBLIC, [Probe("POST", EVERYONE)]),
    "siths.card_removed": (PUBLIC, [Probe("POST", EVERYONE)]),
    # --- the L/R order wizard: beställare with an active L/R delegation --------------
    "wizard.search": ("order", [Probe("GET", ORDERER, args=LR),
                                Probe("POST", ORDERER, args=LR, data=lambda o, me: {"field": "vgr_id", "q": "eriny1"})]),
    "wizard.choose_person": ("order", [Probe("POST", ORDERER, args=LR,
                                             data=lambda o, me: {"person_id": o.someone.id})]),
    "wizard.cancel": ("order", [Probe("POST", ORDERER, args=LR)]),
    "wizard.behorigheter": ("order", [Probe("GET", ORDERER, args=LR),
                                      Probe("POST", ORDERER, args=LR, data=lambda o, me: {"kind": "nyupplagg"})]),
    "wizard.page": ("order", [Probe("GET", ORDERER, args=lambda o, me: {"catalogue": "lr", "page": "local"}),
                              Probe("POST", ORDERER, args=lambda o, me: {"catalogue": "lr", "page": "regional"},
                                    data=lambda o, me: {"action": "next"})]),
    "wizard.review": ("order", [Probe("GET", ORDERER, args=LR),
                                Probe("POST", ORDERER, args=LR, data=lambda o, me: {"action": "refresh"})]),
    # the order number of the done page is another person's order for those who may not see it
    "wizard.done": ("order", [Probe("GET", ORDERER, "L D D D D D D D",
                                    args=lambda o, me: {"catalogue": "lr", "number": o.order})]),
    # --- orders: lists for everyone, one order for those it concerns -----------------
    "orders.mine": ("list_orders", [Probe("GET", LOGGED_IN),
                                    Probe("POST", LOGGED_IN, data=lambda o, me: {"status": "avslutad"})]),
    "orders.all_": ("list_orders", [Probe("GET", LOGGED_IN),
                                    Probe("POST", LOGGED_IN, data=lambda o, me: {"slutanvandare": "eriny1"})]),
    "orders.show": ("list_orders", [Probe("GET", "L A A A D D A A", "L D D D D D A A", args=ORDER)]),
    "orders.change_attestant": ("list_orders", [
        Probe("GET", "L A D D D D D D", "L D D D D D D D", args=ORDER),
        Probe("POST", "L A D D D D D D", "L D D D D D D D", args=ORDER, data=lambda o, me: {"action": "refresh"})]),
    # --- attest: the assigned attestant with an active attestant delegation ----------
    "attest.index": ("attest", [Probe("GET", ATTEST_RULE)]),
    # The order decides: anyone logged in reaches the view, only the waiting step's attestant passes
    # (an attestant whose last step is decided is led to the order's page instead).
    "attest.order": ("logged_in", [
        Probe("GET", "L D A D D D D D", "L D D D D D D D", args=ORDER),
        # Avslå without a comment: the attestant gets the form back, everyone else is refused.
        Probe("POST", "L D A D D D D D", "L D D D D D D D", args=ORDER,
              data=lambda o, me: {"action": "reject", "comment": ""})]),
    # Godkänn markerade: the attestant's own waiting orders only (nothing ticked: the form says so)
    "attest.many": ("attest", [Probe("GET", ATTEST_RULE), Probe("POST", ATTEST_RULE, data=lambda o, me: {})]),
    # an unknown signing window is "not found" for everyone who passes the route rule
    "siths.sign_many": ("attest", [
        Probe("GET", "L D N N D D D D", args=lambda o, me: {"nonce": "x"}),
        Probe("POST", "L D N N D D D D", args=lambda o, me: {"nonce": "x"})]),
    "siths.sign": ("attest", [
        Probe("GET", "L D N N D D D D", args=lambda o, me: {"number": o.order, "nonce": "x"}),
        Probe("POST", "L D N N D D D D", args=lambda o, me: {"number": o.order, "nonce": "x"})]),
    # The signature decides: only its signer sees it (an ekonomisk attestant's last one too), others get 404.
    "siths.signed": ("logged_in", [Probe("GET", "L N N N N N N N", "L N N N N N N N", args=ORDER)]),
    "siths.receipt": ("logged_in", [Probe("GET", "L N N N D D N N", "L D D D D D N N", args=ORDER)]),
    # --- Återkoppling and e-mailed links: the orderer / the addressee only -----------
    "feedback.show": ("feedback", [Probe("GET", "L A D D D D D D", "L D D D D D D D", args=ORDER)]),
    "feedback.delete_credentials": ("feedback", [Probe("POST", "L A D D D D D D", "L D D D D D D D", args=ORDER,
                                                       data=lambda o, me: {"bekraftad": "1"})]),
    "feedback.confirm_delete_credentials": ("feedback", [Probe("GET", "L A D D D D D D", "L D D D D D D D", args=ORDER)]),
    "feedback.answer": ("feedback", [Probe("POST", "L A D D D D D D", "L D D D D D D D", args=ORDER,
                                           data=lambda o, me: {"answer": ""})]),
    "feedback.withdraw": ("feedback", [Probe("POST", "L A D D D D D D", "L D D D D D D D", args=ORDER,
                                             data=lambda o, me: {"bekraftad": "1"})]),
    "feedback.confirm_withdraw": ("feedback", [Probe("GET", "L A D D D D D D", "L D D D D D D D", args=ORDER)]),
    "feedback.follow_link": ("mail_link", [
        Probe("GET", LOGGED_IN, "L D D D D D D D", args=lambda o, me: {"token": o.token_for(me)})]),
    # --- Service Desk behörigheter ---------------------------------------------------
    "servicedesk.queue": ("fulfil", [Probe("GET", FULFILLER)]),
    "servicedesk.order": ("fulfil", [Probe("GET", FULFILLER, args=ORDER)]),
    "servicedesk.line_done": ("fulfil", [Probe("POST", FULFILLER, args=lambda o, me: {"number": o.order,
                                                                                        "line_id": o.line})]),
    "servicedesk.komplettering": ("fulfil", [Probe("POST", FULFILLER, args=ORDER)]),
    # --- Delegeringar: verksamhetschefer, only within the units they head ------------
    "delegation.new": ("delegate", [
        Probe("GET", CHEF),
        Probe("POST", CHEF, data=lambda o, me: {"action": "sok", "vgr_id": "sar", "organisation": "alla"})]),
    "delegation.scope": ("delegate", [
        Probe("GET", CHEF),
        Probe("POST", CHEF, "L D D D D D D D", data=lambda o, me: {
            "valda": o.someone.id, "action": "spara", "scope": SCOPE_UNIT, "enhet_id": o.enhet, "bestallare": "1",
            "valid_from": TODAY.isoformat(), "valid_to": (TODAY + timedelta(days=30)).isoformat()}),
        Probe("POST", CHEF, "L D D D D D D D", data=lambda o, me: {
            "valda": o.someone.id, "action": "spara", "scope": SCOPE_AREA, "scope_key": o.scope_key, "attestant": "1",
            "valid_from": (TODAY + timedelta(days=40)).isoformat(),
            "valid_to": (TODAY + timedelta(days=60)).isoformat()})]),
    "delegation.manage": ("delegate", [
        Probe("GET", CHEF, "L D D D D D D D", args=lambda o, me: {"typ": SCOPE_AREA, "omrade": o.scope_key}),
        Probe("POST", CHEF, "L D D D D D D D", data=lambda o, me: {
            "typ": SCOPE_AREA, "omrade": o.scope_key, "valda": o.delegation, "action": "forlang", "manader": 3}),
        Probe("POST", CHEF, "L D D D D D D D", data=lambda o, me: {
            "typ": SCOPE_AREA, "omrade": o.scope_key, "valda": o.delegation, "action": "ta_bort", "bekraftad": "1"})]),
    "delegation.confirm_end": ("delegate", [Probe("GET", CHEF, "L D D D D D D D", args=lambda o, me: {
        "typ": SCOPE_AREA, "omrade": o.scope_key, "valda": o.delegation})]),
    "delegation.search": ("delegate", [Probe("GET", CHEF, args=lambda o, me: {"vgr_id": o.someone.vgr_id})]),
    # --- Administratör: Avsluta alla sessioner (issue 8) --------------------------------
    "admin.end_sessions": ("admin", [Probe("GET", "L D D D D D D A"),
                                     Probe("POST", "L D D D D D D A", data=lambda o, me: {"vgr_id": ""})]),
    # --- Att avsluta: chefs and beställare, one leaver only within the units they answer for (issue 14) ---
    "leavers.index": ("leavers", [Probe("GET", ORDERER)]),
    "leavers.show": ("leavers", [Probe("GET", ORDERER, "L D D D D D D D",
                                       args=lambda o, me: {"engagement_id": o.engagement})]),
    # Beställ avslut: the leaver's beställare/chef who may order in the catalogue get past the rules; the
    # probe's engagement holds nothing of it to end, so they get "not found".
    "leavers.start_avslut": ("leavers", [Probe("POST", "L N D N D D D D", "L D D D D D D D",
                                               args=lambda o, me: {"engagement_id": o.engagement},
                                               data=lambda o, me: {"katalog": "lr"})]),
    # --- TJÄNSTER, MIN DATA and suggestions while typing (issue 11) -----------------------------
    "my_data.services": ("logged_in", [Probe("GET", LOGGED_IN)]),
    "my_data.identities": ("logged_in", [Probe("GET", LOGGED_IN),
                                         Probe("POST", LOGGED_IN, data=lambda o, me: {"sok": "er"})]),
    "suggest.persons": ("order", [Probe("POST", ORDERER, args=LR, data=lambda o, me: {"q": "er"})]),
    "suggest.kostnadsstallen": ("logged_in", [Probe("POST", LOGGED_IN, data=lambda o, me: {"q": "60"})]),
    # --- Hantera användartjänst (plugin usertjanst, manual 004): beställare with an L/R delegation -------
    "usertjanst.start": ("order", [Probe("GET", ORDERER)]),
    "usertjanst.start_post": ("order", [Probe("POST", ORDERER, data=lambda o, me: {"action": "sok", "q": "er"})]),
    "usertjanst.costs": ("order", [Probe("GET", ORDERER)]),
    "usertjanst.costs_post": ("order", [Probe("POST", ORDERER, data=lambda o, me: {"action": "fortsatt"})]),
    "usertjanst.details": ("order", [Probe("GET", ORDERER)]),
    "usertjanst.details_post": ("order", [Probe("POST", ORDERER, data=lambda o, me: {"action": "fortsatt"})]),
    "usertjanst.choose": ("order", [Probe("GET", ORDERER)]),
    "usertjanst.choose_post": ("order", [Probe("POST", ORDERER, data=lambda o, me: {"action": "skicka"})]),
    # the done page of an order that is not one's own sends to the order page, which checks who may see it
    "usertjanst.done": ("order", [Probe("GET", ORDERER, args=ORDER)]),
    # --- Vårdmedarbetaruppdrag VMU Flera användare (plugin vmu, manual 003): beställare with a U delegation
    # (the demo gives sarbe1 U delegations in NH Område Väster; marho1 heads units but has delegated no U to himself)
    "vmu.mass_order": ("order", [Probe("GET", U_ORDERER)]),
    "vmu.check": ("order", [Probe("POST", U_ORDERER, data=lambda o, me: {"identiteter": ""})]),
    "vmu.review": ("order", [Probe("GET", U_ORDERER)]),
    "vmu.send": ("order", [Probe("POST", U_ORDERER, data=lambda o, me: {"action": "andra"})]),
    "vmu.done": ("order", [Probe("GET", U_ORDERER)]),
    "vmu.template_csv": ("order", [Probe("GET", U_ORDERER)]),
    "vmu.discard": ("order", [Probe("POST", U_ORDERER)]),
    # --- Administration: the directory sync runs ------------------------------------------------
    "admin.sync_runs": ("admin", [Probe("GET", "L D D D D D D A")]),
    "admin.sync_run": ("admin", [Probe("GET", "L D D D D D D N", args=lambda o, me: {"run_id": 0})]),
}

# The order of these endpoints is in the state they act on; every other endpoint gets one waiting for attest.
ORDER_STATUS = {
    "feedback.answer": OrderStatus.KOMPLETTERING.value,
    "servicedesk.line_done": OrderStatus.ATTESTERAD.value,
    "servicedesk.komplettering": OrderStatus.ATTESTERAD.value,
}


# --- The machinery -------------------------------------------------------------------

def _unit(db, code: str) -> Enhet:
    return db.scalar(select(Enhet).where(Enhet.code == code))


def _order(db, unit: Enhet, orderer: Person, attestant: Person, end_user: Person, status: str) -> Order:
    order = Order(catalogue="lr", kind="nyupplagg", status=status, orderer_id=orderer.id,
                  end_user_id=end_user.id, attestant_id=attestant.id, forvaltning_id=unit.omrade.forvaltning_id,
                  omrade_id=unit.omrade_id, enhet_id=unit.id, start_date=TODAY)
    order.lines.append(OrderLine(position=0, item_key="lr.esmaker", item_name="esMaker", scope="regional", values={}))
    order.attest_steps.append(attest_step(attestant.id, status))
    db.add(order)
    db.flush()
    order.number = f"c{900000 + order.id}"
    return order


def _ended_engagement(db, unit: Enhet, who: Person) -> int:
    made = Engagement(person_id=who.id, enhet_id=unit.id, kind="anstalld", start_date=TODAY - timedelta(days=300),
                      end_date=TODAY - timedelta(days=1))
    db.add(made)
    db.flush()
    return made.id


def _delegation(db, unit: Enhet, who: Person, granted_by: Person) -> int:
    # Fresh objects per endpoint: the previous probe's delegations go (the database refuses overlaps).
    db.execute(delete(Delegation).where(Delegation.person_id == who.id))
    made = Delegation(person_id=who.id, scope=SCOPE_AREA, forvaltning_id=unit.omrade.forvaltning_id,
                      omrade_id=unit.omrade_id, is_bestallare=True, is_attestant=False, valid_from=TODAY,
                      valid_to=TODAY + timedelta(days=30), delegated_by_id=granted_by.id)
    db.add(made)
    db.flush()
    return made.id


@pytest.fixture
def world(region, app):
    """Makes a fresh (inside, outside) pair of objects, so no probe sees another probe's changes."""
    from beh_core.services import links

    db = region
    pool = list(db.scalars(select(Person).where(Person.id > 8, Person.id.not_in(select(Delegation.person_id)))
                           .order_by(Person.id).limit(4)))
    marho1, sarbe1, johek1 = person(db, "marho1"), person(db, "sarbe1"), person(db, "johek1")
    inside_unit, outside_unit = _unit(db, "NH-O1-E1"), _unit(db, "RH-O1-E1")
    su_unit = _unit(db, "SU-O1-E1")

    def token_for(addressee: Person) -> str:
        return links.make_token(app.config, addressee.id, "/")

    def make(status: str) -> tuple[Objects, Objects]:
        mine, theirs = (_order(db, inside_unit, sarbe1, johek1, pool[0], status),
                        _order(db, outside_unit, pool[2], pool[3], pool[0], status))
        inside = Objects(order=mine.number, line=mine.lines[0].id, engagement=_ended_engagement(db, inside_unit, pool[0]),
                         delegation=_delegation(db, inside_unit, pool[1], marho1), enhet=inside_unit.id,
                         scope_key=f"{inside_unit.omrade.forvaltning_id}:{inside_unit.omrade_id}", someone=pool[1],
                         token_for=lambda me: token_for(me or sarbe1))
        outside = Objects(order=theirs.number, line=theirs.lines[0].id,
                          engagement=_ended_engagement(db, outside_unit, pool[0]),
                          delegation=_delegation(db, su_unit, pool[2], marho1), enhet=su_unit.id,
                          scope_key=f"{su_unit.omrade.forvaltning_id}:{su_unit.omrade_id}", someone=pool[2],
                          token_for=lambda me: token_for(pool[3]))
        db.commit()
        return inside, outside

    return make


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303) and "/login?next=" in response.headers.get("Location", ""):
        return "L"
    if response.status_code == 401 and response.is_json:
        return "L"
    return {403: "D", 404: "N"}.get(response.status_code, "A")


def _browsers(app) -> dict[str, Browser]:
    browsers = {"anon": Browser(app.test_client())}
    for role in ROLES[1:]:
        browsers[role] = Browser(app.test_client())
        browsers[role].login(role)
    return browsers


def test_every_route_has_an_expected_outcome_and_the_same_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert sorted(endpoints - EXPECTED.keys()) == [], "routes without a row in EXPECTED (add one)"
    assert sorted(EXPECTED.keys() - endpoints) == [], "rows in EXPECTED for routes that no longer exist"
    wrong = {e: (route_rule(app, e), rule) for e, (rule, _) in EXPECTED.items() if route_rule(app, e) != rule}
    assert wrong == {}, "endpoint: (rule on the route, rule in EXPECTED)"
    methods = {rule.endpoint: rule.methods - {"HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()}
    unprobed = {e: sorted(methods[e] - {p.method for p in EXPECTED[e][1]}) for e in EXPECTED if e in methods}
    assert {e: m for e, m in unprobed.items() if m} == {}, "methods a route answers but no probe tries"
    for endpoint, (_, probes) in EXPECTED.items():
        for probe in probes:
            for wanted in (probe.inside, probe.outside or probe.inside):
                assert len(wanted.split()) == len(ROLES), endpoint


def test_authorization_matrix_every_route_every_role_inside_and_outside(app, region, world):
    browsers = _browsers(app)
    me = {role: (person(region, role) if role != "anon" else None) for role in ROLES}
    methods = {rule.endpoint: rule.methods for rule in app.url_map.iter_rules()}
    mismatches = []
    for endpoint in sorted(EXPECTED):
        _, probes = EXPECTED[endpoint]
        inside, outside = world(ORDER_STATUS.get(endpoint, OrderStatus.VANTAR_PA_ATTEST.value))
        for number, probe in enumerate(probes):
            assert probe.method in methods[endpoint], f"{endpoint} does not answer {probe.method}"
            sides = (("inside", inside, probe.inside), ("outside", outside, probe.outside or probe.inside))
            for side, objects, wanted in sides:
                for role, expected in zip(ROLES, wanted.split()):
                    with app.test_request_context():
                        url = url_for(endpoint, **probe.args(objects, me[role]))
                    browser = browsers[role]
                    if probe.method == "GET":
                        response = browser.get(url)
                    else:
                        response = browser.post(url, probe.data(objects, me[role]))
                    got = _outcome(response)
                    if got != expected:
                        mismatches.append(f"{endpoint} #{number} {probe.method} {side:7} {role:7} "
                                          f"expected {expected} got {got} ({response.status_code})")
                    if endpoint == "auth.logout" and role != "anon":
                        browser.login(role)
    assert mismatches == [], "\n".join(mismatches)
