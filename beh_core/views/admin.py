"""Administratör: "Avsluta alla sessioner" for one person (issue 8).

Ends every open login session of the person (every browser, every copied
cookie), e.g. when a card is reported lost or an account misused. The same is
``flask --app beh_core beh sessions end-all VGR-ID`` on the command line.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from .access import current_actor, requires
from ..db import get_session
from ..services import sessions
from ..services.errors import ValidationFailed

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/sessioner", methods=["GET", "POST"])
@requires("admin")
def end_sessions():
    """Avsluta alla sessioner: VGR-ID, then every open session of that person ends at once."""
    vgr_id, errors = "", {}
    if request.method == "POST":
        vgr_id = request.form.get("vgr_id", "").strip()
        try:
            ended = sessions.end_all_sessions(get_session(), current_actor().person, vgr_id)
        except ValidationFailed as failed:
            errors = failed.errors
        else:
            flash(gettext("%(count)s sessioner för %(vgr_id)s är avslutade.", count=ended, vgr_id=vgr_id.lower()),
                  "info")
            return redirect(url_for("admin.end_sessions"))
    return render_template("admin/sessions.html", vgr_id=vgr_id, errors=errors), 400 if errors else 200
