"""Startsidan with the tiles of manual 000, shown according to the user's rights."""
from __future__ import annotations

from flask import Blueprint, render_template

from .. import authz
from ..authz import current_actor, public, requires

bp = Blueprint("start", __name__)


@bp.get("/")
@requires("logged_in")
def index():
    """Välkommen till Behörighetsbeställningsblanketten."""
    actor = current_actor()
    tiles = {
        "lr": authz.may_order(actor, "lr"),
        "vmu": authz.may_order(actor, "vmu"),
        "attest": authz.allows(actor, "attest"),
        "delegate": authz.allows(actor, "delegate"),
        "fulfil": authz.allows(actor, "fulfil"),
        "leavers": authz.allows(actor, "leavers"),
        "admin": authz.allows(actor, "admin"),
    }
    return render_template("start.html", tiles=tiles)


@bp.get("/healthz")
@public
def healthz():
    """Liveness check for load balancers."""
    return {"status": "ok"}
