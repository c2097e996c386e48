"""Suggestions while typing (progressive enhancement: every form works without them).

``POST /forslag/personer/<catalogue>``: persons the user may order for in the catalogue
(services.person_suggest); ``POST /forslag/kostnadsstallen``: active kostnadsställen by
code. POST keeps what is typed (a personnummer) out of URLs and access logs; both are
rate limited per user (rate_limits.LIMITED). Answers are JSON for beh.js's list.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_babel import gettext

from ..db import get_session
from ..services import person_suggest
from ..services.directory_api import Directory
from .access import current_actor, requires, runtime
from .forms import InputForm, StringField, TrimmedStringField


bp = Blueprint("suggest", __name__, url_prefix="/forslag")
KOSTNADSSTALLE_LIMIT = 10


class PersonSuggestForm(InputForm):
    """What is typed so far in a person field (passed on as typed)."""

    q = StringField()


class KostnadsstalleSuggestForm(InputForm):
    """What is typed so far in a Kostnadsställe field."""

    q = TrimmedStringField()


@bp.post("/personer/<catalogue>")
@requires("order")
def persons(catalogue: str):
    """Persons I may order for whose VGR-ID, name, HSA-ID or personnummer starts with ``q``."""
    spec = runtime().registry.catalogue(catalogue)
    if spec is None:
        abort(404)
    form = PersonSuggestForm()
    if not form.validate():  # control characters: nothing can start with them
        return jsonify(suggestions=[])
    found = person_suggest.suggest_persons(get_session(), current_actor(), spec, form.q.data or "")
    return jsonify(suggestions=[
        {"value": str(p.id), "label": p.label,
         "detail": " · ".join(part for part in (p.hsa_id, p.personnummer_masked, p.unit) if part)}
        for p in found])


@bp.post("/kostnadsstallen")
@requires("logged_in")
def kostnadsstallen():
    """Active kostnadsställen whose code starts with ``q``, with who answers for each."""
    form = KostnadsstalleSuggestForm()
    text = form.q.data if form.validate() else ""  # control characters: nothing can start with them
    if not text:
        return jsonify(suggestions=[])
    directory = Directory(get_session(), current_actor().today)
    found = directory.search_kostnadsstallen(text, limit=KOSTNADSSTALLE_LIMIT)
    people = directory.persons(k.ansvarig_id for k in found if k.ansvarig_id)
    return jsonify(suggestions=[
        # KiV's name often holds the number itself ("Kostnadsställe 60055 …"): said once.
        {"value": k.code, "label": k.name if k.code in (k.name or "").split() else f"{k.code} {k.name}",
         "detail": gettext("Ansvarig: %(name)s", name=people[k.ansvarig_id].display)
         if k.ansvarig_id in people else gettext("Ingen ansvarig")}
        for k in found])
