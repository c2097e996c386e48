"""What Granska beställning shows: the lines as the manual lists them, place, attestants, dates, order fields."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import authz
from ..catalogue import AVSLUT, AttestStep, CatalogItem, Catalogue
from ..db import get_session
from ..labels import KIND_LABELS
from ..models import Enhet, Forvaltning, HeldPermission, Omrade, OrderStatus, Person
from ..services import attest_rules
from ..services.directory_api import PersonInfo, held_info
from ..services.order_fields import item_fields, order_fields, shown
from ..services.order_info import LineInfo, OrderInfo
from ..services.ordering import OrderRequest, order_context, parse_date, step_field
from .access import current_actor, runtime
from .wizard_fields import leftover_errors


@dataclass
class ReviewLine:
    """One line of the review: the token for Ta bort, the item (None for free text) and what it shows.

    ``error_prefix`` is how the operations name the line in their error keys (``item[@scope]``).
    """

    token: str
    item: CatalogItem | None
    name: str
    shown: list
    free_text: str | None
    error_prefix: str = ""

    @property
    def row_id(self) -> str:
        """The id of the line's row (the error summary links there)."""
        return "line-" + self.token.replace(":", "-")

    def errors(self, errors: dict[str, str]) -> list[tuple[str, str]]:
        """(key, message) of the errors about this line."""
        if self.free_text is not None:
            return [("free_text", errors["free_text"])] if "free_text" in errors else []
        return [(k, m) for k, m in errors.items() if k.startswith(self.error_prefix + ".")]


@dataclass
class StepChoice:
    """An attest step on the review: its form field, candidates, the chosen or assigned attestant."""

    step: AttestStep
    field: str
    candidates: list[Person]
    chosen: int | None


def review_context(spec: Catalogue, data: dict, request: OrderRequest, person: Person,
                   forvaltning: Forvaltning | None) -> dict:
    """Everything the review template needs, from the draft (one call per page, a handful of queries)."""
    db, rt, actor = get_session(), runtime(), current_actor()
    review = data.get("review", {})
    context = order_context(db, actor, spec.key, request.kind, person, forvaltning, actor.today)
    lines = _lines(spec, data, context)
    omraden, enheter = _place_choices(spec, forvaltning, review)
    fields = order_fields(rt, spec, context)
    typed_fields = review.get("fields") or {}
    values = {f.name: typed_fields.get(f.name, f.default) for f in fields}
    unit = db.get(Enhet, request.enhet_id) if request.enhet_id else None
    steps = _steps(spec, request, person, forvaltning, unit, values)
    items = [rt.registry.get(line.item_key) for line in request.lines]
    return {
        "catalogue": spec, "person": person, "forvaltning": forvaltning, "kind": request.kind,
        "kind_label": KIND_LABELS[request.kind], "lines": lines, "omraden": omraden, "enheter": enheter,
        "unit": unit, "attest_steps": steps, "order_fields": fields, "field_values": values, "review": review,
        "akut_possible": spec.akut and any(item and item.akut for item in items),
    }


def _lines(spec: Catalogue, data: dict, context) -> list[ReviewLine]:
    db, rt = get_session(), runtime()
    rows = []
    for page in spec.pages:
        stored = data.get("pages", {}).get(page.key, {})
        for index, raw in enumerate(stored.get("lines", [])):
            item = rt.registry.get(raw.get("item_key"))
            held = db.get(HeldPermission, raw["held_permission_id"]) if raw.get("held_permission_id") else None
            if item is None:
                continue
            if context.kind == AVSLUT:
                pairs = list(held.shown or []) if held else []
            else:
                fields = item_fields(rt, item, context, held_info(held) if held else None)
                values = {f.name: raw.get("values", {}).get(f.name) or ((held.details or {}).get(f.name, "") if held
                                                                         else "") for f in fields}
                pairs = shown(fields, values)
            prefix = item.key + (f"@{raw['scope_key']}" if raw.get("scope_key") else "")
            rows.append(ReviewLine(f"{page.key}:{index}", item, item.name, pairs, None, prefix))
        if stored.get("free_on"):
            rows.append(ReviewLine(f"{page.key}:free", None, "Fritext (avslut)", [], stored.get("free_text", "")))
    return rows


def _place_choices(spec: Catalogue, forvaltning: Forvaltning | None, review: dict):
    if spec.delegation == "enhet" or forvaltning is None:
        return [], []
    db, actor = get_session(), current_actor()
    ids = {o for f, o in authz.orderable_scopes(actor) if f == forvaltning.id}
    omraden = list(db.scalars(select(Omrade).where(Omrade.id.in_(sorted(ids))).order_by(Omrade.name))) if ids else []
    omrade_id = review.get("omrade_id")
    enheter = list(db.scalars(select(Enhet).where(Enhet.omrade_id == omrade_id).order_by(Enhet.name))) \
        if omrade_id in {o.id for o in omraden} else []
    return omraden, enheter


def _steps(spec: Catalogue, request: OrderRequest, person: Person, forvaltning: Forvaltning | None,
           unit: Enhet | None, values: dict) -> list[StepChoice]:
    db, rt, actor = get_session(), runtime(), current_actor()
    place_known = unit is not None and (spec.delegation == "enhet" or unit.omrade_id == request.omrade_id)
    f_id = forvaltning.id if forvaltning else (unit.omrade.forvaltning_id if unit else 0)
    info = OrderInfo(None, None, spec.key, request.kind, OrderStatus.VANTAR_PA_ATTEST.value,
                     PersonInfo.of(actor.person), PersonInfo.of(person), None, f_id,
                     unit.omrade_id if unit else request.omrade_id, unit.id if unit else None,
                     parse_date(request.start_date) or actor.today, parse_date(request.end_date), request.akut,
                     dict(values), tuple(LineInfo(None, line.item_key, "", dict(line.values), line.scope_key,
                                                  line.held_permission_id, line.free_text)
                                         for line in request.lines))
    result = []
    for index, step in enumerate(spec.attest_steps):
        needs_place = step.rule in ("area", "unit")
        people = attest_rules.candidates(db, rt, spec, step, info, actor.today) if (place_known or not needs_place) \
            else []
        chosen = request.attestants.get(step.key)
        if chosen is None and not step.chosen_by_orderer and len(people) == 1:
            chosen = people[0].id
        result.append(StepChoice(step, step_field(index), people, chosen))
    return result


def review_targets(context: dict, errors: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(error key -> id the error summary links to, errors with no place on the page).

    A line's errors ("labb.konto.avdelning") are shown in its row and link there: its fields are
    filled in on the page before; the row says what is wrong and has Ta bort.
    """
    targets = {"lines": "lines-h"}
    shown = {"lines", "omrade_id", "enhet_id", "start_date", "end_date", "akut"}
    if context["catalogue"].delegation == "enhet":
        targets["enhet_id"] = "unit-fact"
    for line in context["lines"]:
        for key, _ in line.errors(errors):
            targets[key] = line.row_id
            shown.add(key)
    for step in context["attest_steps"]:
        shown.add(step.field)
    for resolved in context["order_fields"]:
        targets[resolved.name] = f"order.{resolved.name}"
        shown.add(resolved.name)
    if not context["catalogue"].end_date:
        shown.discard("end_date")
    return targets, leftover_errors(errors, targets, shown)
