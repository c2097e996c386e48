"""The one authorization module: every view, API call and background action asks here.

Two levels:
- route rules: every endpoint is decorated with ``@requires(RULE)`` (or ``@public``);
  ``create_app`` refuses to start when an endpoint has neither, so no view can
  forget to ask.
- object rules: ``may_*`` functions that views *and* operations call with the
  acting user and the object (an order, a delegation, ...).

Every rule is written once, here; docs/authorization.md explains them.

Rights come only from the directory (chef of a unit), active delegations and
the configured fulfiller/admin lists; nobody gets order or attest rights
automatically.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask import Flask, abort, current_app, g
from flask_login import current_user
from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import Session

from .models import SCOPE_AREA, SCOPE_UNIT, Delegation, Enhet, Omrade, Order, OrderStatus, Person


class Forbidden(Exception):
    """The actor may not do this; views answer 403."""

    def __init__(self, message: str = "Du saknar behörighet för detta.") -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Actor:
    """The acting user's rights, computed once per request from the database."""

    person: Person
    today: date
    delegations: list[Delegation] = field(default_factory=list)
    chef_enhet_ids: frozenset[int] = frozenset()
    chef_scopes: frozenset[tuple[int, int]] = frozenset()  # (förvaltning id, område id) of units headed
    is_fulfiller: bool = False
    is_admin: bool = False

    @property
    def id(self) -> int:
        """The acting person's id."""
        return self.person.id

    def _lr(self, role: str) -> list[Delegation]:
        return [d for d in self.delegations if d.scope == SCOPE_AREA and getattr(d, role)]

    @property
    def lr_bestallare(self) -> list[Delegation]:
        """Active L/R delegations with the role beställare."""
        return self._lr("is_bestallare")

    @property
    def lr_attestant(self) -> list[Delegation]:
        """Active L/R delegations with the role attestant."""
        return self._lr("is_attestant")

    @property
    def u_bestallare(self) -> list[Delegation]:
        """Active U (uppdrag) delegations with the role beställare."""
        return [d for d in self.delegations if d.scope == SCOPE_UNIT and d.is_bestallare]

    @property
    def is_chef(self) -> bool:
        """Verksamhetschef of at least one unit in KiV: may delegate."""
        return bool(self.chef_enhet_ids)


def load_actor(session: Session, person: Person, today: date | None = None, config: dict | None = None) -> Actor:
    """Compute a person's rights: active delegations, units headed, configured roles."""
    today = today or date.today()
    config = config if config is not None else current_app.config
    delegations = list(session.scalars(
        select(Delegation).where(
            Delegation.person_id == person.id, Delegation.valid_from <= today, Delegation.valid_to >= today
        )
    ))
    headed = session.execute(
        select(Enhet.id, Omrade.forvaltning_id, Omrade.id).join(Omrade, Enhet.omrade_id == Omrade.id)
        .where(Enhet.chef_id == person.id)
    ).all()
    return Actor(
        person=person, today=today, delegations=delegations,
        chef_enhet_ids=frozenset(row[0] for row in headed), chef_scopes=frozenset((row[1], row[2]) for row in headed),
        is_fulfiller=person.vgr_id in config.get("FULFILLERS", ()),
        is_admin=person.vgr_id in config.get("ADMINS", ()),
    )


def current_actor() -> Actor:
    """The Actor of the logged-in user, cached for the request."""
    if "beh_actor" not in g:
        from .db import get_session

        g.beh_actor = load_actor(get_session(), current_user._get_current_object())
    return g.beh_actor


# --- Object rules --------------------------------------------------------------

def may_order(actor: Actor, catalogue: str = "lr") -> bool:
    """May the actor open the order wizard of the catalogue at all?"""
    if catalogue == "lr":
        return bool(actor.lr_bestallare)
    return bool(actor.u_bestallare)


def orderable_scopes(actor: Actor) -> set[tuple[int, int]]:
    """(förvaltning id, område id) pairs where the actor may order L/R permissions."""
    return {(d.forvaltning_id, d.omrade_id) for d in actor.lr_bestallare if d.omrade_id}


def may_order_in(actor: Actor, forvaltning_id: int, omrade_id: int | None = None) -> bool:
    """May the actor order L/R permissions in the förvaltning (and område, when given)?"""
    return any(f == forvaltning_id and (omrade_id is None or o == omrade_id) for f, o in orderable_scopes(actor))


def _covers(delegations: list[Delegation], order: Order) -> bool:
    return any(
        d.forvaltning_id == order.forvaltning_id and d.omrade_id == order.omrade_id
        and (d.enhet_id is None or d.enhet_id == order.enhet_id)
        for d in delegations
    )


def may_attest(actor: Actor, order: Order) -> bool:
    """The assigned attestant, with an active attestant delegation covering the order; never its end user or orderer."""
    return (
        order.status == OrderStatus.VANTAR_PA_ATTEST.value
        and order.attestant_id == actor.id
        and order.end_user_id != actor.id
        and order.orderer_id != actor.id
        and _covers(actor.lr_attestant, order)
    )


def may_be_attestant(delegation_holder: Person, order_end_user_id: int) -> bool:
    """An end user never attests their own order."""
    return delegation_holder.id != order_end_user_id


def may_view_order(actor: Actor, order: Order) -> bool:
    """Orderer, assigned attestant, Service Desk, admin, or a delegation covering the order (Alla)."""
    return (
        order.orderer_id == actor.id
        or order.attestant_id == actor.id
        or actor.is_fulfiller
        or actor.is_admin
        or _covers(actor.lr_bestallare + actor.lr_attestant, order)
    )


def may_change_attestant(actor: Actor, order: Order) -> bool:
    """The orderer may change attestant while the order waits for attest."""
    return order.orderer_id == actor.id and order.status == OrderStatus.VANTAR_PA_ATTEST.value


def all_orders_scopes(actor: Actor) -> list | None:
    """'Alla beställningar': one WHERE clause per delegation (område, or område + verksamhet).

    None means every order (administrators and Service Desk); an empty list means none.
    An område decides its förvaltning, so the clauses match the (omrade_id, created_at) index.
    """
    if actor.is_admin or actor.is_fulfiller:
        return None
    whole = {d.omrade_id for d in actor.lr_bestallare + actor.lr_attestant if d.omrade_id and d.enhet_id is None}
    narrow = {(d.omrade_id, d.enhet_id) for d in actor.lr_bestallare + actor.lr_attestant
              if d.omrade_id and d.enhet_id is not None and d.omrade_id not in whole}
    return ([Order.omrade_id == omrade for omrade in sorted(whole)]
            + [and_(Order.omrade_id == omrade, Order.enhet_id == enhet) for omrade, enhet in sorted(narrow)])


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


def require(allowed: bool, message: str = "Du saknar behörighet för detta.") -> None:
    """Raise Forbidden unless allowed; operations call this so views cannot skip it."""
    if not allowed:
        raise Forbidden(message)


# --- Route rules ---------------------------------------------------------------

ROUTE_RULES: dict[str, Callable[[Actor], bool]] = {
    "logged_in": lambda actor: True,
    "order_lr": lambda actor: may_order(actor, "lr"),
    "attest": lambda actor: bool(actor.lr_attestant) or actor.is_admin,
    "list_orders": lambda actor: True,  # the list itself is filtered per actor
    "delegate": lambda actor: may_delegate(actor),
    "fulfil": lambda actor: actor.is_fulfiller,
    "admin": lambda actor: actor.is_admin,
}

PUBLIC = "public"


def allows(actor: Actor, rule: str) -> bool:
    """Does the named route rule allow the actor? (Start page tiles ask this, not the actor's fields.)"""
    return ROUTE_RULES[rule](actor)


def requires(rule: str):
    """Decorate a view: log-in required and the named route rule must allow the actor."""
    if rule not in ROUTE_RULES:
        raise KeyError(f"Unknown authorization rule {rule!r}")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not ROUTE_RULES[rule](current_actor()):
                abort(403)
            return view(*args, **kwargs)

        wrapper.beh_rule = rule
        return wrapper

    return decorator


def public(view):
    """Decorate a view that anyone may reach (login page, health check)."""
    view.beh_rule = PUBLIC
    return view


def check_every_route_has_a_rule(app: Flask) -> None:
    """Refuse to start when a view lacks @requires or @public: no view may decide on its own."""
    missing = [
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "beh_rule", None)
    ]
    if missing:
        raise RuntimeError(f"Views without an authorization rule: {sorted(missing)}")


def route_rule(app: Flask, endpoint: str) -> str | None:
    """The rule name of an endpoint (for the authorization matrix test)."""
    return getattr(app.view_functions.get(endpoint), "beh_rule", None)


# --- Fulfilment and feedback (issue 3) -------------------------------------------

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


ROUTE_RULES.update({
    # The Återkoppling page and e-mailed links: any logged-in user reaches the view; the object rule
    # (orderer / addressee) decides, so a forwarded link or a guessed URL gives 403.
    "feedback": lambda actor: True,
    "mail_link": lambda actor: True,
})


# --- Views' shared object check -------------------------------------------------------

def order_or_abort(number: str, rule: Callable[[Actor, "Order"], bool] | None):
    """The order with the number for the current actor: 404 when it does not exist, 403 when ``rule`` denies it."""
    from .db import get_session
    from .services.order_queries import load_order

    order = load_order(get_session(), number)
    if order is None:
        abort(404)
    if rule is not None and not rule(current_actor(), order):
        abort(403)
    return order


# --- Att avsluta and the directory sync (issue 14; docs/directory-sync.md) ---------------

def may_see_leaver(actor: Actor, enhet: Enhet) -> bool:
    """The unit's verksamhetschef, or a beställare whose active delegation covers the unit (L/R its område, U it)."""
    return (
        enhet.id in actor.chef_enhet_ids
        or any(d.omrade_id == enhet.omrade_id and d.enhet_id in (None, enhet.id) for d in actor.lr_bestallare)
        or any(d.enhet_id == enhet.id for d in actor.u_bestallare)
    )


ROUTE_RULES.update({
    # The Att avsluta list: chefs and beställare (the list is filtered to their units, one leaver by may_see_leaver).
    "leavers": lambda actor: actor.is_chef or bool(actor.lr_bestallare) or bool(actor.u_bestallare),
})
