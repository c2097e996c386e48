"""Startsidan: Arbetsuppgifter (tasks waiting for me) and Tjänster (a tile per catalogue I order in, from the
plugins, and the attest, Service Desk, delegation and administration tiles)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, url_for

from .. import authz
from ..catalogue import Catalogue
from ..db import get_session
from ..services.work_tasks import frequent_catalogues, work_tasks
from .access import current_actor, public, read_only, requires, runtime

bp = Blueprint("start", __name__)


@dataclass
class Tile:
    """A catalogue's tile: where it starts, its title and text, and its Tidigare beställningar links."""

    catalogue: Catalogue
    url: str


def catalogue_tiles(*, everything: bool = False) -> list[Tile]:
    """The tiles of the catalogues the logged-in user may order in, in the catalogues' order.

    The start page leaves out catalogues declared with ``start_page=False`` unless the user orders in
    them often (``FREQUENT_ORDERS`` in ``FREQUENT_DAYS`` days); TJÄNSTER (``everything``) lists them all.
    """
    actor = current_actor()
    orderable = [c for c in runtime().registry.catalogues if authz.may_order(actor, c)]
    if not everything:
        config = runtime().config
        rare = [c.key for c in orderable if not c.start_page]
        often = frequent_catalogues(get_session(), actor, rare, days=int(config.get("FREQUENT_DAYS", 90)),
                                    minimum=int(config.get("FREQUENT_ORDERS", 3))) if rare else set()
        orderable = [c for c in orderable if c.start_page or c.key in often]
    return [Tile(c, url_for("wizard.search", catalogue=c.key) if c.wizard else url_for(c.start_endpoint))
            for c in orderable]


@bp.get("/")
@requires("logged_in")
@read_only
def index():
    """Välkommen till Behörighetsbeställningsblanketten: Arbetsuppgifter, then Tjänster."""
    actor = current_actor()
    rights = {
        "attest": authz.allows(actor, "attest"),
        "delegate": authz.allows(actor, "delegate"),
        "fulfil": authz.allows(actor, "fulfil"),
        "leavers": authz.allows(actor, "leavers"),
        "admin": authz.allows(actor, "admin"),
    }
    any_catalogue = any(authz.may_order(actor, c) for c in runtime().registry.catalogues)
    return render_template("start.html", tiles=catalogue_tiles(), rights=rights, tasks=work_tasks(get_session(), actor),
                           any_catalogue=any_catalogue)


@bp.get("/healthz")
@public
def healthz():
    """Liveness check for load balancers."""
    return {"status": "ok"}
