"""Administration (administrators only, thin views): Avsluta alla sessioner, and the directory sync runs.

"Avsluta alla sessioner" ends every open login session of a person (every browser, every
copied cookie), e.g. when a card is reported lost; the same is ``flask --app beh_core beh
sessions end-all VGR-ID``. Katalogsynk shows the directory sync runs (docs/directory-sync.md).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from ..db import get_session
from ..models import DirectorySyncRun
from ..services import sessions
from ..services.directory_sync import COUNT_LABELS, MODE_LABELS, STATUS_LABELS, changes_total, recent_runs
from ..services.errors import ValidationFailed
from .access import current_actor, requires
from .forms import InputForm, TrimmedStringField, field_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


class EndSessionsForm(InputForm):
    """Avsluta alla sessioner: the person's VGR-ID."""

    vgr_id = TrimmedStringField()


@bp.route("/sessioner", methods=["GET", "POST"])
@requires("admin")
def end_sessions():
    """Avsluta alla sessioner: VGR-ID, then every open session of that person ends at once."""
    vgr_id, errors = "", {}
    form = EndSessionsForm()
    if request.method == "POST" and not form.validate():
        vgr_id, errors = form.raw_text()["vgr_id"], field_errors(form)
    elif request.method == "POST":
        vgr_id = form.vgr_id.data
        try:
            ended = sessions.end_all_sessions(get_session(), current_actor().person, vgr_id)
        except ValidationFailed as failed:
            errors = failed.errors
        else:
            flash(ngettext("%(num)s session för %(vgr_id)s är avslutad.", "%(num)s sessioner för %(vgr_id)s är avslutade.",
                           ended, vgr_id=vgr_id.lower()), "info")
            return redirect(url_for("admin.end_sessions"))
    return render_template("admin/sessions.html", vgr_id=vgr_id, errors=errors), 400 if errors else 200


@bp.context_processor
def _labels() -> dict:
    return {"sync_modes": MODE_LABELS, "sync_statuses": STATUS_LABELS, "sync_counts": COUNT_LABELS,
            "sync_changes": changes_total}


@bp.get("/katalogsynk")
@requires("admin")
def sync_runs():
    """Katalogsynk: the latest runs with status, counts and skipped entries."""
    return render_template("admin/sync_runs.html", runs=recent_runs(get_session()))


@bp.get("/katalogsynk/<int:run_id>")
@requires("admin")
def sync_run(run_id: int):
    """One run: what it read, changed and skipped, and why it failed or stopped."""
    run = get_session().get(DirectorySyncRun, run_id)
    if run is None:
        abort(404)
    return render_template("admin/sync_run.html", run=run)
