"""Declared fields on the server: per-request choices and defaults, the core's checks, what is shown.

The core checks every declared field the same way for every plugin (required,
length, e-mail, date, checkbox, select choices, including choices computed per
request by the owning plugin), then asks the owner for its own rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..log_masking import mask_free_text
from ..catalogue import CatalogItem, Catalogue, Field, FieldOptions
from ..iso_dates import parse_date
from ..messages import Message, N_, label
from .directory_api import HeldPermissionInfo
from .order_info import OrderContext

if TYPE_CHECKING:
    from ..runtime import Runtime

# An address as mail systems take it: the usual characters of a local part (no quotes, brackets or
# spaces) and a domain of labels of letters, digits and hyphens.
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                      r"[A-Za-z]{2,63}$", re.ASCII)
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


def check_value(resolved: ResolvedField, value: str, where: str = "") -> Message | None:
    """The core's check of one value; returns a Swedish message or None. ``where`` names the item."""
    spec = resolved.field
    name = label(spec.label)
    if spec.required and not value:
        choose = spec.type in ("select", "checkbox")
        if where:
            return (N_("Välj %(label)s för %(item)s.", label=name, item=where) if choose
                    else N_("Fyll i %(label)s för %(item)s.", label=name, item=where))
        return N_("Välj %(label)s.", label=name) if choose else N_("Fyll i %(label)s.", label=name)
    if not value:
        return None
    if len(value) > spec.max_length:
        return N_("%(label)s får vara högst %(max)s tecken.", label=name, max=spec.max_length)
    if spec.type == "select" or resolved.choices:
        if value not in {c[0] for c in resolved.choices}:
            if where:
                return N_("%(label)s \u201d%(value)s\u201d finns inte för %(item)s. Välj ett av alternativen i "
                          "listan.", label=name, value=value, item=where)
            return N_("%(label)s \u201d%(value)s\u201d finns inte. Välj ett av alternativen i listan.",
                      label=name, value=value)
    if spec.type == "email" and not EMAIL_RE.match(value):
        return N_("%(label)s ska vara en e-postadress, till exempel fornamn.efternamn@vgregion.se.", label=name)
    if spec.type == "date":
        if parse_date(value) is None:
            return N_("Ange %(label)s enligt formatet ÅÅÅÅ-MM-DD.", label=name)
    if spec.type == "checkbox" and value != CHECKED:
        return N_("%(label)s kan bara kryssas i eller lämnas tom.", label=name)
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


def without_personnummer(fields: list[ResolvedField], values: dict[str, str]) -> dict[str, str]:
    """The values with every personnummer in a free-text field (a textarea: Motivering, Tilläggsinformation)
    masked, as an order keeps it; the other fields are identifiers and choices the Service Desk needs as given."""
    free = {resolved.name for resolved in fields if resolved.field.type == "textarea"}
    return {name: mask_free_text(value) if name in free and isinstance(value, str) else value
            for name, value in values.items()}


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
