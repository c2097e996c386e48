"""Delegeringar (manual 002): Ny delegering, Visa/hantera delegeringar, Sök befintlig delegering.

Thin views: parse the form, call one operation in services.delegation, render.
The chosen persons ("höger kolumn") travel as hidden fields, so the pages work
without JavaScript and nothing is stored before Spara.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..authz import Forbidden
from .access import current_actor, requires
from ..db import get_session
from ..models import SCOPE_AREA, SCOPE_UNIT, Forvaltning, Person
from ..services import delegation as ops
from ..services.errors import ValidationFailed

bp = Blueprint("delegation", __name__, url_prefix="/delegeringar")
ALL_FORVALTNINGAR = "alla"


def _ids(name: str) -> list[int]:
    return sorted({i for i in request.values.getlist(name, type=int) if i})


def _chosen_persons(ids: list[int]) -> list[Person]:
    if not ids:
        return []
    return list(get_session().scalars(select(Person).where(Person.id.in_(ids))
                                      .order_by(Person.last_name_lc, Person.first_name_lc)))


@bp.route("/ny", methods=["GET", "POST"])
@requires("delegate")
def new():
    """Ny delegering, Lägg till användare: Sök person(er) and move them to the right-hand list."""
    db, actor = get_session(), current_actor()
    chosen = _ids("valda")
    action = request.form.get("action", "")
    if action == "flytta":
        chosen = sorted(set(chosen) | set(_ids("traff")))
    elif action.startswith("ta_bort:") and action[8:].isdigit():
        chosen = [i for i in chosen if i != int(action[8:])]
    own = ops.delegable_scopes(db, actor)  # default Organisation: the chef's own förvaltning
    form = {k: request.values.get(k, "").strip() for k in ("fornamn", "efternamn", "vgr_id")}
    form["organisation"] = request.values.get("organisation") or (own[0][0].split(":")[0] if own else ALL_FORVALTNINGAR)
    hits, errors = [], {}
    typed = any(form[k] for k in ("fornamn", "efternamn", "vgr_id"))
    if request.method == "POST" and (action in ("sok", "flytta") or typed):
        organisation = form["organisation"]
        try:
            hits = ops.find_candidates(db, actor, first_name=form["fornamn"], last_name=form["efternamn"],
                                       vgr_id=form["vgr_id"],
                                       forvaltning_id=int(organisation) if organisation.isdigit() else None)
        except ValidationFailed as failed:
            errors = failed.errors if action == "sok" else {}
    organisations = [(ALL_FORVALTNINGAR, gettext("Alla förvaltningar"))] + [
        (str(f.id), f.name) for f in db.scalars(select(Forvaltning).order_by(Forvaltning.name))]
    return render_template("delegation/new.html", form=form, hits=hits, chosen=_chosen_persons(chosen),
                           organisations=organisations, errors=errors)


def _input() -> ops.DelegationInput:
    return ops.DelegationInput(
        person_ids=_ids("valda"), scope=request.form.get("scope", ""), enhet_id=request.form.get("enhet_id", type=int),
        scope_key=request.form.get("scope_key", ""), bestallare=bool(request.form.get("bestallare")),
        attestant=bool(request.form.get("attestant")), valid_from=request.form.get("valid_from", "").strip(),
        valid_to=request.form.get("valid_to", "").strip(),
    )


@bp.route("/ny/omfattning", methods=["GET", "POST"])
@requires("delegate")
def scope():
    """Välj U (vårdenhet) or L/R (förvaltning och område), Beställare och/eller Attestant, Gäller från/till; Spara."""
    db, actor = get_session(), current_actor()
    if request.method == "GET" or not _ids("valda"):
        return redirect(url_for("delegation.new"))
    data, errors, status = _input(), {}, 200
    action = request.form.get("action", "")
    if action == "tillbaka":
        return redirect(url_for("delegation.new", valda=data.person_ids))
    if action == "spara":
        try:
            made = ops.create_delegations(db, actor, data)
        except ValidationFailed as failed:
            errors = failed.errors
        except Forbidden as refused:
            errors, status = {"enhet_id" if data.scope == SCOPE_UNIT else "scope_key": refused.message}, 403
        else:
            flash(gettext("Delegeringen är sparad för %(count)s användare.", count=len(made)), "info")
            key = f"{made[0].forvaltning_id}:{made[0].omrade_id}"
            return redirect(url_for("delegation.manage", typ=data.scope, omrade=key))
    else:  # arriving from Lägg till: sensible defaults, nothing chosen for the user
        data.valid_from = actor.today.isoformat()
        data.valid_to = ops.add_months(actor.today, 12).isoformat()
    return render_template("delegation/scope.html", data=data, chosen=_chosen_persons(data.person_ids),
                           units=ops.delegable_units(db, actor), scopes=ops.delegable_scopes(db, actor),
                           errors=errors, U=SCOPE_UNIT, LR=SCOPE_AREA), status


@bp.route("/hantera", methods=["GET", "POST"])
@requires("delegate")
def manage():
    """Hantera delegeringar: per förvaltning och område, Alla/Aktiv/Inaktiv; Förläng 3/6/12 månader or Ta bort."""
    db, actor = get_session(), current_actor()
    scopes = ops.delegable_scopes(db, actor)
    filters = {
        "typ": request.values.get("typ") if request.values.get("typ") in ops.SCOPE_LABELS else SCOPE_AREA,
        "omrade": request.values.get("omrade") or (scopes[0][0] if scopes else ""),
        "status": request.values.get("status") if request.values.get("status") in ops.STATUSES else "alla",
    }
    errors: dict[str, str] = {}
    marked = _ids("valda")
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "forlang":
                rows = ops.extend_delegations(db, actor, marked, request.form.get("manader", type=int))
                flash(gettext("%(count)s delegeringar är förlängda till %(date)s.", count=len(rows),
                              date=rows[0].valid_to.isoformat()), "info")
                return redirect(url_for("delegation.manage", **filters))
            if action == "ta_bort":
                rows = ops.end_delegations(db, actor, marked)
                flash(gettext("%(count)s delegeringar är borttagna och gäller inte längre.", count=len(rows)), "info")
                return redirect(url_for("delegation.manage", **filters))
            errors = {"valda": "Välj Förläng eller Ta bort."}
        except ValidationFailed as failed:
            errors = failed.errors
    try:
        page = ops.list_delegations(db, actor, scope=filters["typ"], scope_key=filters["omrade"],
                                    status=filters["status"], page=request.args.get("sida", 1, type=int))
    except ValidationFailed as failed:
        page, errors = None, {**errors, **failed.errors}
    return render_template("delegation/manage.html", page=page, filters=filters, scopes=scopes, errors=errors,
                           marked=set(marked), statuses=ops.STATUSES, months=ops.EXTEND_MONTHS,
                           manader=request.form.get("manader", ""), today=actor.today, labels=ops.SCOPE_LABELS, U=SCOPE_UNIT, LR=SCOPE_AREA)


@bp.get("/sok")
@requires("delegate")
def search():
    """Visa delegeringar: a person's delegations by VGR-ID, aktiva och inaktiva, with Delegerat av."""
    db, actor = get_session(), current_actor()
    vgr_id = request.args.get("vgr_id", "").strip()
    person, page, errors = None, None, {}
    if "vgr_id" in request.args:
        try:
            person, page = ops.search_delegations(db, actor, vgr_id, request.args.get("sida", 1, type=int))
        except ValidationFailed as failed:
            errors = failed.errors
    return render_template("delegation/search.html", vgr_id=vgr_id, person=person, page=page, errors=errors,
                           today=actor.today, labels=ops.SCOPE_LABELS)
