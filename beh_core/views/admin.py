"""Administration: the directory sync runs (Katalogsynk), for administrators only (thin views)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from .access import requires
from ..db import get_session
from ..models import DirectorySyncRun
from ..services.directory_sync import COUNT_LABELS, MODE_LABELS, STATUS_LABELS, changes_total, recent_runs

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
