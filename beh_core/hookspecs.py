"""Every hook a BEH plugin can implement, in one place.

Implement with ``@beh_core.api.hookimpl``. Hooks are called with keyword
arguments; an implementation may take any subset of them. A plugin is
registered through an entry point in the group ``beh.plugins``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .catalogue import CatalogItem, FulfilmentResult
    from .models import Order, OrderLine, Person

hookspec = pluggy.HookspecMarker("beh")


# --- Catalogue -------------------------------------------------------------

@hookspec
def beh_catalogue_items(config: dict[str, Any]) -> list["CatalogItem"]:
    """Return the catalogue items this plugin contributes.

    Called once when the app is created; all answers are collected. Item keys
    must be unique across plugins, otherwise the app refuses to start.

    :param config: the app's configuration (read-only), for plugin settings.
    :return: a list of :class:`beh_core.api.CatalogItem`.
    """


# --- Ordering --------------------------------------------------------------

@hookspec(firstresult=True)
def beh_validate_line(
    item: "CatalogItem", values: dict[str, str], kind: str, end_user: "Person", session: "Session"
) -> dict[str, str] | None:
    """Check the values a beställare typed for one of this plugin's items.

    The core has already checked required fields and select choices. Called
    for every selected item; the first non-None answer wins, so return None
    for items that are not yours.

    :param item: the catalogue item being ordered.
    :param values: field name -> the text typed (stripped).
    :param kind: ``nyupplagg``, ``forandring`` or ``avslut``.
    :param end_user: the person who will hold the permission.
    :param session: the database session (read only: do not write).
    :return: field name -> Swedish error message (empty dict when valid), or None.
    """


# --- Fulfilment ------------------------------------------------------------

@hookspec(firstresult=True)
def beh_fulfil_line(item: "CatalogItem", line: "OrderLine", order: "Order") -> "FulfilmentResult | None":
    """Carry out one attested line of an automatically fulfilled item.

    Called after attest (``fulfilment="on_attest"``) or at the start date
    (``fulfilment="on_start"``). The first non-None answer wins: return None
    for items that are not yours. Raising, or returning ``done=False``, puts the
    line in the Service Desk queue with the error; it is never lost.

    :param item: the catalogue item of the line.
    :param line: the order line (read its ``values``).
    :param order: the order the line belongs to.
    :return: a :class:`beh_core.api.FulfilmentResult` with feedback values (credentials).
    """


# --- Events ----------------------------------------------------------------

@hookspec
def beh_order_event(event: str, order: "Order", actor: "Person | None") -> None:
    """Be told about a change of an order (for example to notify another system).

    Called after the change is committed. A failing implementation is logged
    and never breaks the user's request.

    :param event: ``created``, ``attested``, ``rejected``, ``attestant_changed``, ...
    :param order: the order, as committed.
    :param actor: who made the change (None for background jobs).
    """
