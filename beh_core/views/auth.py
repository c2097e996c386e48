"""Logga in / Logga ut. The demo login exists only when the configuration says DEMO_LOGIN."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import select

from .. import audit
from .access import public, requires
from ..db import get_session
from ..models import Person

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Logga in för att fortsätta."
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> Person | None:
    return get_session().get(Person, int(user_id))


def init_app(app) -> None:
    """Attach the login manager."""
    login_manager.init_app(app)


def _safe_next(target: str | None) -> str:
    # Only local paths: an e-mailed link brings the user back after login, never elsewhere.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("start.index")


def start_session(person: Person, method: str) -> None:
    """Log the person in (new session id) and audit the login."""
    session.clear()
    login_user(person)
    db = get_session()
    audit.record(db, person, "login", "person", person.vgr_id, method=method)
    db.commit()


@bp.get("/login")
@public
def login():
    """Logga in: Med TjänsteId+ (SITHS) and, in demo, a list of demo identities."""
    demo_people = []
    if current_app.config.get("DEMO_LOGIN") and current_app.config.get("DEMO"):
        from ..demo import demo_identities

        demo_people = demo_identities(get_session())
    return render_template("auth/login.html", demo_people=demo_people, next=request.args.get("next", ""))


@bp.post("/login/demo")
@public
def demo_login():
    """Log in as a demo identity; 404 unless the configuration enables the demo login."""
    if not (current_app.config.get("DEMO_LOGIN") and current_app.config.get("DEMO")):
        abort(404)
    vgr_id = (request.form.get("vgr_id") or "").strip().lower()
    person = get_session().scalar(select(Person).where(Person.vgr_id == vgr_id))
    if person is None:
        flash(gettext("Välj en demoidentitet i listan."), "error")
        return redirect(url_for("auth.login"))
    start_session(person, "demo")
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
@requires("logged_in")
def logout():
    """Logga ut: audit event ``logout`` and the end of the SITHS card session (if
    any) in one transaction, then the Flask session goes."""
    from flask_login import current_user

    from .siths import end_card_session

    person = current_user._get_current_object()
    # A card session: ended and audited together (commits); else only the audit event.
    if not end_card_session(person, "logout"):
        db = get_session()
        audit.record(db, person, "logout", "person", person.vgr_id, reason="logout")
        db.commit()
    logout_user()
    session.clear()
    flash(gettext("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))
