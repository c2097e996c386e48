"""Att avsluta: what leavers still hold, for the beställare and verksamhetschef of their unit (thin views)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..authz import Forbidden
from ..db import get_session
from .access import current_actor, requires, runtime
from ..services import leavers as ops
from ..services.errors import NotFound

bp = Blueprint("leavers", __name__, url_prefix="/att-avsluta")


@bp.get("/")
@requires("leavers")
def index():
    """Att avsluta: ended engagements in my units whose person still holds permissions tied to them."""
    page = ops.list_leavers(get_session(), current_actor(), page=request.args.get("sida", 1, type=int))
    return render_template("leavers/list.html", page=page)


@bp.get("/<int:engagement_id>")
@requires("leavers")
def show(engagement_id: int):
    """One leaver: the ended engagement and the held permissions to end."""
    try:
        engagement, held = ops.leaver(get_session(), current_actor(), engagement_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    items = runtime().registry
    return render_template("leavers/show.html", engagement=engagement, held=held,
                           item_name=lambda key: items.get(key).name if items.get(key) else key)
