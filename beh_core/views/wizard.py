"""The standard three-step wizard of manual 000, for every catalogue that opts in (``Catalogue.wizard``).

1. Personuppgifter > 2. Behörigheter > 3. Granska / Beställ, under ``/<catalogue>/``.
Each POST saves the server-side draft and answers with a redirect (Post/Redirect/Get),
so Back never resends a form and fixing a wrong field loses nothing typed. Nothing
about the order is written until Skicka beställning; a second Skicka of the same
draft (a double click, another tab) shows the order already created.
"""
from __future__ import annotations

import copy

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from .. import authz
from ..catalogue import AVSLUT, NYUPPLAGG
from ..db import get_session
from ..labels import KIND_LABELS
from ..models import Forvaltning, Person
from ..services import choices as choice_ops
from ..services import drafts, ordering
from ..services.directory import SEARCH_FIELDS, find_person, has_active_engagement
from ..services.directory_api import row_id
from ..services.errors import ValidationFailed
from ..services.ordering import NO_LINES, AlreadySubmitted, OrderRequest, kind_choice_message
from . import wizard_state as state
from .access import current_actor, order_or_abort, requires, runtime
from .forms import (BooleanField, IdField, InputForm, StringField, TextAreaField, TrimmedStringField, field_errors,
                    runtime_form, valid_data)
from .messages import message_text, translated
from .wizard_fields import leftover_errors, page_rows, page_targets
from .wizard_review import review_context, review_targets

bp = Blueprint("wizard", __name__)


class PersonSearchForm(InputForm):
    """Sök fram användare: what to search by and the value (a personnummer stays out of URLs: POST)."""

    field = TrimmedStringField()
    q = StringField()


class ChoosePersonForm(InputForm):
    """Fortsätt with the person found."""

    person_id = IdField()


class BehorigheterForm(InputForm):
    """Välj förvaltning and Välj ett alternativ (Nyupplägg / Förändring / Avslut)."""

    forvaltning_id = IdField()
    kind = TrimmedStringField()


def _save(draft, data: dict) -> None:
    drafts.save_draft(get_session(), draft, data)


# --- 1. Personuppgifter ------------------------------------------------------

@bp.route("/<catalogue:catalogue>/", methods=["GET", "POST"])
@requires("order")
def search(catalogue: str):
    """Sök fram användare by personnummer, passnummer, HSA-id or VGR-ID (POST: keeps it out of URLs)."""
    spec = state.catalogue_or_404(catalogue)
    fields = {key: SEARCH_FIELDS[key] for key in spec.search_fields if key in SEARCH_FIELDS}
    form = PersonSearchForm()
    valid = form.validate()
    field = form.field.data if form.field.data in fields else next(iter(fields))
    query = form.q.data or ""
    person, errors = None, {}
    if request.method == "POST" and not valid:
        errors = field_errors(form)  # told at the field, the typed text shown again
    elif request.method == "POST":
        try:
            person = find_person(get_session(), field, query)
        except ValidationFailed as failed:
            errors = failed.errors
    return render_template("wizard/search.html", catalogue=spec, fields=fields, field=field, q=query,
                           person=person, errors=errors, step=1)


@bp.post("/<catalogue:catalogue>/person")
@requires("order")
def choose_person(catalogue: str):
    """Fortsätt: start a new draft for the chosen person."""
    spec = state.catalogue_or_404(catalogue)
    form = ChoosePersonForm()
    person = get_session().get(Person, form.person_id.data) if form.validate() and form.person_id.data else None
    if person is None:
        return redirect(url_for("wizard.search", catalogue=spec.key))
    state.start_draft(spec, person)
    return redirect(url_for("wizard.behorigheter", catalogue=spec.key))


@bp.post("/<catalogue:catalogue>/angra")
@requires("order")
def cancel(catalogue: str):
    """Ångra: throw the draft away."""
    spec = state.catalogue_or_404(catalogue)
    drafts.discard_draft(get_session(), state.draft_for(spec))
    state.forget_draft(spec)
    return redirect(url_for("start.index"))


# --- 2. Behörigheter ---------------------------------------------------------

def _forvaltningar(spec) -> list[Forvaltning]:
    if spec.delegation == "enhet":
        return []
    ids = {f for f, _ in authz.orderable_scopes(current_actor())}
    return list(get_session().scalars(select(Forvaltning).where(Forvaltning.id.in_(sorted(ids)))
                                      .order_by(Forvaltning.name))) if ids else []


@bp.route("/<catalogue:catalogue>/behorigheter", methods=["GET", "POST"])
@requires("order")
def behorigheter(catalogue: str):
    """Välj förvaltning (when several) and Välj ett alternativ: Nyupplägg / Förändring / Avslut."""
    spec = state.catalogue_or_404(catalogue)
    draft = state.open_draft(spec)
    data = copy.deepcopy(draft.data)
    person = state.end_user(spec, data)
    actor = current_actor()
    forvaltningar = _forvaltningar(spec)
    active = has_active_engagement(person, actor.today)
    kinds = {k: KIND_LABELS[k] for k in spec.kinds}
    if request.method == "POST":
        form = BehorigheterForm()
        form.validate()
        chosen_f, chosen_kind = valid_data(form)["forvaltning_id"], valid_data(form)["kind"]
        errors: dict[str, str] = {}
        if spec.delegation != "enhet" and chosen_f not in {f.id for f in forvaltningar}:
            errors["forvaltning_id"] = gettext("Välj förvaltning.")
        if chosen_kind not in kinds:
            errors["kind"] = message_text(kind_choice_message(list(kinds.values())))
        elif chosen_kind != AVSLUT and not active:
            errors["kind"] = gettext("Användaren har inget aktivt engagemang i KiV. Endast Avslut kan väljas.")
        errors.update({name: text for name, text in field_errors(form).items() if name == "kind"})
        if errors:
            data["errors"] = {"behorigheter": errors, "typed": {"forvaltning_id": chosen_f, "kind": chosen_kind}}
            _save(draft, data)
            return redirect(url_for("wizard.behorigheter", catalogue=spec.key))
        if (chosen_f, chosen_kind) != (data.get("forvaltning_id"), data.get("kind")):
            data["pages"], data["review"] = {}, {}  # other systems apply: start the lists afresh
        data.update(forvaltning_id=chosen_f, kind=chosen_kind)
        data.pop("errors", None)
        _save(draft, data)
        return redirect(url_for("wizard.page", catalogue=spec.key, page=spec.pages[0].key))
    shown = data.pop("errors", None) or {}
    if shown:
        _save(draft, data)
    typed = shown.get("typed", {})
    chosen_f = typed.get("forvaltning_id") or data.get("forvaltning_id") or (
        forvaltningar[0].id if len(forvaltningar) == 1 else None)
    chosen_kind = typed.get("kind") or data.get("kind") or (NYUPPLAGG if active and NYUPPLAGG in kinds else AVSLUT)
    return render_template("wizard/behorigheter.html", catalogue=spec, person=person, forvaltningar=forvaltningar,
                           chosen_f=chosen_f, chosen_kind=chosen_kind, active=active, kinds=kinds,
                           errors=shown.get("behorigheter", {}), step=2)


@bp.route("/<catalogue:catalogue>/sida/<page>", methods=["GET", "POST"])
@requires("order")
def page(catalogue: str, page: str):
    """Lokala system, then Regionala system (the catalogue's pages): tick items and fill in their fields."""
    spec = state.catalogue_or_404(catalogue)
    wizard_page = spec.page(page)
    if wizard_page is None:
        return redirect(url_for("wizard.behorigheter", catalogue=spec.key))
    draft = state.open_draft(spec)
    data = copy.deepcopy(draft.data)
    if "kind" not in data:
        return redirect(url_for("wizard.behorigheter", catalogue=spec.key))
    person, forvaltning = state.end_user(spec, data), state.forvaltning(spec, data)
    actor, db, rt = current_actor(), get_session(), runtime()
    groups, hidden = choice_ops.page_choices(db, rt, actor, spec, wizard_page, end_user=person,
                                             forvaltning=forvaltning, kind=data["kind"], today=actor.today)
    index = [p.key for p in spec.pages].index(page)
    if request.method == "POST":
        typed, refused, action = state.read_page(page, groups)
        data.setdefault("pages", {})[page] = typed
        data.pop("errors", None)
        if action == "back":
            _save(draft, data)
            previous = spec.pages[index - 1].key if index else None
            return redirect(url_for("wizard.page", catalogue=spec.key, page=previous) if previous
                            else url_for("wizard.behorigheter", catalogue=spec.key))
        lines = [ordering.LineInput.from_dict(d) for d in typed["lines"]]
        if typed["free_on"]:
            lines.append(ordering.LineInput(None, free_text=typed["free_text"], page=page))
        errors = ordering.validate_lines(db, rt, actor, catalogue=spec, end_user=person, forvaltning=forvaltning,
                                         kind=data["kind"], lines=lines, today=actor.today, require_some=False)
        errors.update(refused)  # a control character is told at its field, before the item's own rules
        last = index == len(spec.pages) - 1
        if not errors and last and not state.all_lines(spec, data):
            errors["lines"] = NO_LINES
        if errors:
            data["errors"] = {page: translated(errors)}  # kept in the draft until shown: in today's language
            _save(draft, data)
            return redirect(url_for("wizard.page", catalogue=spec.key, page=page))
        _save(draft, data)
        return redirect(url_for("wizard.review", catalogue=spec.key) if last
                        else url_for("wizard.page", catalogue=spec.key, page=spec.pages[index + 1].key))
    errors = (data.pop("errors", None) or {}).get(page, {})
    if errors:
        _save(draft, data)
    stored = data.get("pages", {}).get(page, {})
    chosen = {(d["item_key"], d.get("scope_key") or "", d.get("held_permission_id")): d
              for d in stored.get("lines", [])}
    rows = page_rows(spec, groups, chosen, data["kind"], person, forvaltning)
    targets = page_targets(rows)
    free_text = data["kind"] == AVSLUT and wizard_page.free_text_avslut
    leftover = leftover_errors(errors, targets, set(targets) - ({"free_text"} if not free_text else set()))
    return render_template("wizard/page.html", catalogue=spec, page=wizard_page, rows=rows, hidden=hidden,
                           stored=stored, person=person, forvaltning=forvaltning, kind=data["kind"],
                           kind_label=KIND_LABELS[data["kind"]], errors=errors, error_targets=targets,
                           leftover=leftover, free_text=free_text, step=2)


# --- 3. Granska / Beställ ----------------------------------------------------

def _request_from(spec, data: dict, person: Person, forvaltning: Forvaltning | None) -> OrderRequest:
    review = data.get("review", {})
    lines = state.all_lines(spec, data)
    enhet_id = review.get("enhet_id")
    if spec.delegation == "enhet":
        units = {line.scope_key for line in lines if line.item_key and line.scope_key}
        # The lines' one vårdenhet; a scope no unit id can be (a forged "@99999999999999999999") is none, and
        # Skicka then says so, where it made Granska answer 500 (outside probe).
        enhet_id = row_id(next(iter(units))) if len(units) == 1 else None
    return OrderRequest(
        catalogue=spec.key, kind=data["kind"], end_user_id=person.id, lines=lines,
        forvaltning_id=forvaltning.id if forvaltning else None, omrade_id=review.get("omrade_id"), enhet_id=enhet_id,
        attestants={step.key: review.get(ordering.step_field(i)) for i, step in enumerate(spec.attest_steps)},
        start_date=review.get("start_date", ""), end_date=review.get("end_date", ""), akut=bool(review.get("akut")),
        fields=dict(review.get("fields") or {}))


def _review_form(spec) -> InputForm:
    """Granska beställning's form: where it belongs, attestants (one per step), dates, Akut, the order's fields."""
    fields = {"action": TrimmedStringField(), "omrade_id": IdField(), "enhet_id": IdField(),
              "start_date": TrimmedStringField(), "end_date": TrimmedStringField(),
              "akut": BooleanField(false_values=("",))}
    fields.update({ordering.step_field(index): IdField() for index in range(len(spec.attest_steps))})
    fields.update({f"order.{f.name}": TextAreaField() if f.type == "textarea" else StringField()
                   for f in spec.order_fields})
    return runtime_form(fields)


def _read_review(spec, form: InputForm) -> tuple[dict, dict[str, str]]:
    """(the review as typed, refused fields under the keys the operations use); a refused id is no choice."""
    values = valid_data(form)
    review = {"omrade_id": values["omrade_id"], "enhet_id": values["enhet_id"],
              "start_date": form["start_date"].data, "end_date": form["end_date"].data,
              "akut": bool(form["akut"].data),
              "fields": {f.name: form[f"order.{f.name}"].data or "" for f in spec.order_fields}}
    for index in range(len(spec.attest_steps)):
        review[ordering.step_field(index)] = values[ordering.step_field(index)]
    refused = {name.removeprefix("order."): text for name, text in field_errors(form).items() if name != "action"}
    return review, refused


def _remove_line(data: dict, token: str) -> None:
    page_key, _, index = token.partition(":")
    stored = data.get("pages", {}).get(page_key)
    if stored is None:
        return
    if index == "free":
        stored["free_on"], stored["free_text"] = False, ""
    elif index.isdigit() and int(index) < len(stored["lines"]):
        stored["lines"].pop(int(index))


@bp.route("/<catalogue:catalogue>/granska", methods=["GET", "POST"])
@requires("order")
def review(catalogue: str):
    """Granska beställning: lines with Ta bort, where it belongs and who attests, dates, fields; Skicka beställning."""
    spec = state.catalogue_or_404(catalogue)
    draft = state.open_draft(spec)
    data = copy.deepcopy(draft.data)
    if "kind" not in data:
        return redirect(url_for("wizard.behorigheter", catalogue=spec.key))
    person, forvaltning = state.end_user(spec, data), state.forvaltning(spec, data)
    actor, db, rt = current_actor(), get_session(), runtime()
    if request.method == "POST":
        form = _review_form(spec)
        form.validate()
        data["review"], refused = _read_review(spec, form)
        data.pop("errors", None)
        action = valid_data(form)["action"]
        if action.startswith("remove:"):
            _remove_line(data, action[len("remove:"):])
        if action == "back":
            _save(draft, data)
            return redirect(url_for("wizard.page", catalogue=spec.key, page=spec.pages[-1].key))
        refused.update(state.refused_lines(data) if action == "submit" else {})
        if refused:  # told at the field, the typed text kept; nothing is sent
            data["errors"] = {"review": refused}
            _save(draft, data)
            return redirect(url_for("wizard.review", catalogue=spec.key))
        if action != "submit":  # Ta bort, Uppdatera listorna: show the page again
            _save(draft, data)
            return redirect(url_for("wizard.review", catalogue=spec.key) + ("#attest" if action == "refresh" else ""))
        _save(draft, data)
        try:
            order = ordering.create_order(db, rt, actor, _request_from(spec, data, person, forvaltning), draft=draft)
        except AlreadySubmitted as already:
            flash(message_text(already.message), "info")
            return redirect(url_for("wizard.done", catalogue=spec.key, number=already.number))
        except ValidationFailed as failed:
            data["errors"] = {"review": translated(failed.errors)}
            _save(draft, data)
            return redirect(url_for("wizard.review", catalogue=spec.key))
        # The token stays in the session: a resent form finds the draft used and shows this order again.
        return redirect(url_for("wizard.done", catalogue=spec.key, number=order.number))
    errors = (data.pop("errors", None) or {}).get("review", {})
    if errors:
        _save(draft, data)
    request_ = _request_from(spec, data, person, forvaltning)
    context = review_context(spec, data, request_, person, forvaltning)
    targets, leftover = review_targets(context, errors)
    return render_template("wizard/review.html", **context, errors=errors, error_targets=targets,
                           leftover=leftover, step=3)


@bp.get("/<catalogue:catalogue>/klar/<number>")
@requires("order")
def done(catalogue: str, number: str):
    """Din beställning är nu skapad. Ditt ordernummer är c…"""
    spec = state.catalogue_or_404(catalogue)
    order = order_or_abort(number, authz.may_view_order)
    if order.catalogue != spec.key:  # another catalogue's order under this one's heading: no such page
        abort(404)
    return render_template("wizard/done.html", catalogue=spec, number=order.number, step=4)

