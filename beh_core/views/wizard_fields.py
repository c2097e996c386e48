"""Rows of step 2: each choice with its fields resolved for this request (choices, defaults, typed values)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..catalogue import AVSLUT, Catalogue, Choice, ChoiceGroup
from ..db import get_session
from ..models import Forvaltning, HeldPermission, Person
from ..services.directory_api import held_info
from ..services.order_fields import ResolvedField, item_fields
from ..services.ordering import order_context
from .access import current_actor, runtime


@dataclass
class Row:
    """One tickable line on the page: the choice, whether it is ticked, its fields and their values."""

    choice: Choice
    checked: bool
    fields: list[ResolvedField]
    values: dict[str, str]
    held: HeldPermission | None = None
    unknown: dict[str, str] = field(default_factory=dict)


@dataclass
class Group:
    """A heading (e.g. a vårdenhet) with its rows."""

    title: str
    note: str
    open: bool
    rows: list[Row]


def page_rows(catalogue: Catalogue, groups: list[ChoiceGroup], chosen: dict, kind: str, person: Person,
              forvaltning: Forvaltning | None) -> list[Group]:
    """The page's groups with rows; typed values win over defaults, a held permission's values come next."""
    db, rt, actor = get_session(), runtime(), current_actor()
    context = order_context(db, actor, catalogue.key, kind, person, forvaltning, actor.today)
    held_ids = [c.held_permission_id for g in groups for c in g.choices if c.held_permission_id]
    held = {h.id: h for h in db.scalars(select(HeldPermission).where(HeldPermission.id.in_(held_ids)))} if held_ids else {}
    result = []
    for group in groups:
        rows = []
        for choice in group.choices:
            permission = held.get(choice.held_permission_id or -1)
            typed = chosen.get((choice.item.key, choice.scope_key, choice.held_permission_id))
            fields = [] if kind == AVSLUT else item_fields(rt, choice.item, context,
                                                           held_info(permission) if permission else None)
            values = {}
            for resolved in fields:
                current = (permission.details or {}).get(resolved.name, "") if permission else ""
                values[resolved.name] = (typed or {}).get("values", {}).get(resolved.name, current or resolved.default)
            rows.append(Row(choice, typed is not None, fields, values, permission,
                            dict((typed or {}).get("unknown") or {})))
        result.append(Group(group.title, group.note, group.open or any(r.checked for r in rows), rows))
    return result


def page_targets(groups: list[Group]) -> dict[str, str]:
    """Error key -> id of the field it belongs to, for the error summary's links.

    The operations name a line's field ``item[@scope].field`` ("labb.konto.avdelning",
    "labb.konto@3._item"); on the page the controls are named by the choice's token
    (``c-<token>`` for the tick box, ``f.<token>.<field>`` for a field).
    """
    targets = {"lines": "lines", "free_text": "free_text"}
    for group in groups:
        for row in group.rows:
            choice = row.choice
            prefix = choice.item.key + (f"@{choice.scope_key}" if choice.scope_key else "")
            targets[f"{prefix}._item"] = f"c-{choice.token}"
            for resolved in row.fields:
                targets[f"{prefix}.{resolved.name}"] = f"f.{choice.token}.{resolved.name}"
    return targets


def error_id(key: str) -> str:
    """The id of the message shown for an error key (the ``error`` macro's ``err-…``)."""
    return "err-" + key.replace(".", "-").replace(":", "-")


def leftover_errors(errors: dict[str, str], targets: dict[str, str], shown: set[str]) -> dict[str, str]:
    """Errors with no field on the page (a line that is gone, a plugin's own key): shown in a list of their
    own at the top of the form, each with the id the error summary links to (added to ``targets``)."""
    left = {key: message for key, message in errors.items() if key not in shown}
    for key in left:
        targets[key] = error_id(key)
    return left
