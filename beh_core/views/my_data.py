"""TJÄNSTER (every catalogue the user may order in, from every plugin) and MIN DATA – Mina identiteter.

Also the left menu of every page (manual 004: TJÄNSTER and MIN DATA, adapted to the
user's role): its links are computed once per request from the same rules the
pages ask.
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from .. import authz
from ..db import get_session
from ..services.identities import my_identities
from .access import current_actor, read_only, requires, runtime
from .forms import InputForm, TrimmedStringField, from_query, page_number, valid_data
from .start import catalogue_tiles

bp = Blueprint("my_data", __name__)


class IdentitySearchForm(InputForm):
    """Mina identiteter: Sök (name, VGR-ID)."""

    sok = TrimmedStringField()


@bp.app_context_processor
def _menu() -> dict:
    """``menu_rights()`` for base.html: which role-specific links the left menu shows."""

    def menu_rights() -> dict[str, bool]:
        if not current_user.is_authenticated:
            return {}
        actor = current_actor()
        return {rule: authz.allows(actor, rule) for rule in ("attest", "fulfil", "delegate", "leavers", "admin")}

    return {"menu_rights": menu_rights}


@bp.get("/tjanster")
@requires("logged_in")
@read_only
def services():
    """TJÄNSTER: a tile per catalogue the user may order in, whatever plugin declares it."""
    return render_template("my_data/services.html", tiles=catalogue_tiles(everything=True))


@bp.get("/mina-identiteter")
@requires("logged_in")
@read_only
def identities():
    """Mina identiteter: the persons I have ordered for and what each of them holds."""
    form = from_query(IdentitySearchForm)
    form.validate()
    text = valid_data(form)["sok"] or ""
    page = my_identities(get_session(), current_actor(), text, page_number())
    return render_template("my_data/identities.html", page=page, sok=text, registry=runtime().registry,
                           today=current_actor().today)
