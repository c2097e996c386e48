"""TJÄNSTER (every catalogue the user may order in, from every plugin) and MIN DATA – Mina identiteter.

Also the left menu of every page (manual 004: TJÄNSTER and MIN DATA, adapted to the
user's role): its links are computed once per request from the same rules the
pages ask.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from .. import authz
from ..db import get_session
from ..services.identities import my_identities, vgr_id_ordered_for
from ..services.paging import Page
from ..services.person_match import contains_personnummer
from .access import current_actor, read_only, requires, runtime
from .forms import (SEARCH_TEXT_MAX, InputForm, MaxLength, TrimmedStringField, field_errors, from_query, page_number,
                    valid_data)
from .start import catalogue_tiles

bp = Blueprint("my_data", __name__)


class IdentitySearchForm(InputForm):
    """Mina identiteter: Sök (name, VGR-ID)."""

    sok = TrimmedStringField(validators=[MaxLength(SEARCH_TEXT_MAX)])  # the text goes into the address after Sök


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


@bp.route("/mina-identiteter", methods=["GET", "POST"])
@requires("logged_in")
@read_only
def identities():
    """Mina identiteter: the persons I have ordered for and what each of them holds.

    Sök posts and is redirected to the list with the text in the address (Post/Redirect/Get), a whole
    personnummer replaced by that person's VGR-ID: a personnummer never stands in an address or a log.
    """
    form = IdentitySearchForm() if request.method == "POST" else from_query(IdentitySearchForm)
    if not form.validate():  # told at the field, the typed text shown again
        return render_template("my_data/identities.html", page=Page([], 0, 1, 1), sok=form.raw_text()["sok"],
                               errors=field_errors(form), registry=runtime().registry,
                               today=current_actor().today), 400
    text = valid_data(form)["sok"] or ""
    db = get_session()
    if contains_personnummer(text):
        # Only someone the user ordered for is named: for anyone else, as for nobody, "Ingen identitet hittades".
        vgr_id = vgr_id_ordered_for(db, current_actor(), text)
        if vgr_id is not None:
            return redirect(url_for("my_data.identities", sok=vgr_id), 303)
        if request.method == "GET":  # typed into the address: never shown back from there
            return redirect(url_for("my_data.identities"), 303)
        # Nobody has it: "Ingen identitet hittades", the typed text kept in the field of this POST's answer.
        return render_template("my_data/identities.html", page=Page([], 0, 1, 1), sok=text,
                               registry=runtime().registry, today=current_actor().today)
    if request.method == "POST":
        return redirect(url_for("my_data.identities", **({"sok": text} if text else {})), 303)
    page = my_identities(db, current_actor(), text, page_number())
    return render_template("my_data/identities.html", page=page, sok=text, registry=runtime().registry,
                           today=current_actor().today)
