"""Provlabbet's own page: the lab leaders (everyone may read; an administrator adds one)."""
from flask import Blueprint, redirect, render_template, request, url_for

from beh_core.api import current_actor, db_session, directory, requires

bp = Blueprint("provlabb", __name__, url_prefix="/provlabb", template_folder="templates")


@bp.get("/ledare")
@requires("logged_in")
def ledare():
    """Labbledare per enhet."""
    from .models import Labbledare

    rows = db_session().query(Labbledare).order_by(Labbledare.id).all()
    people = directory().persons(r.person_id for r in rows)
    units = {u.id: u for u in directory().units(r.enhet_id for r in rows)}
    return render_template("provlabb/ledare.html", rows=rows, people=people, units=units,
                           me=current_actor().person.vgr_id)


@bp.post("/ledare")
@requires("admin")
def add_ledare():
    """Register a lab leader (the plugin's own table, written with the request's session)."""
    from .models import Labbledare

    person = directory().person_by_vgr_id(request.form.get("vgr_id", ""))
    unit = directory().unit(request.form.get("enhet_id", type=int))
    if person and unit:
        session = db_session()
        session.add(Labbledare(enhet_id=unit.id, person_id=person.id))
        session.commit()
    return redirect(url_for("provlabb.ledare"))
