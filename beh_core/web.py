"""Building blocks for a plugin's own pages, bound to the current request (exported by ``beh_core.api``).

A plugin's blueprint decorates its views with ``requires``/``public``, reads the
request's database session and actor here, and calls the same operations the
core's views call; it gets snapshots (``PersonInfo``, ``OrderInfo``), never ORM
objects. Drafts are the core's server-side drafts, one per catalogue.
"""
from __future__ import annotations

import copy
from typing import Any

from flask import session as web_session

from . import authz
from .authz import Forbidden
from .db import get_session
from .services import drafts as draft_ops
from .services import ordering
from .services.directory import find_person as _find_person
from .services.directory_api import Directory, PersonInfo
from .services import person_suggest
from .services.errors import Conflict, NotFound, ValidationFailed
from .services.order_info import OrderInfo
from .services.ordering import LineInput, OrderRequest
from .views.access import current_actor, public, requires, runtime
from .views.forms import (DateField, IdField, IdListField, InputForm, TextAreaField, TextListField,
                          TrimmedStringField, field_errors, from_query, runtime_form, valid_data)

__all__ = ["Conflict", "DateField", "Forbidden", "IdField", "IdListField", "InputForm", "TextAreaField", "TextListField", "TrimmedStringField",
           "field_errors", "from_query", "runtime_form", "valid_data", "LineInput", "NotFound", "OrderRequest",
           "ValidationFailed", "create_orders", "current_actor", "db_session", "directory", "draft_data",
           "draft_discard", "draft_save", "draft_start", "find_person", "may_order", "may_order_at", "may_order_for",
           "orderable_units", "public", "requires", "runtime", "suggest_persons", "validate_order"]

DRAFTS_KEY = "drafts"


def db_session():
    """The request's database session (read with it; change things only through the operations)."""
    return get_session()


def directory() -> Directory:
    """The read-only directory for today."""
    return Directory(get_session(), current_actor().today)


def find_person(field: str, query: str) -> PersonInfo:
    """Find one person by personnummer, passnummer, hsa_id or vgr_id; ValidationFailed({"q": ...}) if not."""
    return PersonInfo.of(_find_person(get_session(), field, query))


def may_order(catalogue: str) -> bool:
    """May the logged-in user order in the catalogue?"""
    return authz.may_order(current_actor(), catalogue)


def may_order_at(catalogue: str, forvaltning_id: int, omrade_id: int | None, enhet_id: int | None) -> bool:
    """May the logged-in user order in the catalogue at this place?"""
    return authz.may_order_at(current_actor(), catalogue, forvaltning_id, omrade_id, enhet_id)


def may_order_for(catalogue: str, person_id: int) -> bool:
    """May the logged-in user order for the person in the catalogue? (An engagement that has not ended at a
    unit the user's beställare delegations of the catalogue's kind cover; docs/authorization.md.)"""
    from .models import Person

    person = get_session().get(Person, person_id) if person_id else None
    return person is not None and authz.may_order_for(current_actor(), catalogue, person)


def suggest_persons(catalogue: str, text: str, *, limit: int = person_suggest.LIMIT
                    ) -> list[person_suggest.PersonSuggestion]:
    """Persons the logged-in user may order for whose VGR-ID, name, HSA-ID or personnummer starts with the text.

    The same search as the suggestions while typing (``/forslag/personer/<catalogue>``); personnummer masked.
    """
    spec = runtime().registry.catalogue(catalogue)
    if spec is None:
        return []
    return person_suggest.suggest_persons(get_session(), current_actor(), spec, text, limit=limit)


def orderable_units() -> set[int]:
    """Vårdenheter where the logged-in user holds an active U beställare delegation."""
    return authz.orderable_units(current_actor())


def validate_order(request: OrderRequest) -> dict[str, str]:
    """Check an order as the logged-in user would place it; returns {field: Swedish message} (empty = valid)."""
    errors, _ = ordering.validate_order(get_session(), runtime(), current_actor(), request)
    get_session().rollback()  # nothing is kept from a check
    return errors


def create_orders(requests: list[OrderRequest], *, catalogue: str | None = None, one_mail: bool = False,
                  attest_link: str = "/attest/alla") -> list[OrderInfo]:
    """Create the orders in one transaction (all or none), consuming the catalogue's draft if there is one.

    Raises ValidationFailed (with ``index`` of the failing request), Forbidden, or AlreadySubmitted
    (a Conflict whose ``number`` is the first order already made from the draft). ``one_mail`` (a mass
    order): each attestant gets one mail listing their orders, linking to ``attest_link`` (a local path).
    """
    draft = _draft(catalogue) if catalogue else None
    made = ordering.create_orders(get_session(), runtime(), current_actor(), requests, draft=draft,
                                  one_mail=one_mail, attest_link=attest_link)
    # The sent draft stays named in the browser's session: a second Skicka (Back, another tab) finds it and
    # is told the orders' numbers (``draft_sent``) instead of starting over; a new draft replaces it.
    return [OrderInfo.of(order) for order in made]


def draft_sent(catalogue: str) -> ordering.AlreadySubmitted | None:
    """When the user's draft of the catalogue was already sent: the AlreadySubmitted naming its orders
    (``number``, ``count``, ``last``, ``message``), for a Skicka that finds no unsent draft; else None."""
    draft = _draft(catalogue)
    if draft is None or draft.order_id is None:
        return None
    return ordering.already_submitted(get_session(), draft)


def _draft(catalogue: str):
    token = (web_session.get(DRAFTS_KEY) or {}).get(catalogue)
    return draft_ops.load_draft(get_session(), current_actor(), token, catalogue)


def _forget(catalogue: str) -> None:
    tokens = dict(web_session.get(DRAFTS_KEY) or {})
    tokens.pop(catalogue, None)
    web_session[DRAFTS_KEY] = tokens


def draft_start(catalogue: str, data: dict[str, Any]) -> None:
    """Start a new server-side draft of the catalogue for the logged-in user (an older one is thrown away)."""
    draft_ops.discard_draft(get_session(), _draft(catalogue))
    draft = draft_ops.new_draft(get_session(), current_actor(), catalogue, data)
    tokens = dict(web_session.get(DRAFTS_KEY) or {})
    tokens[catalogue] = draft.token
    web_session[DRAFTS_KEY] = tokens


def draft_data(catalogue: str) -> dict[str, Any] | None:
    """The content of the user's unsent draft of the catalogue, or None."""
    draft = _draft(catalogue)
    return copy.deepcopy(draft.data) if draft is not None and draft.order_id is None else None


def draft_save(catalogue: str, data: dict[str, Any]) -> None:
    """Store the draft's new content (a missing or sent draft is started afresh)."""
    draft = _draft(catalogue)
    if draft is None or draft.order_id is not None:
        draft_start(catalogue, data)
    else:
        draft_ops.save_draft(get_session(), draft, data)


def draft_discard(catalogue: str) -> None:
    """Ångra: throw the user's draft of the catalogue away."""
    draft_ops.discard_draft(get_session(), _draft(catalogue))
    _forget(catalogue)
