"""Catalogue items that plugins contribute, and the catalogue the core builds from them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal["text", "email", "select", "textarea", "checkbox", "date"]
Scope = Literal["local", "regional", "uppdrag", "usertjanst"]
Fulfilment = Literal["manual", "on_attest", "on_start"]

ALL_KINDS = frozenset({"nyupplagg", "forandring", "avslut"})


class CatalogueError(RuntimeError):
    """The plugins' catalogue is inconsistent (for example two items with one key)."""


@dataclass(frozen=True)
class Field:
    """One form field of a catalogue item, declared as data so the core renders and checks it.

    ``choices`` are (value, label) pairs for ``select``; a value outside them is refused.
    ``secret`` marks feedback fields (passwords) that are encrypted at rest.
    """

    name: str
    label: str
    type: FieldType = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    max_length: int = 200
    secret: bool = False


@dataclass(frozen=True)
class CatalogItem:
    """A system or service that can be ordered.

    :param key: unique across all plugins, e.g. ``"lr.slvd"``.
    :param name: shown to users, e.g. ``"Slutenvårdsdos (SLVD)"``.
    :param catalogue: which order flow lists it (``"lr"`` for Lokala och Regionala system).
    :param scope: ``"local"`` (used within the förvaltningar listed) or ``"regional"``.
    :param forvaltningar: förvaltning codes of a local item.
    :param kinds: which of nyupplagg / forandring / avslut it supports.
    :param akut: whether an order containing it may be marked Akut.
    :param fulfilment: ``manual`` (Service Desk), ``on_attest`` or ``on_start`` (the plugin's hook).
    """

    key: str
    name: str
    catalogue: str = "lr"
    scope: Scope = "regional"
    forvaltningar: tuple[str, ...] = ()
    kinds: frozenset[str] = ALL_KINDS
    akut: bool = False
    fields: tuple[Field, ...] = ()
    feedback_fields: tuple[Field, ...] = ()
    fulfilment: Fulfilment = "manual"
    description: str = ""

    def offered_in(self, forvaltning_code: str) -> bool:
        """True when the item can be ordered for the given förvaltning."""
        return self.scope != "local" or forvaltning_code in self.forvaltningar


@dataclass
class FulfilmentResult:
    """What a plugin's fulfilment hook reports for one line.

    :param done: the line was carried out.
    :param feedback: values of the item's feedback fields (credentials, ...).
    :param error: why it failed; the line then goes to the Service Desk queue.
    """

    done: bool
    feedback: dict[str, str] = field(default_factory=dict)
    error: str | None = None


class Catalogue:
    """All items of all plugins, by key; built once per app."""

    def __init__(self, items: list[CatalogItem]) -> None:
        self._items: dict[str, CatalogItem] = {}
        shown: dict[tuple, str] = {}
        for item in items:
            if item.key in self._items:
                raise CatalogueError(f"Catalogue item {item.key!r} is contributed twice")
            self._items[item.key] = item
            # Two items a user cannot tell apart on one page (same name, list and förvaltning) are refused too.
            for place in item.forvaltningar or ("*",):
                where = (item.catalogue, item.scope, place, item.name.casefold())
                if where in shown:
                    raise CatalogueError(f"Catalogue items {shown[where]!r} and {item.key!r} share the name {item.name!r}")
                shown[where] = item.key

    def get(self, key: str) -> CatalogItem | None:
        """The item with the key, or None."""
        return self._items.get(key)

    def __iter__(self):
        return iter(sorted(self._items.values(), key=lambda item: item.name.lower()))

    def __len__(self) -> int:
        return len(self._items)

    def items_for(self, catalogue: str, scope: str, forvaltning_code: str, kind: str) -> list[CatalogItem]:
        """Items of a catalogue and scope orderable in the förvaltning for the order kind."""
        return [
            item for item in self
            if item.catalogue == catalogue and item.scope == scope
            and item.offered_in(forvaltning_code) and kind in item.kinds
        ]
