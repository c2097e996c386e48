"""The L/R order wizard of manual 000: 1. Personuppgifter > 2. Behörigheter > 3. Granska / Beställ.

The draft lives in the user's session (ids and typed values only, never a
personnummer), so Föregående and fixing a wrong field lose nothing typed.
Nothing is written to the database until Skicka beställning.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy import select

from .. import authz
from ..authz import current_actor, requires
from ..db import get_session
from ..models import Enhet, Forvaltning, HeldPermission, Person
from ..plugins import catalogue, plugin_manager
from ..services import ordering
from ..services.directory import SEARCH_FIELDS, find_person, has_active_engagement, held_permissions
from ..services.errors import ValidationFailed
from ..services.ordering import KIND_LABELS, LineInput, ReviewInput, _N

bp = Blueprint("wizard", __name__, url_prefix="/lr")
DRAFT = "lr_draft"
SCOPES = ("local", "regional")
SCOPE_TITLES = {"local": _N("Lokala system"), "regional": _N("Regionala system")}


def _draft() -> dict:
    return session.get(DRAFT) or {}


def _save(draft: dict) -> None:
    session[DRAFT] = draft
    session.modified = True


def _end_user(draft: dict) -> Person:
    person = get_session().get(Person, draft.get("person_id") or 0)
    if person is None:
        abort(redirect(url_for("wizard.search")))
    return person


def _forvaltning(draft: dict) -> Forvaltning:
    forvaltning = get_session().get(Forvaltning, draft.get("forvaltning_id") or 0)
    if forvaltning is None or not authz.may_order_in(current_actor(), forvaltning.id):
        abort(redirect(url_for("wizard.behorigheter")))
    return forvaltning


def _all_lines(draft: dict) -> list[LineInput]:
    lines: list[LineInput] = []
    for scope in SCOPES:
        page = draft.get("pages", {}).get(scope, {})
        lines += [LineInput.from_dict(d) for d in page.get("lines", [])]
        if page.get("free_on"):
            lines.append(LineInput(None, free_text=page.get("free_text", "")))
    return lines


# --- 1. Personuppgifter ------------------------------------------------------

@bp.route("/", methods=["GET", "POST"])
@requires("order_lr")
def search():
    """Sök fram användare by personnummer, passnummer, HSA-id or VGR-ID (POST: keeps it out of URLs)."""
    field = request.form.get("field", "personnummer")
    query = request.form.get("q", "")
    person, errors = None, {}
    if request.method == "POST":
        try:
            person = find_person(get_session(), field, query)
        except ValidationFailed as failed:
            errors = failed.errors
    return render_template("wizard/search.html", fields=SEARCH_FIELDS, field=field, q=query, person=person,
                           errors=errors, step=1)


@bp.post("/person")
@requires("order_lr")
def choose_person():
    """Fortsätt: start a new draft for the chosen person."""
    person = get_session().get(Person, request.form.get("person_id", type=int) or 0)
    if person is None:
        return redirect(url_for("wizard.search"))
    _save({"person_id": person.id, "pages": {}})
    return redirect(url_for("wizard.behorigheter"))


@bp.post("/angra")
@requires("order_lr")
def cancel():
    """Ångra: throw the draft away."""
    session.pop(DRAFT, None)
    return redirect(url_for("start.index"))


# --- 2. Behörigheter ---------------------------------------------------------

@bp.route("/behorigheter", methods=["GET", "POST"])
@requires("order_lr")
def behorigheter():
    """Välj förvaltning (when several) and Välj ett alternativ: Nyupplägg / Förändring / Avslut."""
    draft = _draft()
    person = _end_user(draft)
    actor = current_actor()
    db = get_session()
    forvaltningar = ordering.orderable_forvaltningar(db, actor)
    active = has_active_engagement(person, actor.today)
    errors: dict[str, str] = {}
    chosen_f = request.form.get("forvaltning_id", type=int) or draft.get("forvaltning_id") or (
        forvaltningar[0].id if len(forvaltningar) == 1 else None)
    chosen_kind = request.form.get("kind") or draft.get("kind") or ("nyupplagg" if active else "avslut")
    if request.method == "POST":
        if chosen_f not in {f.id for f in forvaltningar}:
            errors["forvaltning_id"] = "Välj förvaltning."
        if chosen_kind not in KIND_LABELS:
            errors["kind"] = "Välj Nyupplägg, Förändring eller Avslut."
        elif chosen_kind != "avslut" and not active:
            errors["kind"] = "Användaren har inget aktivt engagemang i KiV. Endast Avslut kan väljas."
        if not errors:
            if (chosen_f, chosen_kind) != (draft.get("forvaltning_id"), draft.get("kind")):
                draft["pages"] = {}  # other systems apply: start the lists afresh
            draft.update(forvaltning_id=chosen_f, kind=chosen_kind)
            _save(draft)
            return redirect(url_for("wizard.systems", scope="local"))
    return render_template("wizard/behorigheter.html", person=person, forvaltningar=forvaltningar,
                           chosen_f=chosen_f, chosen_kind=chosen_kind, active=active, kinds=KIND_LABELS,
                           errors=errors, step=2)


def _choices(scope: str, draft: dict, forvaltning: Forvaltning, person: Person):
    """What the page lists: catalogue items (Nyupplägg) or held permissions (Förändring / Avslut)."""
    cat = catalogue()
    kind = draft["kind"]
    today = current_actor().today
    held = held_permissions(get_session(), person.id, today)
    if kind == "nyupplagg":
        held_keys = {h.item_key for h in held}
        return [(item, None) for item in cat.items_for("lr", scope, forvaltning.code, kind)
                if item.key not in held_keys]
    rows = []
    for permission in held:
        item = cat.get(permission.item_key)
        if item and item.catalogue == "lr" and item.scope == scope and kind in item.kinds:
            rows.append((item, permission))
    return rows


def _read_page(scope: str, rows) -> dict:
    """The page's checkboxes and fields as typed (kept even when invalid)."""
    lines = []
    for item, permission in rows:
        token = f"{item.key}:{permission.id}" if permission else item.key
        if token not in request.form.getlist("choose"):
            continue
        values = {f.name: (request.form.get(f"f.{token}.{f.name}") or "").strip() for f in item.fields}
        lines.append(LineInput(item.key, values, permission.id if permission else None).to_dict())
    return {"lines": lines, "free_on": bool(request.form.get("free_on")),
            "free_text": request.form.get("free_text", "")}


@bp.route("/system/<scope>", methods=["GET", "POST"])
@requires("order_lr")
def systems(scope: str):
    """Lokala system, then Regionala system: tick systems and fill in their fields."""
    if scope not in SCOPES:
        abort(404)
    draft = _draft()
    person, forvaltning = _end_user(draft), _forvaltning(draft)
    if "kind" not in draft:
        return redirect(url_for("wizard.behorigheter"))
    rows = _choices(scope, draft, forvaltning, person)
    errors: dict[str, str] = {}
    if request.method == "POST":
        page = _read_page(scope, rows)
        draft.setdefault("pages", {})[scope] = page
        _save(draft)
        action = request.form.get("action")
        if action == "back":
            return redirect(url_for("wizard.systems", scope="local") if scope == "regional"
                            else url_for("wizard.behorigheter"))
        page_lines = [LineInput.from_dict(d) for d in page["lines"]]
        if page["free_on"]:
            page_lines.append(LineInput(None, free_text=page["free_text"]))
        errors = ordering.validate_lines(get_session(), catalogue(), plugin_manager(), end_user=person,
                                         forvaltning=forvaltning, kind=draft["kind"], lines=page_lines,
                                         today=current_actor().today, require_some=False)
        if not errors and scope == "regional" and not _all_lines(draft):
            errors["lines"] = "Beställningen innehåller inga behörigheter. Välj minst en behörighet."
        if not errors:
            return redirect(url_for("wizard.systems", scope="regional") if scope == "local"
                            else url_for("wizard.review"))
    page = draft.get("pages", {}).get(scope, {})
    chosen = {(d["item_key"], d.get("held_permission_id")): d["values"] for d in page.get("lines", [])}
    return render_template("wizard/systems.html", scope=scope, title=SCOPE_TITLES[scope], rows=rows,
                           chosen=chosen, page=page, draft=draft, person=person, forvaltning=forvaltning,
                           kind_label=KIND_LABELS[draft["kind"]], errors=errors, step=2)


# --- 3. Granska / Beställ ----------------------------------------------------

def _review_input(draft: dict) -> ReviewInput:
    data = draft.get("review", {})
    return ReviewInput(data.get("omrade_id"), data.get("enhet_id"), data.get("attestant_id"),
                       data.get("start_date", ""), bool(data.get("akut")), data.get("tillaggsinformation", ""))


def _read_review() -> dict:
    return {
        "omrade_id": request.form.get("omrade_id", type=int), "enhet_id": request.form.get("enhet_id", type=int),
        "attestant_id": request.form.get("attestant_id", type=int),
        "start_date": request.form.get("start_date", "").strip(), "akut": bool(request.form.get("akut")),
        "tillaggsinformation": request.form.get("tillaggsinformation", ""),
    }


def _remove_line(draft: dict, token: str) -> None:
    scope, _, index = token.partition(":")
    page = draft.get("pages", {}).get(scope)
    if page is None:
        return
    if index == "free":
        page["free_on"], page["free_text"] = False, ""
    elif index.isdigit() and int(index) < len(page["lines"]):
        page["lines"].pop(int(index))


@bp.route("/granska", methods=["GET", "POST"])
@requires("order_lr")
def review():
    """Granska beställning: lines with Ta bort, Område -> Verksamhet -> Attestant, Startdatum, Skicka."""
    draft = _draft()
    person, forvaltning = _end_user(draft), _forvaltning(draft)
    actor, db = current_actor(), get_session()
    errors: dict[str, str] = {}
    if request.method == "POST":
        fresh = _read_review()
        # A verksamhet or attestant outside the chosen område is simply not listed and fails validation.
        draft["review"] = fresh
        action = request.form.get("action", "")
        if action.startswith("remove:"):
            _remove_line(draft, action[len("remove:"):])
        _save(draft)
        if action == "back":
            return redirect(url_for("wizard.systems", scope="regional"))
        if action == "submit":
            try:
                order = ordering.create_order(
                    db, actor, catalogue(), plugin_manager(), end_user_id=person.id, forvaltning_id=forvaltning.id,
                    kind=draft["kind"], lines=_all_lines(draft), review=_review_input(draft))
            except ValidationFailed as failed:
                errors = failed.errors
            else:
                session.pop(DRAFT, None)
                from ..plugins import notify

                notify("beh_order_event", event="created", order=order, actor=actor.person)
                return redirect(url_for("wizard.done", number=order.number))
    review_data = draft.get("review", {})
    omraden = ordering.orderable_omraden(db, actor, forvaltning.id)
    omrade_id = review_data.get("omrade_id")
    enheter = list(db.scalars(select(Enhet).where(Enhet.omrade_id == omrade_id).order_by(Enhet.name))) \
        if omrade_id in {o.id for o in omraden} else []
    enhet_id = review_data.get("enhet_id")
    attestants = ordering.attestants_for(db, omrade_id, enhet_id, actor.today, (person.id, actor.id)) \
        if enhet_id in {e.id for e in enheter} else []
    lines = _review_lines(draft)
    akut_possible = any(item and item.akut for _, _, item, _ in lines)
    return render_template("wizard/review.html", draft=draft, person=person, forvaltning=forvaltning, lines=lines,
                           omraden=omraden, enheter=enheter, attestants=attestants, review=review_data,
                           akut_possible=akut_possible, kind=draft["kind"], kind_label=KIND_LABELS[draft["kind"]],
                           errors=errors, step=3)


def _review_lines(draft: dict):
    """(remove token, line, item, held permission) for every line of the draft."""
    cat, db = catalogue(), get_session()
    rows = []
    for scope in SCOPES:
        page = draft.get("pages", {}).get(scope, {})
        for index, data in enumerate(page.get("lines", [])):
            line = LineInput.from_dict(data)
            held = db.get(HeldPermission, line.held_permission_id) if line.held_permission_id else None
            rows.append((f"{scope}:{index}", line, cat.get(line.item_key or ""), held))
        if page.get("free_on"):
            rows.append((f"{scope}:free", LineInput(None, free_text=page.get("free_text", "")), None, None))
    return rows


@bp.get("/klar/<number>")
@requires("order_lr")
def done(number: str):
    """Din beställning är nu skapad. Ditt ordernummer är c…"""
    return render_template("wizard/done.html", number=number, step=3)
