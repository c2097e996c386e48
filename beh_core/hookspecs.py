"""Every hook a BEH plugin can implement, in one place (documented in docs/plugins.md).

Implement a hook with ``@beh_core.api.hookimpl``; the core calls hooks with keyword
arguments and an implementation may take any subset of them. A plugin is a
distribution with an entry point in the group ``beh.plugins``.

Every hook gets ``settings``: the plugin's own settings namespace (configuration
keys ``PLUGIN_<NAME>_*``, from ``BEH_PLUGIN_<NAME>_*`` environment variables or
the instance file), never the portal's secrets.

Ownership: a catalogue or item belongs to the plugin that declared it. Hooks
marked *owner* are called on that plugin only; the others on every plugin.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import pluggy

if TYPE_CHECKING:
    from datetime import date

    from flask import Blueprint

    from .catalogue import (AttestStep, CatalogItem, Catalogue, ChoiceGroup, Field, FieldOptions,
                            FulfilmentResult, WizardPage)
    from .services.directory_api import Directory, HeldPermissionInfo, PersonInfo
    from .services.order_info import LineInfo, OrderContext, OrderInfo
    from .services.demo_samples import DemoSamples

hookspec = pluggy.HookspecMarker("beh")


# --- Declarations (called once, when the app is created) -------------------------

@hookspec
def beh_catalogues(settings: Mapping[str, Any]) -> list["Catalogue"]:
    """Declare the catalogues (order flows) this plugin provides, with their start-page tiles.

    All answers are collected; a catalogue key declared twice stops the start.

    :param settings: the plugin's settings namespace.
    :return: a list of :class:`beh_core.api.Catalogue`.
    """


@hookspec
def beh_catalogue_items(settings: Mapping[str, Any]) -> list["CatalogItem"]:
    """Declare the items (systems, services, uppdrag) this plugin contributes.

    Every item names a catalogue (of any plugin). An item key contributed twice, or an
    unknown catalogue, stops the start.

    :param settings: the plugin's settings namespace.
    :return: a list of :class:`beh_core.api.CatalogItem`.
    """


@hookspec
def beh_blueprints(settings: Mapping[str, Any]) -> list["Blueprint"]:
    """Return Flask blueprints with the plugin's own pages (every view needs ``@requires`` or ``@public``).

    :param settings: the plugin's settings namespace.
    :return: a list of blueprints; their templates may extend ``base.html`` and use ``macros.html``.
    """


@hookspec
def beh_migrations(settings: Mapping[str, Any]) -> str | None:
    """Return the folder of the plugin's Alembic revisions (its own tables), or None.

    ``flask --app beh_core db upgrade`` migrates the core and then each plugin, each with its
    own version table (``alembic_version_<plugin>``), so uninstalling a plugin never blocks the
    core's migrations. Plugin tables are declared on ``beh_core.api.Base``.

    :param settings: the plugin's settings namespace.
    """


@hookspec
def beh_demo_samples(settings: Mapping[str, Any]) -> "DemoSamples | None":
    """Return example held permissions and orders for ``beh demo`` (the core names no system itself).

    :param settings: the plugin's settings namespace.
    :return: a :class:`beh_core.api.DemoSamples`, or None.
    """


# --- The order flow (owner hooks) -------------------------------------------------

@hookspec(firstresult=True)
def beh_wizard_choices(catalogue: "Catalogue", page: "WizardPage", context: "OrderContext",
                       settings: Mapping[str, Any]) -> list["ChoiceGroup"] | None:
    """Owner of the catalogue: what step 2 of the standard wizard lists on one page.

    Without an answer the core lists the page's items offered in the chosen förvaltning
    (Nyupplägg, not already held, waiting or scheduled) or the person's held permissions of them
    (Förändring, Avslut). Answer to group choices (e.g. per vårdenhet) or to choose per scope.

    :param catalogue: the catalogue.
    :param page: the wizard page being shown.
    :param context: the end user, förvaltning, kind, actor, today and the read-only directory.
    :param settings: the plugin's settings namespace.
    :return: groups of :class:`beh_core.api.Choice`, or None for the core's default.
    """


@hookspec(firstresult=True)
def beh_field_options(item: "CatalogItem", field: "Field", context: "OrderContext",
                      held: "HeldPermissionInfo | None", settings: Mapping[str, Any]) -> "FieldOptions | None":
    """Owner of the item: choices and a prefilled value of one field, computed per request.

    Called when the field is shown and again when it is checked, so a forged value outside the
    choices is refused. Example: a unit field lists the units of the chosen förvaltning, and an
    e-mail field is prefilled from KiV.

    :param item: the item the field belongs to.
    :param field: the declared field.
    :param context: the end user, förvaltning, kind, actor, today and the read-only directory.
    :param held: the held permission being changed (Förändring), else None.
    :param settings: the plugin's settings namespace.
    :return: :class:`beh_core.api.FieldOptions` (choices and/or default), or None to keep the declaration.
    """


@hookspec(firstresult=True)
def beh_validate_line(item: "CatalogItem", values: dict[str, str], unknown: dict[str, str],
                      context: "OrderContext", held: "HeldPermissionInfo | None",
                      settings: Mapping[str, Any]) -> dict[str, str] | None:
    """Owner of the item: check the values typed for one line, after the core's checks passed.

    The core has checked required fields, lengths, e-mail and date formats and select choices
    (including per-request choices). Values posted for fields the item does not declare arrive in
    ``unknown``; when they do and the answer has no message at all, the core refuses them itself.

    :param item: the item being ordered.
    :param values: field name -> the text typed (stripped).
    :param unknown: posted names the item does not declare -> their text (a forged or stale form).
    :param context: the end user, förvaltning, kind, actor, today and the read-only directory.
    :param held: the held permission being changed (Förändring), else None.
    :param settings: the plugin's settings namespace.
    :return: field name -> Swedish message (an empty dict when valid).
    """


@hookspec(firstresult=True)
def beh_order_field_options(catalogue: "Catalogue", field: "Field", context: "OrderContext",
                            settings: Mapping[str, Any]) -> "FieldOptions | None":
    """Owner of the catalogue: choices and a prefilled value of one order-level field, per request.

    :param catalogue: the catalogue.
    :param field: the declared order-level field.
    :param context: the end user, förvaltning, kind, actor, today and the read-only directory.
    :param settings: the plugin's settings namespace.
    :return: :class:`beh_core.api.FieldOptions`, or None to keep the declaration.
    """


@hookspec(firstresult=True)
def beh_validate_order(catalogue: "Catalogue", values: dict[str, str], lines: list["LineInfo"],
                       context: "OrderContext", settings: Mapping[str, Any]) -> dict[str, str] | None:
    """Owner of the catalogue: check the order-level fields and the order as a whole.

    :param catalogue: the catalogue.
    :param values: order-level field name -> text typed (stripped); the core checked the basics.
    :param lines: the lines of the order as they will be saved.
    :param context: the end user, förvaltning, kind, actor, today and the read-only directory.
    :param settings: the plugin's settings namespace.
    :return: field name -> Swedish message (use ``"lines"`` for the order as a whole).
    """


@hookspec(firstresult=True)
def beh_attest_candidates(catalogue: "Catalogue", step: "AttestStep", order: "OrderInfo",
                          directory: "Directory", settings: Mapping[str, Any]) -> list[int] | None:
    """Owner of the catalogue: who may attest a step whose rule is ``"plugin"``.

    Asked when the order is placed (to assign or offer the attestant) and again at every attest
    (so the right follows the directory: a new person answering for a kostnadsställe takes over).

    :param catalogue: the catalogue.
    :param step: the attest step.
    :param order: the order (``number`` is None while it is being placed).
    :param directory: the read-only directory.
    :param settings: the plugin's settings namespace.
    :return: person ids; the end user and the orderer are removed by the core (four eyes).
    """


# --- Fulfilment (owner hook) ------------------------------------------------------

@hookspec(firstresult=True)
def beh_fulfil_line(item: "CatalogItem", line: "LineInfo", order: "OrderInfo",
                    settings: Mapping[str, Any]) -> "FulfilmentResult | None":
    """Owner of the item: carry out one attested line of an automatically fulfilled item.

    Called after attest (``fulfilment="on_attest"``) or on the start date (``"on_start"``), by
    the attest operation or ``run-due``. Raising, or returning ``done=False``, puts the line in the
    Service Desk queue with the error; it is never lost.

    :param item: the item of the line.
    :param line: the line (its values, scope).
    :param order: the order the line belongs to.
    :param settings: the plugin's settings namespace.
    :return: a :class:`beh_core.api.FulfilmentResult` with feedback values (credentials).
    """


# --- Events (every plugin) ---------------------------------------------------------

@hookspec
def beh_order_event(event: str, order: "OrderInfo", actor: "PersonInfo | None", line: "LineInfo | None",
                    settings: Mapping[str, Any]) -> None:
    """Be told about a change of an order or one of its lines (for example to inform another system).

    Fired by the operation that made the change, after its commit, whether a view, the Service
    Desk or ``run-due`` caused it. The names are the ``EVENT_*`` constants of ``beh_core.api``.
    A failing implementation is logged and never breaks the change or the other plugins.

    :param event: an ``EVENT_*`` name, e.g. ``"order.created"``.
    :param order: the order as committed.
    :param actor: who made the change (None for ``run-due`` and other background jobs).
    :param line: the line a ``line.*`` event is about, else None.
    :param settings: the plugin's settings namespace.
    """
