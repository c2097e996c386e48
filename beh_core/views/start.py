"""Startsidan: a tile per catalogue the user may order in (from the plugins), attest, Service Desk, delegation."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, url_for

from .. import authz
from ..catalogue import Catalogue
from .access import current_actor, public, requires, runtime

bp = Blueprint("start", __name__)


@dataclass
class Tile:
    """A catalogue's tile: where it starts, its title and text, and its Tidigare beställningar links."""

    catalogue: Catalogue
    url: str


def catalogue_tiles() -> list[Tile]:
    """The tiles of the catalogues the logged-in user may order in, in the catalogues' order."""
    actor = current_actor()
    tiles = []
    for catalogue in runtime().registry.catalogues:
        if not authz.may_order(actor, catalogue):
            continue
        url = (url_for("wizard.search", catalogue=catalogue.key) if catalogue.wizard
               else url_for(catalogue.start_endpoint))
        tiles.append(Tile(catalogue, url))
    return tiles


@bp.get("/")
@requires("logged_in")
def index():
    """Välkommen till Behörighetsbeställningsblanketten."""
    actor = current_actor()
    rights = {
        "attest": authz.allows(actor, "attest"),
        "delegate": authz.allows(actor, "delegate"),
        "fulfil": authz.allows(actor, "fulfil"),
        "leavers": authz.allows(actor, "leavers"),
        "admin": authz.allows(actor, "admin"),
    }
    return render_template("start.html", tiles=catalogue_tiles(), rights=rights)


@bp.get("/healthz")
@public
def healthz():
    """Liveness check for load balancers."""
    return {"status": "ok"}
