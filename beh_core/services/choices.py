"""What step 2 of the standard wizard lists on a page, and what it leaves out and why.

The catalogue's plugin may answer ``beh_wizard_choices`` (e.g. uppdrag grouped per
vårdenhet); otherwise the core lists the page's items offered in the förvaltning
(Nyupplägg) or the person's held permissions of them (Förändring, Avslut). For
Nyupplägg the core always leaves out what the person already holds (it is under
Förändring, as manual 001 says) and what is already ordered and not
done, and says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..authz import Actor
from ..catalogue import NYUPPLAGG, Catalogue, Choice, ChoiceGroup, WizardPage
from ..messages import N_
from ..models import Forvaltning, HeldPermission, Person
from .ordering import LineInput, line_scope, order_context
from .pending import pending_lines

if TYPE_CHECKING:
    from ..runtime import Runtime


@dataclass(frozen=True)
class Hidden:
    """An item not offered on the page, with the reason shown to the beställare."""

    name: str
    reason: str


def page_choices(session: Session, rt: "Runtime", actor: Actor, catalogue: Catalogue, page: WizardPage, *,
                 end_user: Person, forvaltning: Forvaltning | None, kind: str,
                 today: date) -> tuple[list[ChoiceGroup], list[Hidden]]:
    """The groups of choices of one wizard page and the items left out (with why)."""
    context = order_context(session, actor, catalogue.key, kind, end_user, forvaltning, today)
    answer = rt.plugins.call_owner(catalogue.owner, "beh_wizard_choices", catalogue=catalogue, page=page,
                                   context=context)
    held = [h for h in session.scalars(select(HeldPermission).where(
        HeldPermission.person_id == end_user.id, HeldPermission.ended_at.is_(None))
        .order_by(HeldPermission.item_key, HeldPermission.id)) if h.is_held(today)]
    if answer is None:
        answer = _default(rt, catalogue, page, forvaltning, kind, held)
    if kind != NYUPPLAGG:
        return list(answer), []
    return _without_held_and_pending(list(answer), held, pending_lines(session, end_user.id), forvaltning)


def _default(rt: "Runtime", catalogue: Catalogue, page: WizardPage, forvaltning: Forvaltning | None, kind: str,
             held: list[HeldPermission]) -> list[ChoiceGroup]:
    code = forvaltning.code if forvaltning else None
    if kind == NYUPPLAGG:
        items = rt.registry.items_for(catalogue.key, page.key, code, kind)
        return [ChoiceGroup("", tuple(Choice(item) for item in items))]
    choices = []
    for permission in held:
        item = rt.registry.get(permission.item_key)
        if item and item.catalogue == catalogue.key and item.page == page.key and kind in item.kinds:
            choices.append(Choice(item, permission.scope_key or "", permission.id))
    return [ChoiceGroup("", tuple(choices))]


def _without_held_and_pending(groups: list[ChoiceGroup], held: list[HeldPermission], pending: dict[tuple, str],
                              forvaltning: Forvaltning | None) -> tuple[list[ChoiceGroup], list[Hidden]]:
    held_scopes = {(h.item_key, h.scope_key or "") for h in held}
    hidden: dict[tuple, Hidden] = {}
    kept_groups = []
    for group in groups:
        kept = []
        for choice in group.choices:
            where = (choice.item.key, line_scope(choice.item, LineInput(choice.item.key, scope_key=choice.scope_key),
                                                 forvaltning, None))
            name = f"{choice.item.name} ({group.title})" if group.title else choice.item.name
            if where in held_scopes:
                hidden.setdefault(where, Hidden(name, N_(
                    "Användaren har redan behörighet till %(name)s. Den finns under Förändring.", name=name)))
            elif where in pending:
                hidden.setdefault(where, Hidden(name, N_(
                    "%(name)s är redan beställd för användaren (%(number)s) och inte klar.", name=name,
                    number=pending[where])))
            else:
                kept.append(choice)
        kept_groups.append(ChoiceGroup(group.title, tuple(kept), group.note, group.open))
    return kept_groups, sorted(hidden.values(), key=lambda h: h.name.lower())
