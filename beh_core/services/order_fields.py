"""Declared fields on the server: per-request choices and defaults, the core's checks, what is shown.

The core checks every declared field the same way for every plugin (required,
length, e-mail, date, checkbox, select choices, including choices computed per
request by the owning plugin), then asks the owner for its own rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..catalogue import CatalogItem, Catalogue, Field, FieldOptions
from .directory_api import HeldPermissionInfo
from .order_info import OrderContext

if TYPE_CHECKING:
    from ..runtime import Runtime

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
CHECKED = "1"


@dataclass(frozen=True)
class ResolvedField:
    """A field with the choices and default that apply in this request."""

    field: Field
    choices: tuple[tuple[str, str], ...]
    default: str

    @property
    def name(self) -> str:
        """The field's name."""
        return self.field.name


def item_fields(rt: "Runtime", item: CatalogItem, context: OrderContext,
                held: HeldPermissionInfo | None = None) -> list[ResolvedField]:
    """The item's fields for the order kind, with the owner's per-request choices and defaults."""
    resolved = []
    for spec in item.fields:
        if context.kind not in spec.kinds:
            continue
        options = rt.plugins.call_owner(item.owner, "beh_field_options", item=item, field=spec, context=context,
                                        held=held)
        resolved.append(_resolve(spec, options))
    return resolved


def order_fields(rt: "Runtime", catalogue: Catalogue, context: OrderContext) -> list[ResolvedField]:
    """The catalogue's order-level fields for the order kind, with per-request choices and defaults."""
    resolved = []
    for spec in catalogue.order_fields:
        if context.kind not in spec.kinds:
            continue
        options = rt.plugins.call_owner(catalogue.owner, "beh_order_field_options", catalogue=catalogue,
                                        field=spec, context=context)
        resolved.append(_resolve(spec, options))
    return resolved


def _resolve(spec: Field, options: FieldOptions | None) -> ResolvedField:
    choices = options.choices if options is not None and options.choices is not None else spec.choices
    default = (options.default if options is not None else None) or ""
    return ResolvedField(spec, tuple(choices), default)


def check_value(resolved: ResolvedField, value: str, where: str = "") -> str | None:
    """The core's check of one value; returns a Swedish message or None. ``where`` names the item."""
    spec = resolved.field
    suffix = f" för {where}" if where else ""
    if spec.required and not value:
        verb = "Välj" if spec.type in ("select", "checkbox") else "Fyll i"
        return f"{verb} {spec.label}{suffix}."
    if not value:
        return None
    if len(value) > spec.max_length:
        return f"{spec.label} får vara högst {spec.max_length} tecken."
    if spec.type == "select" or resolved.choices:
        if value not in {c[0] for c in resolved.choices}:
            return (f"{spec.label} \u201d{value}\u201d finns inte{suffix}. "
                    "Välj ett av alternativen i listan.")
    if spec.type == "email" and not EMAIL_RE.match(value):
        return f"{spec.label} ska vara en e-postadress, till exempel fornamn.efternamn@vgregion.se."
    if spec.type == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"Ange {spec.label} enligt formatet ÅÅÅÅ-MM-DD."
    if spec.type == "checkbox" and value != CHECKED:
        return f"{spec.label} kan bara kryssas i eller lämnas tom."
    return None


def check_values(fields: list[ResolvedField], values: dict[str, str], *, key=lambda name: name,
                 where: str = "") -> dict[str, str]:
    """Check every field's value; returns {form key: message}."""
    errors = {}
    for resolved in fields:
        message = check_value(resolved, (values.get(resolved.name) or "").strip(), where)
        if message:
            errors[key(resolved.name)] = message
    return errors


def shown(fields: list[ResolvedField], values: dict[str, str]) -> list[list[str]]:
    """(label, value as shown) of every field, select values by their choice label, as the manual lists them."""
    pairs = []
    for resolved in fields:
        value = (values.get(resolved.name) or "").strip()
        if resolved.field.type == "checkbox":
            value = "Ja" if value == CHECKED else ""
        elif value and resolved.choices:
            value = dict(resolved.choices).get(value, value)
        pairs.append([resolved.field.label, value])
    return pairs
