"""The flow's state: the core's server-side draft of the catalogue, and the order it becomes.

The draft (``beh_core.api.draft_*``) holds what the beställare has chosen and typed, step by
step; errors of a step are kept in it until the page that shows them is read (Post/Redirect/Get).
Its shape::

    {"search": "text", "person_id": 7, "kind": "nyupplagg" | "forandring" | None, "held_id": 3,
     "kostnad": {"kostnadsstalle": "69002", "frikod1": "", "frikod2": "", "preset": "lifecare_light"},
     "kostnad_sok": "690", "detaljer": {"orsak": "", "verksamhetskontext": "12", "start_date": "",
     "end_date": ""}, "niva": "enkel", "klart": ["detaljer", "kostnad"],
     "errors": {"step": {"field": [msgid, params]}}}
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext

from beh_core.api import (FORANDRING, NYUPPLAGG, EngagementInfo, LineInput, OrderRequest, current_actor, directory,
                          draft_data, draft_save)

from . import rules

EMPTY_COSTS = {"kostnadsstalle": "", "frikod1": "", "frikod2": "", "preset": ""}
EMPTY_DETAILS = {"orsak": "", "verksamhetskontext": "", "start_date": "", "end_date": ""}


def load() -> dict[str, Any]:
    """The draft's content (empty when there is none)."""
    return draft_data(rules.CATALOGUE) or {}


def save(data: dict[str, Any]) -> None:
    """Store the draft's content (a new draft when there is none)."""
    draft_save(rules.CATALOGUE, data)


def translate(message) -> str:
    """A stored (msgid, params) message in the user's language."""
    text, params = message
    return gettext(text, **params) if params else gettext(text)


def set_errors(data: dict, step: str, errors: dict, typed: dict | None = None) -> None:
    """Keep a step's errors (and what was typed) for the page that shows them."""
    data["errors"] = {step: {key: list(message) for key, message in errors.items()}}
    if typed is not None:
        data["typed"] = {step: typed}


def take_errors(data: dict, step: str) -> tuple[dict[str, str], dict | None]:
    """The step's errors, translated, and what was typed; removed from the draft (shown once)."""
    errors = (data.pop("errors", None) or {}).get(step, {})
    typed = (data.pop("typed", None) or {}).get(step)
    if errors or typed is not None:
        save(data)
    return {key: translate(message) for key, message in errors.items()}, typed


def mark(data: dict, step: str, passed: bool) -> None:
    """Record whether a step's form passed its checks (a later step opens only after it has)."""
    done = set(data.get("klart") or ())
    (done.add if passed else done.discard)(step)
    data["klart"] = sorted(done)


def passed(data: dict, step: str) -> bool:
    """Did the step's form pass its checks the last time it was sent?"""
    return step in (data.get("klart") or ())


def contexts_for(data: dict) -> list[EngagementInfo]:
    """The end user's engagements that can be the Verksamhetskontext (primary first)."""
    return rules.contexts(directory(), data["person_id"], current_actor().id)


def chosen_context(data: dict, contexts: list[EngagementInfo]) -> EngagementInfo | None:
    """The Verksamhetskontext chosen at Specificera detaljer, else the one prefilled (the primary)."""
    wanted = (data.get("detaljer") or {}).get("verksamhetskontext")
    return next((e for e in contexts if str(e.id) == str(wanted)), contexts[0] if contexts else None)


def order_request(data: dict, contexts: list[EngagementInfo]) -> OrderRequest:
    """The order the draft becomes: the chosen level for the person, placed at the Verksamhetskontext's unit,
    with the order-level fields and the dates (empty ones: the engagement's own)."""
    costs = {**EMPTY_COSTS, **(data.get("kostnad") or {})}
    details = {**EMPTY_DETAILS, **(data.get("detaljer") or {})}
    context = chosen_context(data, contexts)
    today = current_actor().today
    start, end = rules.effective_dates(details["start_date"], details["end_date"], context, today) \
        if context else (today, None)
    kind = FORANDRING if data.get("kind") == FORANDRING else NYUPPLAGG
    levels = [data["niva"]] if data.get("niva") else []
    lines = [LineInput(rules.ITEM, {rules.LEVEL_FIELD: level},
                       held_permission_id=data.get("held_id") if kind == FORANDRING else None, page="tjanst")
             for level in levels]
    unit = context.unit if context else None
    return OrderRequest(
        catalogue=rules.CATALOGUE, kind=kind, end_user_id=data["person_id"], lines=lines,
        forvaltning_id=unit.forvaltning.id if unit else None, omrade_id=unit.omrade_id if unit else None,
        enhet_id=unit.id if unit else None, start_date=start.isoformat(), end_date=end.isoformat() if end else "",
        fields={"kostnadsstalle": costs["kostnadsstalle"].strip(), "frikod1": costs["frikod1"].strip(),
                "frikod2": costs["frikod2"].strip(), "orsak": details["orsak"].strip(),
                "verksamhetskontext": str(context.id) if context else ""})
