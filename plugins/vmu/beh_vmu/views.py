"""Vårdmedarbetaruppdrag VMU Flera användare: the plugin's own pages (thin: parse, call, render)."""
from __future__ import annotations

from flask import Blueprint

from beh_core.api import requires

HERE = {"catalogue": "vmu_flera"}


def make_blueprint(uppdrag) -> Blueprint:
    """The blueprint of the mass order pages."""
    bp = Blueprint("vmu", __name__, url_prefix="/vmu", template_folder="templates")

    @bp.get("/flera", defaults=HERE)
    @requires("order")
    def mass(catalogue: str):
        return "todo"

    return bp
