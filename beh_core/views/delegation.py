"""Delegeringar (manual 002): Ny delegering, Visa/hantera delegeringar, Sök befintlig delegering.

Thin views: parse the form, call one operation in services.delegation, render.
The chosen persons ("höger kolumn") travel as hidden fields, so the pages work
without JavaScript and nothing is stored before Spara.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from sqlalchemy import select

from ..authz import Forbidden
from .access import current_actor, read_only, requires
from .delegation_lines import delegation_lines
from .messages import translated
from ..db import get_session
from ..models import SCOPE_AREA, SCOPE_UNIT, Person
from ..services import delegation as ops
from ..services import directory
from ..services.errors import ValidationFailed
from .forms import (SEARCH_TEXT_MAX, BooleanField, IdField, IdListField, InputForm, MaxLength, TrimmedStringField,
                    field_errors, from_query, page_number, valid_data)

bp = Blueprint("delegation", __name__, url_prefix="/delegeringar")
ALL_FORVALTNINGAR = "alla"


class PersonSearchForm(InputForm):
    """Ny delegering, Lägg till användare: Sök person(er) and the chosen persons (hidden ``valda``)."""

    action = TrimmedStringField()
    fornamn = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])
    efternamn = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])
    vgr_id = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])
    organisation = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])
    valda = IdListField()
    traff = IdListField()


class DelegationScopeForm(InputForm):
    """Ny delegering, omfattning: U or L/R, Beställare/Attestant, Gäller från/till, and the chosen persons."""

    action = TrimmedStringField()
    valda = IdListField()
    scope = TrimmedStringField()
    enhet_id = IdField()
    scope_key = TrimmedStringField()
    bestallare = BooleanField(false_values=("",))
    attestant = BooleanField(false_values=("",))
    valid_from = TrimmedStringField()
    valid_to = TrimmedStringField()


class ManageDelegationsForm(InputForm):
    """Hantera delegeringar: the filters, the marked delegations, Förläng (månader) and Ta bort (bekräftad)."""

    typ = TrimmedStringField()
    omrade = TrimmedStringField()
    status = TrimmedStringField()
    valda = IdListField()
    action = TrimmedStringField()
    manader = IdField()
    bekraftad = TrimmedStringField()


class DelegationSearchForm(InputForm):
    """Visa delegeringar: a person's VGR-ID."""

    vgr_id = TrimmedStringField()


def _ids(field) -> list[int]:
    return sorted(set(field.data or []))


def _chosen_persons(ids: list[int]) -> list[Person]:
    if not ids:
        return []
    return list(get_session().scalars(select(Person).where(Person.id.in_(ids))
                                      .order_by(Person.last_name_lc, Person.first_name_lc)))


def _redirect_with_form(endpoint: str, form: InputForm):
    """Post/Redirect/Get for the pages that only search and choose: the same fields as a GET (checked there)."""
    # A text longer than any field takes is cut (the GET then says so at the field): the address must stay
    # short enough for the server, which would refuse it in English.
    fields = {field.name: [value[:SEARCH_TEXT_MAX + 1] if isinstance(value, str) else value for value in field.raw_data]
              for field in form if field.raw_data}
    return redirect(url_for(endpoint, **fields))


@bp.route("/ny", methods=["GET", "POST"])
@requires("delegate")
def new():
    """Ny delegering, Lägg till användare: Sök person(er) and move them to the right-hand list.

    A GET page: searching and choosing change nothing (an old POST is redirected to the same GET).
    """
    if request.method == "POST":
        return _redirect_with_form("delegation.new", PersonSearchForm())
    db, actor = get_session(), current_actor()
    query = from_query(PersonSearchForm)
    query.validate()
    errors = {"persons" if name in ("valda", "traff") else name: text for name, text in field_errors(query).items()}
    values = valid_data(query)
    chosen = _ids(query.valda)
    action = values["action"]
    if action == "flytta":
        chosen = sorted(set(chosen) | set(_ids(query.traff)))
    elif action.startswith("ta_bort:") and ops.db_id(action[8:]) is not None:
        chosen = [i for i in chosen if i != ops.db_id(action[8:])]
    own = ops.delegable_scopes(db, actor)  # default Organisation: the chef's own förvaltning
    form = {k: query[k].data for k in ("fornamn", "efternamn", "vgr_id")}  # as typed, also when refused
    form["organisation"] = values["organisation"] or (own[0][0].split(":")[0] if own else ALL_FORVALTNINGAR)
    hits = []
    typed = any(form[k] for k in ("fornamn", "efternamn", "vgr_id"))
    searched = action in ("sok", "flytta") or typed
    if searched and not {"fornamn", "efternamn", "vgr_id", "organisation"} & errors.keys():
        organisation = form["organisation"]
        try:
            hits = ops.find_candidates(db, actor, first_name=form["fornamn"], last_name=form["efternamn"],
                                       vgr_id=form["vgr_id"],
                                       forvaltning_id=ops.db_id(organisation))
        except ValidationFailed as failed:
            errors = {**errors, **failed.errors} if action == "sok" else errors
    organisations = [(ALL_FORVALTNINGAR, gettext("Alla förvaltningar"))] + [
        (str(f.id), f.name) for f in directory.forvaltningar(db)]
    return render_template("delegation/new.html", form=form, hits=hits, chosen=_chosen_persons(chosen),
                           organisations=organisations, errors=errors, searched=searched,
                           error_targets={"search": "fornamn", "persons": "chosen-h"})


def _input(form: DelegationScopeForm) -> ops.DelegationInput:
    """What the form says, as typed (a refused text is shown again with its message)."""
    return ops.DelegationInput(
        person_ids=_ids(form.valda), scope=form.scope.data, enhet_id=form.enhet_id.data,
        scope_key=form.scope_key.data, bestallare=bool(form.bestallare.data), attestant=bool(form.attestant.data),
        valid_from=form.valid_from.data, valid_to=form.valid_to.data,
    )


@bp.route("/ny/omfattning", methods=["GET", "POST"])
@requires("delegate")
def scope():
    """Välj U (vårdenhet) or L/R (förvaltning och område), Beställare och/eller Attestant, Gäller från/till; Spara."""
    db, actor = get_session(), current_actor()
    form = DelegationScopeForm(formdata=request.values)
    valid = form.validate()
    if not _ids(form.valda):
        return redirect(url_for("delegation.new"))
    action = form.action.data if request.method == "POST" else ""
    if request.method == "POST" and action == "tillbaka":
        return redirect(url_for("delegation.new", valda=_ids(form.valda)))
    if request.method == "POST" and action != "spara":
        return _redirect_with_form("delegation.scope", form)  # Lägg till from an old form: the page as a GET
    errors, status = {}, 200
    data = _input(form) if action == "spara" else ops.DelegationInput(person_ids=_ids(form.valda))
    if action == "spara" and not valid:
        errors = field_errors(form)  # refused at the field, the typed text shown again, nothing saved
    elif action == "spara":
        try:
            made = ops.create_delegations(db, actor, data)
        except ValidationFailed as failed:
            errors = failed.errors
        except Forbidden as refused:
            errors, status = {"enhet_id" if data.scope == SCOPE_UNIT else "scope_key": refused.message}, 403
        else:
            flash(ngettext("Delegeringen är sparad för %(num)s användare.",
                           "Delegeringen är sparad för %(num)s användare.", len(made)), "info")
            key = f"{made[0].forvaltning_id}:{made[0].omrade_id}"
            return redirect(url_for("delegation.manage", typ=data.scope, omrade=key))
    else:  # arriving from Lägg till: sensible defaults, nothing chosen for the user
        data.valid_from = actor.today.isoformat()
        data.valid_to = ops.add_months(actor.today, 12).isoformat()
    return render_template("delegation/scope.html", data=data, chosen=_chosen_persons(data.person_ids),
                           units=ops.delegable_units(db, actor), scopes=ops.delegable_scopes(db, actor),
                           errors=errors, U=SCOPE_UNIT, LR=SCOPE_AREA,
                           error_targets={"scope": "scope-" + SCOPE_UNIT, "roles": "bestallare"}), status


@bp.route("/hantera", methods=["GET", "POST"])
@requires("delegate")
@read_only
def manage():
    """Hantera delegeringar: per förvaltning och område, Alla/Aktiv/Inaktiv; Förläng 3/6/12 månader or Ta bort."""
    db, actor = get_session(), current_actor()
    scopes = ops.delegable_scopes(db, actor)
    form = ManageDelegationsForm(formdata=request.values)
    valid = form.validate()
    values = valid_data(form)
    filters = {
        "typ": values["typ"] if values["typ"] in ops.SCOPE_LABELS else SCOPE_AREA,
        "omrade": values["omrade"] or (scopes[0][0] if scopes else ""),
        "status": values["status"] if values["status"] in ops.STATUSES else "alla",
    }
    errors: dict[str, str] = {}
    marked = _ids(form.valda)
    if request.method == "POST" and not valid:
        errors = {"scope_key" if name == "omrade" else name: text for name, text in field_errors(form).items()}
    elif request.method == "POST":
        action = form.action.data
        try:
            if action == "forlang":
                rows = ops.extend_delegations(db, actor, marked, form.manader.data)
                flash(ngettext("%(num)s delegering är förlängd till %(date)s.",
                               "%(num)s delegeringar är förlängda till %(date)s.", len(rows),
                               date=rows[0].valid_to.isoformat()), "info")
                return redirect(url_for("delegation.manage", **filters))
            if action == "ta_bort" and form.bekraftad.data != "1":
                ops.check_end(db, actor, marked)  # a wrong choice is told here, before the confirmation
                return redirect(url_for("delegation.confirm_end", valda=marked, **filters))
            if action == "ta_bort":
                rows = ops.end_delegations(db, actor, marked)
                flash(ngettext("%(num)s delegering är borttagen och gäller inte längre.",
                               "%(num)s delegeringar är borttagna och gäller inte längre.", len(rows)), "info")
                return redirect(url_for("delegation.manage", **filters))
            errors = {"valda": gettext("Välj Förläng eller Ta bort.")}
        except ValidationFailed as failed:
            errors = failed.errors
    try:
        page = ops.list_delegations(db, actor, scope=filters["typ"], scope_key=filters["omrade"],
                                    status=filters["status"], page=page_number())
    except ValidationFailed as failed:
        page, errors = None, {**errors, **failed.errors}
    lines = delegation_lines(page.rows, actor.today, ops.SCOPE_LABELS) if page else []
    return render_template("delegation/manage.html", page=page, lines=lines, filters=filters, scopes=scopes,
                           errors=errors,
                           marked=set(marked), statuses=ops.STATUSES, months=ops.EXTEND_MONTHS,
                           manader=form.raw_text()["manader"] if request.method == "POST" else "",
                           U=SCOPE_UNIT, LR=SCOPE_AREA, error_targets={"valda": "delegations", "scope_key": "omrade"})


@bp.get("/ta-bort")
@requires("delegate")
def confirm_end():
    """The confirmation of Ta bort: exactly the marked delegations, one line each, before anything ends."""
    db, actor = get_session(), current_actor()
    form = from_query(ManageDelegationsForm)
    form.validate()
    values = valid_data(form)
    filters = {k: values[k] for k in ("typ", "omrade", "status")}
    marked = _ids(form.valda)
    try:
        rows = ops.check_end(db, actor, marked)
    except ValidationFailed as failed:
        flash(" ".join(translated(failed.errors).values()), "error")
        return redirect(url_for("delegation.manage", **filters))
    items = [gettext("%(name)s, %(where)s, %(start)s – %(end)s", name=d.person.display,
                     where=(d.enhet.name if d.enhet else f"{d.forvaltning.name}, {d.omrade.name if d.omrade else ''}"),
                     start=d.valid_from.isoformat(), end=d.valid_to.isoformat()) for d in rows]
    return render_template(
        "confirm.html", title=ngettext("Ta bort %(num)s delegering?", "Ta bort %(num)s delegeringar?", len(rows)),
        # The two texts as the dialog of Hantera delegeringar has them (one msgid each, in number with the title).
        text=gettext("Den här delegeringen slutar gälla i dag och kan inte förlängas efteråt:") if len(rows) == 1
        else gettext("Dessa delegeringar slutar gälla i dag och kan inte förlängas efteråt:"), items=items,
        action_url=url_for("delegation.manage"),
        hidden=[("action", "ta_bort")] + [("valda", d.id) for d in rows] + list(filters.items()),
        confirm_label=gettext("Ta bort"), cancel_url=url_for("delegation.manage", **filters))


@bp.get("/sok")
@requires("delegate")
@read_only
def search():
    """Visa delegeringar: a person's delegations by VGR-ID, aktiva och inaktiva, with Delegerat av."""
    db, actor = get_session(), current_actor()
    form = from_query(DelegationSearchForm)
    vgr_id = form.vgr_id.data or ""
    person, page, errors = None, None, {}
    if form.vgr_id.raw_data and not form.validate():
        errors = field_errors(form)
    elif form.vgr_id.raw_data:  # the search was made (also with an empty VGR-ID: the service says what is missing)
        try:
            person, page = ops.search_delegations(db, actor, vgr_id, page_number())
        except ValidationFailed as failed:
            errors = failed.errors
    lines = delegation_lines(page.rows, actor.today, ops.SCOPE_LABELS) if page else []
    return render_template("delegation/search.html", vgr_id=vgr_id, person=person, page=page, lines=lines,
                           errors=errors)
