"""The one authorization module: every view, API call, operation and background action asks here.

Two levels:
- route rules (``ROUTE_RULES``): every endpoint is decorated with ``@requires(RULE)`` (or
  ``@public``, in ``beh_core.views.access``); ``create_app`` refuses to start when an endpoint
  has neither, so no view can forget to ask.
- object rules: ``may_*`` functions that views *and* operations call with the acting user and
  the object (an order, a delegation, ...).

Every rule is written once, here; docs/authorization.md explains them. This module has no web
imports: the operations below the views use it too.

Rights come only from the directory (chef of a unit), active delegations, the person who answers
for something a catalogue's plugin names (an attest rule), and the configured fulfiller/admin
lists; nobody gets order or attest rights automatically.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from sqlalchemy import Date, Integer, and_, bindparam, exists, false, literal, or_, select, true
from sqlalchemy.orm import Session

from .catalogue import Catalogue, CatalogueRegistry
from .messages import N_
from .models import SCOPE_AREA, SCOPE_UNIT, Delegation, Enhet, Forvaltning, Omrade, Order, OrderStatus, Person

if TYPE_CHECKING:
    from .models import Engagement, OrderAttestStep


class Forbidden(Exception):
    """The actor may not do this; views answer 403."""

    def __init__(self, message: str = N_("Du saknar behörighet för detta.")) -> None:
        super().__init__(message)
        self.message = message


class Portal(Protocol):
    """What the rules need from the running portal: the catalogues and plugin attest rules."""

    registry: CatalogueRegistry

    def plugin_attestants(self, session: Session, order: Order, step: "OrderAttestStep") -> set[int]:
        """Person ids a plugin's attest rule allows for the step of the order."""


@dataclass
class Actor:
    """The acting user's rights, computed once per request from the database.

    ``portal`` and ``session`` let the rules ask the catalogues and plugin attest rules;
    ``remote_addr`` goes into audit events.
    """

    person: Person
    today: date
    delegations: list[Delegation] = field(default_factory=list)
    chef_enhet_ids: frozenset[int] = frozenset()
    chef_scopes: frozenset[tuple[int, int]] = frozenset()  # (förvaltning id, område id) of units headed
    # (förvaltning id, område id) -> (förvaltning name, område name) of chef_scopes, read with the rights
    # (Hantera delegeringar's choices need no statement of their own); may be empty for a hand-made Actor
    chef_scope_names: Mapping[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    is_fulfiller: bool = False
    is_admin: bool = False
    portal: Portal | None = None
    session: Session | None = None
    remote_addr: str | None = None
    _waiting_attest: bool | None = None

    @property
    def id(self) -> int:
        """The acting person's id."""
        return self.person.id

    def _with(self, scope: str, role: str) -> list[Delegation]:
        return [d for d in self.delegations if d.scope == scope and getattr(d, role)]

    @property
    def area_bestallare(self) -> list[Delegation]:
        """Active L/R (förvaltning + område) delegations with the role beställare."""
        return self._with(SCOPE_AREA, "is_bestallare")

    @property
    def area_attestant(self) -> list[Delegation]:
        """Active L/R delegations with the role attestant."""
        return self._with(SCOPE_AREA, "is_attestant")

    @property
    def unit_bestallare(self) -> list[Delegation]:
        """Active U (vårdenhet) delegations with the role beställare."""
        return self._with(SCOPE_UNIT, "is_bestallare")

    @property
    def unit_attestant(self) -> list[Delegation]:
        """Active U delegations with the role attestant."""
        return self._with(SCOPE_UNIT, "is_attestant")

    @property
    def is_chef(self) -> bool:
        """Verksamhetschef of at least one unit in KiV: may delegate."""
        return bool(self.chef_enhet_ids)

    @property
    def has_waiting_attest(self) -> bool:
        """An order waits at a step a catalogue's plugin gave this person (e.g. answering for a kostnadsställe)."""
        if self._waiting_attest is None:
            from .models import OrderAttestStep

            self._waiting_attest = bool(self.session is not None and self.session.scalar(select(exists().where(
                Order.attestant_id == self.id, Order.status == OrderStatus.VANTAR_PA_ATTEST.value,
                OrderAttestStep.order_id == Order.id, OrderAttestStep.attestant_id == self.id,
                OrderAttestStep.status == "vantar", OrderAttestStep.rule == "plugin"))))
        return self._waiting_attest


@functools.cache
def actor_statement(leading: tuple = ()):
    """The one statement that loads a person's rights (every request runs it), built once per process.

    Parameters ``person_id`` and ``today``. One row per (active delegation, unit headed) pair of the
    person, one row of NULLs when there are none, each with ``waiting``: does a plugin's attest step
    wait for the person (the left menu asks on every page, so no page pays a statement of its own for
    it)? ``leading`` columns come first (the login session check selects the Person and adds its own
    conditions). The statement is built once and run with new values: building it anew costs more
    Python than running it.
    """
    from .models import OrderAttestStep

    person_id, today = bindparam("person_id", type_=Integer), bindparam("today", type_=Date)
    # A plugin's waiting steps are few: the partial index ix_order_attest_steps_waiting_plugin holds only
    # them, and with the constants written into the SQL PostgreSQL can plan this once for every person
    # (a generic plan; a custom plan per request costs more than running the statement).
    waiting = exists().where(
        OrderAttestStep.attestant_id == person_id,
        OrderAttestStep.status == literal("vantar", literal_execute=True),
        OrderAttestStep.rule == literal("plugin", literal_execute=True),
        Order.id == OrderAttestStep.order_id, Order.attestant_id == person_id,
        Order.status == literal(OrderStatus.VANTAR_PA_ATTEST.value, literal_execute=True)).label("waiting")
    return (select(*leading, Delegation, Enhet.id, Omrade.forvaltning_id, Omrade.id, Forvaltning.name, Omrade.name,
                   waiting)
            .select_from(Person).where(Person.id == person_id)
            .outerjoin(Delegation, and_(Delegation.person_id == Person.id, Delegation.valid_from <= today,
                                        Delegation.valid_to >= today))
            .outerjoin(Enhet, Enhet.chef_id == Person.id).outerjoin(Omrade, Enhet.omrade_id == Omrade.id)
            .outerjoin(Forvaltning, Forvaltning.id == Omrade.forvaltning_id))


def actor_from_rows(person: Person, rows: list, today: date, config: Mapping[str, Any] | None = None, *,
                    portal: Portal | None = None, session: Session | None = None,
                    remote_addr: str | None = None, skip: int = 0) -> Actor:
    """The Actor from the rows of :func:`actor_statement` (``skip``: how many leading columns it had)."""
    config = config or {}
    rows = [tuple(row)[skip:] for row in rows]
    delegations = list({d.id: d for d, *_ in rows if d is not None}.values())
    headed = {tuple(unit) for _, *unit, _waiting in rows if unit[0] is not None}
    actor = Actor(
        person=person, today=today, delegations=delegations,
        chef_enhet_ids=frozenset(row[0] for row in headed), chef_scopes=frozenset((row[1], row[2]) for row in headed),
        chef_scope_names={(row[1], row[2]): (row[3], row[4]) for row in headed},
        is_fulfiller=person.vgr_id in config.get("FULFILLERS", ()),
        is_admin=person.vgr_id in config.get("ADMINS", ()),
        portal=portal, session=session, remote_addr=remote_addr,
    )
    actor._waiting_attest = bool(rows[0][-1]) if rows else False
    return actor


def load_actor(session: Session, person: Person, today: date | None = None, config: Mapping[str, Any] | None = None,
               *, portal: Portal | None = None, remote_addr: str | None = None) -> Actor:
    """Compute a person's rights: active delegations, units headed, configured roles (one statement)."""
    today = today or date.today()
    rows = session.execute(actor_statement(), {"person_id": person.id, "today": today}).all()
    return actor_from_rows(person, rows, today, config, portal=portal, session=session, remote_addr=remote_addr)


# --- Ordering ------------------------------------------------------------------

def _catalogue(actor: Actor, catalogue: "Catalogue | str | None") -> Catalogue | None:
    if isinstance(catalogue, Catalogue) or catalogue is None:
        return catalogue
    return actor.portal.registry.catalogue(catalogue) if actor.portal else None


def bestallare_delegations(actor: Actor, catalogue: "Catalogue | str") -> list[Delegation]:
    """The actor's active beställare delegations of the kind the catalogue orders through."""
    spec = _catalogue(actor, catalogue)
    if spec is None:
        return []
    return actor.unit_bestallare if spec.delegation == SCOPE_UNIT else actor.area_bestallare


def may_order(actor: Actor, catalogue: "Catalogue | str") -> bool:
    """May the actor order in the catalogue at all? An active beställare delegation of its kind."""
    return bool(bestallare_delegations(actor, catalogue))


def orderable_scopes(actor: Actor) -> set[tuple[int, int]]:
    """(förvaltning id, område id) pairs where the actor may order through L/R delegations."""
    return {(d.forvaltning_id, d.omrade_id) for d in actor.area_bestallare if d.omrade_id}


def may_order_in(actor: Actor, forvaltning_id: int, omrade_id: int | None = None) -> bool:
    """May the actor order through L/R delegations in the förvaltning (and område, when given)?"""
    return any(f == forvaltning_id and (omrade_id is None or o == omrade_id) for f, o in orderable_scopes(actor))


def orderable_units(actor: Actor) -> set[int]:
    """Vårdenheter where the actor may order through U delegations."""
    return {d.enhet_id for d in actor.unit_bestallare if d.enhet_id}


def may_order_at(actor: Actor, catalogue: "Catalogue | str", forvaltning_id: int, omrade_id: int | None,
                 enhet_id: int | None) -> bool:
    """May the actor place an order of the catalogue at this place (its delegation kind covers it)?"""
    spec = _catalogue(actor, catalogue)
    if spec is None:
        return False
    if spec.delegation == SCOPE_UNIT:
        return enhet_id is not None and enhet_id in orderable_units(actor)
    return any(d.forvaltning_id == forvaltning_id and d.omrade_id == omrade_id
               and (d.enhet_id is None or d.enhet_id == enhet_id) for d in actor.area_bestallare)


def may_order_for(actor: Actor, catalogue: "Catalogue | str", person: Person) -> bool:
    """May the actor order for this person in the catalogue (suggestions, catalogues with their own pages)?

    Yes when one of the person's engagements that has not ended (active today or starting later) lies
    at a unit the actor's beställare delegations of the catalogue's kind cover (``may_order_at``).
    ``services.person_suggest`` asks the same in SQL.
    """
    if person.active is False:
        return False
    for engagement in person.engagements:
        if engagement.end_date is not None and engagement.end_date < actor.today:
            continue
        unit = engagement.enhet
        if may_order_at(actor, catalogue, unit.omrade.forvaltning_id, unit.omrade_id, unit.id):
            return True
    return False


# --- Attest ----------------------------------------------------------------------

def _covers(delegations: list[Delegation], order: Order) -> bool:
    """Does one of the delegations cover the order's place (område [+ verksamhet], or vårdenhet)?"""
    for d in delegations:
        if d.scope == SCOPE_UNIT:
            if d.enhet_id is not None and d.enhet_id == order.enhet_id:
                return True
        elif (d.forvaltning_id == order.forvaltning_id and d.omrade_id == order.omrade_id
              and (d.enhet_id is None or d.enhet_id == order.enhet_id)):
            return True
    return False


def _step_of(order: Order):
    """The waiting attest step of the order (orders always have at least one)."""
    return order.current_step


def may_attest(actor: Actor, order: Order) -> bool:
    """The assigned attestant of the waiting step, with the right that step's rule asks for.

    ``area``: an active L/R attestant delegation covering the order's förvaltning + område
    (+ verksamhet); ``unit``: an active U attestant delegation for the order's vårdenhet;
    ``plugin``: the catalogue's plugin names the actor (e.g. who answers for the kostnadsställe).
    Never the order's end user or its orderer (four eyes), and only while it waits.
    """
    if (order.status != OrderStatus.VANTAR_PA_ATTEST.value or order.attestant_id != actor.id
            or order.end_user_id == actor.id or order.orderer_id == actor.id):
        return False
    step = _step_of(order)
    if step is None or step.attestant_id != actor.id:
        return False
    if step.rule == "area":
        return _covers(actor.area_attestant, order)
    if step.rule == "unit":
        return _covers(actor.unit_attestant, order)
    if step.rule == "plugin" and actor.portal is not None and actor.session is not None:
        return actor.id in actor.portal.plugin_attestants(actor.session, order, step)
    return False


def may_attest_any(actor: Actor) -> bool:
    """Does the actor attest at all: an attestant delegation, or a plugin-named attest step waiting for them?"""
    return bool(actor.area_attestant or actor.unit_attestant) or actor.has_waiting_attest


def may_be_attestant(delegation_holder: Person, order_end_user_id: int) -> bool:
    """An end user never attests their own order."""
    return delegation_holder.id != order_end_user_id


# --- Orders ----------------------------------------------------------------------

def _delegations(actor: Actor) -> list[Delegation]:
    return [d for d in actor.delegations if d.is_bestallare or d.is_attestant]


def may_view_order(actor: Actor, order: Order) -> bool:
    """Orderer, an attestant of one of its steps, Service Desk, admin, or a delegation covering it (Alla)."""
    return (
        order.orderer_id == actor.id
        or order.attestant_id == actor.id
        or any(step.attestant_id == actor.id for step in order.attest_steps)
        or actor.is_fulfiller
        or actor.is_admin
        or _covers(_delegations(actor), order)
    )


def may_change_attestant(actor: Actor, order: Order) -> bool:
    """The orderer may change the attestant of the waiting step, when the orderer chose it, before attest."""
    step = _step_of(order)
    return (order.orderer_id == actor.id and order.status == OrderStatus.VANTAR_PA_ATTEST.value
            and step is not None and step.rule in ("area", "unit") and _chosen_by_orderer(actor, order, step))


def _chosen_by_orderer(actor: Actor, order: Order, step) -> bool:
    spec = _catalogue(actor, order.catalogue)
    declared = next((s for s in spec.attest_steps if s.key == step.key), None) if spec else None
    return declared is None or declared.chosen_by_orderer


def all_orders_scope_keys(actor: Actor) -> list[tuple] | None:
    """'Alla beställningar' as disjoint scopes: ("omrade", id) or ("enhet", (omrade id, enhet id)).

    None means every order (administrators and Service Desk); an empty list means none. A vårdenhet
    inside an område the actor sees whole is not repeated, so the scopes never overlap.
    """
    if actor.is_admin or actor.is_fulfiller:
        return None
    area = [d for d in _delegations(actor) if d.scope == SCOPE_AREA and d.omrade_id]
    whole = {d.omrade_id for d in area if d.enhet_id is None}
    narrow = {(d.omrade_id, d.enhet_id) for d in area if d.enhet_id is not None and d.omrade_id not in whole}
    units = {(d.omrade_id, d.enhet_id) for d in _delegations(actor) if d.scope == SCOPE_UNIT and d.enhet_id}
    units = {(o, e) for o, e in units if o not in whole} - narrow
    return ([("omrade", omrade) for omrade in sorted(whole)]
            + [("enhet", pair) for pair in sorted(narrow | units)])


def all_orders_scopes(actor: Actor) -> list | None:
    """'Alla beställningar': one WHERE clause per delegation (område, område + verksamhet, or vårdenhet).

    None means every order (administrators and Service Desk); an empty list means none. Each clause
    matches one index: (omrade_id, created_at, id) or (enhet_id, created_at, id).
    """
    keys = all_orders_scope_keys(actor)
    if keys is None:
        return None
    return [Order.omrade_id == value if kind == "omrade" else Order.enhet_id == value[1] for kind, value in keys]


def all_orders_filter(actor: Actor):
    """A WHERE clause for 'Alla beställningar': orders inside the actor's delegations."""
    scopes = all_orders_scopes(actor)
    if scopes is None:
        return true()
    return or_(*scopes) if scopes else false()


# --- Delegation (manual 002) ------------------------------------------------------
#
# A verksamhetschef (Enhet.chef_id in KiV) delegates only within the units they head:
# U for one unit they head, L/R for the förvaltning + område of a unit they head.
# They may delegate to themself. The same scope decides which delegations they may
# see, extend and end, and who is reminded before a delegation ends.

def may_delegate(actor: Actor) -> bool:
    """May the actor delegate at all? Every verksamhetschef in KiV, automatically (and nobody else)."""
    return actor.is_chef


def may_delegate_u(actor: Actor, enhet_id: int | None) -> bool:
    """May the actor delegate U (uppdrag) for this vårdenhet? Only for a unit they head."""
    return enhet_id is not None and enhet_id in actor.chef_enhet_ids


def may_delegate_lr(actor: Actor, forvaltning_id: int | None, omrade_id: int | None) -> bool:
    """May the actor delegate L/R for this förvaltning + område? Only where they head a unit."""
    return (forvaltning_id, omrade_id) in actor.chef_scopes


def may_manage_delegation(actor: Actor, delegation: Delegation) -> bool:
    """May the actor see, extend and end this delegation (whoever granted it)?"""
    if delegation.scope == SCOPE_UNIT:
        return may_delegate_u(actor, delegation.enhet_id)
    return may_delegate_lr(actor, delegation.forvaltning_id, delegation.omrade_id)


def delegations_filter(actor: Actor):
    """A WHERE clause on Delegation for the delegations the actor may see and manage."""
    clauses = []
    if actor.chef_enhet_ids:
        clauses.append(and_(Delegation.scope == SCOPE_UNIT, Delegation.enhet_id.in_(sorted(actor.chef_enhet_ids))))
    clauses += [
        and_(Delegation.scope == SCOPE_AREA, Delegation.forvaltning_id == f, Delegation.omrade_id == o)
        for f, o in sorted(actor.chef_scopes)
    ]
    return or_(*clauses) if clauses else false()


def delegations_filter_in(actor: Actor, scope: str, forvaltning_id: int, omrade_id: int) -> tuple[str, Any]:
    """``delegations_filter`` for the delegations of one scope, förvaltning and område: the same rule,
    written so the database can read the område's delegations in index order and check the rest on them
    (an OR over every scope the actor heads hides the order from the planner).

    Returns (its shape, the clause): ``"all"``, ``"none"``, or ``"units"``: the units the actor heads are then
    the named parameter ``chef_enhet_ids``, without a value of its own, which the caller passes
    (``sorted(actor.chef_enhet_ids)``): a statement built with it can be kept and run for another actor."""
    if scope == SCOPE_AREA:
        return ("all", true()) if (forvaltning_id, omrade_id) in actor.chef_scopes else ("none", false())
    if scope == SCOPE_UNIT and actor.chef_enhet_ids:
        # No value of this actor in the clause: the caller gives it (a kept statement asks for it every time).
        return "units", Delegation.enhet_id.in_(bindparam("chef_enhet_ids", expanding=True))
    return "none", false()


def require(allowed: bool, message: str = N_("Du saknar behörighet för detta.")) -> None:
    """Raise Forbidden unless allowed; operations call this so views cannot skip it."""
    if not allowed:
        raise Forbidden(message)


# --- Fulfilment and feedback -------------------------------------------------------

FULFILMENT_STATUSES = (OrderStatus.ATTESTERAD.value, OrderStatus.UNDER_UTFORANDE.value,
                       OrderStatus.KOMPLETTERING.value, OrderStatus.SCHEMALAGD.value)


def may_fulfil(actor: Actor, order: Order) -> bool:
    """Service Desk behörigheter carry out attested orders that are not finished."""
    return actor.is_fulfiller and order.status in FULFILMENT_STATUSES


def may_read_feedback(actor: Actor, order: Order) -> bool:
    """The Återkoppling page (with Inloggningsuppgifter) is the orderer's alone."""
    return order.orderer_id == actor.id


def may_read_credentials(actor: Actor, order: Order) -> bool:
    """Only the orderer sees (and deletes) the credentials; not the Service Desk, not an admin."""
    return order.orderer_id == actor.id


def may_answer_komplettering(actor: Actor, order: Order) -> bool:
    """The orderer answers a komplettering request while the order waits for it."""
    return order.orderer_id == actor.id and order.status == OrderStatus.KOMPLETTERING.value


def may_withdraw(actor: Actor, order: Order) -> bool:
    """Makulera: the orderer, before attest."""
    return order.orderer_id == actor.id and order.status == OrderStatus.VANTAR_PA_ATTEST.value


# --- Att avsluta (issue 14; docs/directory-sync.md) ------------------------------------

def is_leaver(engagement: "Engagement", today: date) -> bool:
    """Is the engagement one of Att avsluta's: has it ended (its end date has passed)?

    The same rule as the list's ``Engagement.end_date < today`` (services/leavers.py): an engagement still
    running, or ending today or later, is nobody's leaver, so its page does not exist (404, as an unknown id).
    """
    return engagement.end_date is not None and engagement.end_date < today


def may_see_leaver(actor: Actor, engagement: "Engagement", today: date | None = None) -> bool:
    """Att avsluta for one engagement: only an ended one (``is_leaver``), and only for its unit's
    verksamhetschef or a beställare whose active delegation covers the unit (L/R its område, U it)."""
    # The ended check is part of the rule, not only of the page: without it a beställare read what any
    # working colleague at the unit holds (an outside probe opened 195 active engagements).
    if not is_leaver(engagement, today or actor.today):
        return False
    enhet = engagement.enhet
    return (
        enhet.id in actor.chef_enhet_ids
        or any(d.omrade_id == enhet.omrade_id and d.enhet_id in (None, enhet.id) for d in actor.area_bestallare)
        or any(d.enhet_id == enhet.id for d in actor.unit_bestallare)
    )


# --- Route rules ---------------------------------------------------------------------
# A rule gets the actor and the view's URL arguments (e.g. the catalogue of the wizard).

RouteRule = Callable[[Actor, Mapping[str, Any]], bool]

ROUTE_RULES: dict[str, RouteRule] = {
    "logged_in": lambda actor, args: True,
    "order": lambda actor, args: may_order(actor, args.get("catalogue", "")),
    "attest": lambda actor, args: may_attest_any(actor),
    "list_orders": lambda actor, args: True,  # the list itself is filtered per actor
    "delegate": lambda actor, args: may_delegate(actor),
    "fulfil": lambda actor, args: actor.is_fulfiller,
    "admin": lambda actor, args: actor.is_admin,
    # Att avsluta: chefs and beställare; the list is filtered to their units, one leaver by may_see_leaver.
    "leavers": lambda actor, args: actor.is_chef or bool(actor.area_bestallare or actor.unit_bestallare),
    # The Återkoppling page and e-mailed links: any logged-in user reaches the view; the object rule
    # (orderer / addressee) decides, so a forwarded link or a guessed URL gives 403.
    "feedback": lambda actor, args: True,
    "mail_link": lambda actor, args: True,
}

PUBLIC = "public"


def allows(actor: Actor, rule: str, args: Mapping[str, Any] | None = None) -> bool:
    """Does the named route rule allow the actor? (Start page tiles ask this, not the actor's fields.)"""
    return ROUTE_RULES[rule](actor, args or {})

