"""What plugins declare: catalogues (order flows), items (systems, services), fields; and the registry.

A plugin declares *data*; the core renders, checks and stores it. Every
catalogue and item is owned by the plugin that declared it: the registry
records the owner and the core calls only that plugin for it (no
"return None when it is not yours" convention).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterator, Literal

from .messages import N_

FieldType = Literal["text", "email", "select", "textarea", "checkbox", "date"]
Fulfilment = Literal["manual", "on_attest", "on_start"]
AttestRule = Literal["area", "unit", "plugin"]

NYUPPLAGG, FORANDRING, AVSLUT = "nyupplagg", "forandring", "avslut"
ALL_KINDS = frozenset({NYUPPLAGG, FORANDRING, AVSLUT})
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class CatalogueError(RuntimeError):
    """The plugins' declarations are inconsistent (two items with one key, an unknown catalogue, ...)."""


@dataclass(frozen=True)
class Field:
    """One form field, declared as data so the core renders and checks it on the server.

    :param name: the key of the value (letters, digits, underscore).
    :param label: the Swedish label, as in the manual ("Enhet 1", "Titel", "Epost").
    :param type: ``text``, ``email``, ``select``, ``textarea``, ``checkbox`` or ``date``; the core checks
        e-mail addresses, dates (ÅÅÅÅ-MM-DD) and checkbox values, and select values against the choices.
    :param required: an empty value is refused with "Fyll i …" / "Välj …".
    :param choices: (value, label) pairs of a ``select``; ``beh_field_options`` may replace them per request.
    :param help: a hint shown under the field.
    :param max_length: longest accepted text.
    :param secret: a feedback value (password) that is encrypted at rest and shown only to the orderer.
    :param kinds: the order kinds the field applies to (an order-level field may apply to Förändring only;
        a feedback field, e.g. the login of a new account, to Nyupplägg only: ``CatalogItem.feedback_for``).
    """

    name: str
    label: str
    type: FieldType = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    max_length: int = 200
    secret: bool = False
    kinds: frozenset[str] = ALL_KINDS


@dataclass(frozen=True)
class FieldOptions:
    """Per-request choices and default of a field (``beh_field_options``): e.g. the units of a förvaltning."""

    choices: tuple[tuple[str, str], ...] | None = None
    default: str | None = None


@dataclass(frozen=True)
class WizardPage:
    """One page of step 2 of the standard wizard, e.g. ``WizardPage("local", "Lokala system")``.

    :param key: items whose ``page`` equals this key are listed on it.
    :param title: the page heading, in the manual's words.
    :param free_text_avslut: at Avslut, offer the free-text line for permissions not in the list.
    :param avslut_help: guidance shown at that free text (the manual's words).
    :param empty_text: shown when nothing can be chosen on the page.
    """

    key: str
    title: str
    free_text_avslut: bool = False
    avslut_help: str = ""
    empty_text: str = ""


@dataclass(frozen=True)
class AttestStep:
    """One attest step of a catalogue's orders; steps are decided in order, each signed.

    :param key: stored on the order's step, e.g. ``"attest"`` or ``"ekonomisk"``.
    :param label: shown to users, e.g. ``"Attest"`` or ``"Ekonomisk attest"``.
    :param rule: who may attest: ``"area"`` (attestant delegation for the order's förvaltning + område,
        optionally narrowed to its verksamhet: L/R), ``"unit"`` (attestant delegation for the order's
        vårdenhet: U), or ``"plugin"`` (the catalogue's plugin answers ``beh_attest_candidates``).
    :param chosen_by_orderer: the beställare picks the attestant among the candidates; otherwise the
        step goes to the single candidate (e.g. the person who answers for a kostnadsställe).
    """

    key: str
    label: str
    rule: AttestRule = "area"
    chosen_by_orderer: bool = True


@dataclass(frozen=True)
class Catalogue:
    """An order flow a plugin declares: its start-page tile, who may order in it, its pages and rules.

    :param key: unique, e.g. ``"labb"``; the standard wizard lives under ``/<key>/``.
    :param title: the tile's title, in the manual's words.
    :param text: the tile's text.
    :param delegation: which delegation makes a beställare here: ``"omrade"`` (L/R: förvaltning + område)
        or ``"enhet"`` (U: one vårdenhet), as ``beh_core.api.DELEGATION_AREA`` / ``DELEGATION_UNIT``.
    :param kinds: the order kinds offered (Nyupplägg, Förändring, Avslut).
    :param pages: the pages of step 2 of the standard wizard, in order.
    :param wizard: True: the core's three-step wizard; False: the plugin serves its own pages
        (``start_endpoint``) built from the core's building blocks.
    :param start_endpoint: the endpoint the tile links to when ``wizard`` is False.
    :param attest_steps: the attest steps of every order, in order.
    :param order_fields: fields of the order as a whole, shown on every order page, mail and receipt.
    :param end_date: offer an optional Slutdatum on the order (the held permission ends then).
    :param akut: orders may be marked Akut when they contain an item with ``akut=True``.
    :param akut_help: the catalogue's words about when Akut is used (shown at the Akut box).
    :param search_fields: what step 1 searches by (personnummer, passnummer, hsa_id, vgr_id).
    :param position: tiles are shown by position, then title.
    :param coming_engagements: a person whose engagement has not started yet (a nyanställd) may be ordered
        for; otherwise Nyupplägg and Förändring need an engagement active today.
    :param start_page: the catalogue's tile is on the start page for everyone who may order in it; when
        False it is listed under TJÄNSTER, and on the start page only for those who order in it often
        (``FREQUENT_ORDERS`` orders in the last ``FREQUENT_DAYS`` days).
    :param orders_in: the catalogue whose orders this one's pages make, when not its own (VMU Flera
        användare makes VMU orders, one per person): the tile's Mina/Alla beställningar list those.
    """

    key: str
    title: str
    text: str = ""
    delegation: str = "omrade"
    kinds: tuple[str, ...] = (NYUPPLAGG, FORANDRING, AVSLUT)
    pages: tuple[WizardPage, ...] = ()
    wizard: bool = True
    start_endpoint: str | None = None
    attest_steps: tuple[AttestStep, ...] = (AttestStep("attest", "Attest"),)
    order_fields: tuple[Field, ...] = ()
    end_date: bool = False
    akut: bool = False
    akut_help: str = ""
    search_fields: tuple[str, ...] = ("personnummer", "passnummer", "hsa_id", "vgr_id")
    position: int = 100
    coming_engagements: bool = False
    start_page: bool = True
    orders_in: str = ""
    owner: str = ""  # set by the registry: the plugin that declared it

    @property
    def orders_key(self) -> str:
        """The catalogue key the orders made here are filed under (what Mina/Alla filter by)."""
        return self.orders_in or self.key

    @property
    def unit_label(self) -> str:
        """What an order's unit is called here (Swedish msgid): the vårdenhet of a U delegation, the
        verksamhet chosen under the område of an L/R delegation (the wizard's own words)."""
        return N_("Vårdenhet") if self.delegation == "enhet" else N_("Verksamhet")

    def page(self, key: str) -> WizardPage | None:
        """The wizard page with the key, or None."""
        return next((p for p in self.pages if p.key == key), None)


@dataclass(frozen=True)
class CatalogItem:
    """A system, service or uppdrag that can be ordered.

    :param key: unique across all plugins, e.g. ``"labb.provlabbet"``.
    :param name: shown to users, e.g. ``"Provlabbet"``.
    :param catalogue: the key of the catalogue that lists it.
    :param page: the wizard page that lists it (``"local"``, ``"regional"``, ...).
    :param forvaltningar: förvaltning codes where it can be ordered; empty = everywhere.
    :param kinds: which of nyupplagg / forandring / avslut it supports.
    :param akut: an order containing it may be marked Akut.
    :param fields: what the beställare fills in.
    :param feedback_fields: what the fulfiller reports back (Login, Lösenord); ``required`` ones must be
        filled in before Utförd.
    :param fulfilment: ``manual`` (Service Desk), ``on_attest`` or ``on_start`` (the owner's
        ``beh_fulfil_line``, right after attest or on the start date).
    :param group: a heading the item is listed under (e.g. the system of an uppdrag).
    :param description: shown under the name.
    """

    key: str
    name: str
    catalogue: str
    page: str = ""
    forvaltningar: tuple[str, ...] = ()
    kinds: frozenset[str] = ALL_KINDS
    akut: bool = False
    fields: tuple[Field, ...] = ()
    feedback_fields: tuple[Field, ...] = ()
    fulfilment: Fulfilment = "manual"
    group: str = ""
    description: str = ""
    owner: str = ""  # set by the registry: the plugin that declared it

    def offered_in(self, forvaltning_code: str | None) -> bool:
        """True when the item can be ordered in the förvaltning (items without förvaltningar: everywhere)."""
        return not self.forvaltningar or forvaltning_code in self.forvaltningar

    @property
    def is_local(self) -> bool:
        """Ordered within listed förvaltningar: a person holds it once per förvaltning."""
        return bool(self.forvaltningar)

    def feedback_for(self, kind: str) -> tuple[Field, ...]:
        """The feedback fields the Service Desk fills in for an order of the kind (each field's ``kinds``):
        the login of a new account is asked for at Nyupplägg, not at a change of level."""
        return tuple(spec for spec in self.feedback_fields if kind in spec.kinds)

    def field(self, name: str) -> Field | None:
        """The declared field with the name, or None."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass
class FulfilmentResult:
    """What a plugin's ``beh_fulfil_line`` reports for one line.

    :param done: the line was carried out.
    :param feedback: values of the item's feedback fields (credentials, ...).
    :param error: why it failed; the line then goes to the Service Desk queue.
    """

    done: bool
    feedback: dict[str, str] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class Choice:
    """One tickable line in step 2: an item, at a scope (e.g. a unit), or a held permission."""

    item: CatalogItem
    scope_key: str = ""
    held_permission_id: int | None = None
    note: str = ""

    @property
    def token(self) -> str:
        """The form value identifying the choice: ``key``, ``key@scope``, ``key:held id`` or ``key@scope:held id``."""
        scope = f"@{self.scope_key}" if self.scope_key else ""
        held = f":{self.held_permission_id}" if self.held_permission_id else ""
        return f"{self.item.key}{scope}{held}"

    @staticmethod
    def parse_token(token: str) -> tuple[str, str, int | None]:
        """(item key, scope key, held permission id) of a token (the inverse of ``token``)."""
        rest, _, held = token.rpartition(":") if ":" in token else (token, "", "")
        key, _, scope = rest.partition("@")
        return key, scope, int(held) if held.isascii() and held.isdigit() and len(held) < 10 else None


@dataclass(frozen=True)
class ChoiceGroup:
    """A heading with choices under it (a vårdenhet and its uppdrag); an empty title = no heading."""

    title: str
    choices: tuple[Choice, ...]
    note: str = ""
    open: bool = False


class CatalogueRegistry:
    """Every catalogue and item of every plugin, by key, with its owner; built once per app."""

    def __init__(self, catalogues: list[Catalogue], items: list[CatalogItem]) -> None:
        self._catalogues: dict[str, Catalogue] = {}
        for catalogue in catalogues:
            if not KEY_RE.match(catalogue.key):
                raise CatalogueError(f"Catalogue key {catalogue.key!r} is not a lower-case identifier")
            if catalogue.key in self._catalogues:
                raise CatalogueError(f"Catalogue {catalogue.key!r} is declared twice")
            if not catalogue.attest_steps:
                raise CatalogueError(f"Catalogue {catalogue.key!r} has no attest step")
            self._catalogues[catalogue.key] = catalogue
        self._items: dict[str, CatalogItem] = {}
        shown: dict[tuple, str] = {}
        for item in items:
            if item.key in self._items:
                raise CatalogueError(f"Catalogue item {item.key!r} is contributed twice")
            if item.catalogue not in self._catalogues:
                raise CatalogueError(f"Catalogue item {item.key!r} names the unknown catalogue {item.catalogue!r}")
            self._items[item.key] = item
            # Two items a user cannot tell apart on one page (same name, page and förvaltning) are refused.
            for place in item.forvaltningar or ("*",):
                where = (item.catalogue, item.page, item.group, place, item.name.casefold())
                if where in shown:
                    raise CatalogueError(f"Catalogue items {shown[where]!r} and {item.key!r} share the name {item.name!r}")
                shown[where] = item.key

    # --- items ---
    def get(self, key: str | None) -> CatalogItem | None:
        """The item with the key, or None."""
        return self._items.get(key or "")

    def __iter__(self) -> Iterator[CatalogItem]:
        return iter(sorted(self._items.values(), key=lambda item: (item.name.lower(), item.key)))

    def __len__(self) -> int:
        return len(self._items)

    def items_of(self, catalogue: str) -> list[CatalogItem]:
        """Every item of a catalogue, by name."""
        return [item for item in self if item.catalogue == catalogue]

    def items_for(self, catalogue: str, page: str, forvaltning_code: str | None, kind: str) -> list[CatalogItem]:
        """Items of a catalogue's page orderable in the förvaltning for the order kind."""
        return [item for item in self
                if item.catalogue == catalogue and item.page == page and item.offered_in(forvaltning_code)
                and kind in item.kinds]

    # --- catalogues ---
    def catalogue(self, key: str | None) -> Catalogue | None:
        """The catalogue with the key, or None."""
        return self._catalogues.get(key or "")

    def unit_label(self, key: str | None) -> str:
        """What the unit of an order of the catalogue is called (Swedish msgid; Verksamhet when it is gone)."""
        catalogue = self.catalogue(key)
        return catalogue.unit_label if catalogue else N_("Verksamhet")

    @property
    def catalogues(self) -> list[Catalogue]:
        """Every catalogue, as the start page shows them."""
        return sorted(self._catalogues.values(), key=lambda c: (c.position, c.title.lower()))


def owned(declared: list, owner: str) -> list:
    """The declarations with ``owner`` recorded (frozen dataclasses are copied)."""
    return [replace(d, owner=owner) for d in declared]
