"""Att avsluta: what leavers still hold, for the beställare and verksamhetschef of their unit (thin views)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext

from .. import authz
from ..authz import Forbidden
from ..catalogue import AVSLUT
from ..db import get_session
from ..services import leavers as ops
from ..services.errors import NotFound
from ..services.ordering import LineInput
from . import wizard_state
from .access import current_actor, read_only, requires, runtime
from .forms import InputForm, TrimmedStringField, page_number

bp = Blueprint("leavers", __name__, url_prefix="/att-avsluta")


@bp.get("/")
@requires("leavers")
@read_only
def index():
    """Att avsluta: ended engagements in my units whose person still holds permissions tied to them."""
    page = ops.list_leavers(get_session(), current_actor(), page=page_number())
    return render_template("leavers/list.html", page=page)


@bp.get("/<int:engagement_id>")
@requires("leavers")
def show(engagement_id: int):
    """One leaver: the ended engagement and the held permissions to end."""
    engagement, held = _held(engagement_id)
    registry, actor = runtime().registry, current_actor()
    # One Avslut per catalogue the held permissions belong to, where the actor may order with the wizard.
    catalogues = {registry.get(h.item_key).catalogue for h in held if registry.get(h.item_key)}
    avslut = [c for c in registry.catalogues if c.key in catalogues and c.wizard and AVSLUT in c.kinds
              and authz.may_order(actor, c)]
    return render_template("leavers/show.html", engagement=engagement, held=held, avslut=avslut,
                           item_name=lambda key: registry.get(key).name if registry.get(key) else key)


def _held(engagement_id: int):
    """The ended engagement and its held permissions to end: 404 for an unknown id and for an engagement that
    has not ended (it is not on the list), 403 outside the actor's units."""
    try:
        return ops.leaver(get_session(), current_actor(), engagement_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


class AvslutForm(InputForm):
    """Beställ avslut: the catalogue whose held permissions end (one button per catalogue)."""

    katalog = TrimmedStringField()


@bp.post("/<int:engagement_id>/avslut")
@requires("leavers")
def start_avslut(engagement_id: int):
    """Beställ avslut: an Avslut of the catalogue's held permissions, at the leaver's unit, ready at Granska."""
    engagement, held = _held(engagement_id)
    registry, actor = runtime().registry, current_actor()
    form = AvslutForm()
    catalogue = registry.catalogue(form.katalog.data) if form.validate() else None
    if catalogue is None or not catalogue.wizard or AVSLUT not in catalogue.kinds:
        abort(404)
    if not authz.may_order(actor, catalogue):
        abort(403)
    unit = engagement.enhet
    if catalogue.delegation != "enhet" and not authz.may_order_in(actor, unit.omrade.forvaltning_id):
        flash(gettext("Du har ingen beställardelegering i förvaltningen där engagemanget fanns."), "error")
        return redirect(url_for("leavers.show", engagement_id=engagement_id))
    pages: dict[str, dict] = {}
    for permission in held:
        item = registry.get(permission.item_key)
        if item is not None and item.catalogue == catalogue.key:
            line = LineInput(item.key, held_permission_id=permission.id, scope_key=permission.scope_key or "",
                             page=item.page)
            pages.setdefault(item.page, {"lines": [], "free_on": False, "free_text": ""})["lines"].append(line.to_dict())
    if not pages:
        abort(404)
    wizard_state.start_draft(catalogue, engagement.person, {
        "kind": AVSLUT, "forvaltning_id": unit.omrade.forvaltning_id if catalogue.delegation != "enhet" else None,
        "pages": pages, "review": {"omrade_id": unit.omrade_id, "enhet_id": unit.id}})
    return redirect(url_for("wizard.review", catalogue=catalogue.key))
