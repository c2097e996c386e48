"""Logga in / Logga ut. The demo login exists only when the configuration says DEMO_LOGIN."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import LoginManager, login_user, logout_user, user_logged_out
from sqlalchemy import select

from .. import audit
from .access import public, requires, runtime
from .forms import InputForm, TrimmedStringField
from ..db import get_session
from ..input_guard import safe_next
from ..models import Person
from ..services import sessions

SESSION_KEY = "sid"  # the Flask session key naming the server-side session record
CARD_KEY = "card"  # set for SITHS card sessions: the page watches the card
# A card session that ended because the card left the reader or the agent stopped answering: the
# login page's kort= value, kept in the otherwise empty session (ENDED_KEY) for the next login page.
# The page that saw the card go may be leaving for another page at that moment (an attest page
# moving on after signing); whichever page the browser lands on, the login page still says why.
CARD_END_REASONS = {"card_removed": "borttaget", "agent_unreachable": "agent"}
ENDED_KEY = "card_session_ended"
LANGUAGE_KEY = "lang"  # the language chosen with ?lang= (beh_core._select_locale): kept across login and logout

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Logga in för att fortsätta."
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> Person | None:
    checked = g.pop("beh_session_person", None)  # read with the session check, in the same statement
    if checked is not None and str(checked.id) == str(user_id):
        return checked
    return get_session().get(Person, int(user_id))


def init_app(app) -> None:
    """Attach the login manager; any logout also ends the session record (``_on_logout``)."""
    login_manager.init_app(app)
    user_logged_out.connect(_on_logout, app)


def _safe_next(target: str | None) -> str:
    """Where to go after login (demo and SITHS alike): a path on this site, else the start page.

    An e-mailed link brings the user back after login, never elsewhere (``input_guard.safe_next``).
    """
    return safe_next(target, url_for("start.index"))


def clear_session() -> None:
    """Empty the Flask session but keep the chosen language.

    Login, Logga ut and an ended session start a new, empty session (nothing of the earlier person may
    remain); the language is the browser's choice, not the person's, so English stays English.
    """
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language


def start_session(person: Person, method: str, *, session_method: str | None = None,
                  certificate_sha256: str | None = None) -> None:
    """Log the person in: a new Flask session, a new server-side session record and the login audit event.

    ``method`` is the audited login method ("demo", "siths"); ``session_method`` what the
    record keeps ("demo", "challenge", "mtls"); card logins pass the certificate fingerprint.
    """
    clear_session()
    db = get_session()
    sid = sessions.open_session(db, person, session_method or method, certificate_sha256)
    audit.record(db, person, "login", "person", person.vgr_id, method=method)
    db.commit()  # the record and the audit event together, before the cookie names the record
    g.pop("beh_actor", None)  # rights read for an earlier login of this browser are not this person's
    login_user(person)
    session[SESSION_KEY] = sid
    if certificate_sha256:
        session[CARD_KEY] = True


def end_current_session(person: Person, reason: str) -> bool:
    """End this browser's session record and audit ``logout`` (``reason``) in one transaction (commits).

    True if a record was open. Call before ``logout_user``; on an error nothing is ended
    (the user stays logged in and may try again).
    """
    sid = session.get(SESSION_KEY)
    if not sid:
        return False
    db = get_session()
    ended = sessions.end_session(db, sid, reason)
    if ended:
        audit.record(db, person, "logout", "person", person.vgr_id, reason=reason)
        db.commit()
    else:
        db.rollback()
    session.pop(SESSION_KEY, None)  # only after the commit: a failure keeps the session (and card watch)
    return ended


def _on_logout(app, user=None) -> None:
    """Safety net: a logout that did not end its session record itself (Logga ut and card removal do,
    in their own transaction) still ends it, with its audit event, so an old copied cookie is worthless."""
    sid = session.get(SESSION_KEY)
    if not sid:
        return
    from sqlalchemy.orm import Session as DbSession

    with DbSession(bind=get_session().get_bind()) as db:
        if sessions.end_session(db, sid, "logout"):
            if user is not None and getattr(user, "id", None):
                audit.record(db, user, "logout", "person", user.vgr_id, reason="logout")
            db.commit()
    session.pop(SESSION_KEY, None)


def session_ended_by_card(sid: str | None) -> str | None:
    """The login page's kort= value if the ended record ``sid`` ended with its card or agent, else None.

    Only asked on the rare refused request (one statement), never on the everyday path."""
    record = sessions.session_record(get_session(), sid) if sid else None
    return CARD_END_REASONS.get(record.end_reason) if record is not None else None


@bp.before_app_request
def _refuse_ended_session():
    """Every request of a logged-in browser: its session record must still be open.

    Logga ut, card removal or an administrator ended it: the cookie (and every copy) is refused.
    """
    if request.endpoint == "static" or "_user_id" not in session:
        return
    try:
        user_id = int(session["_user_id"])
    except (TypeError, ValueError):
        user_id = None
    rt = runtime()
    actor = sessions.open_session_actor(get_session(), session.get(SESSION_KEY), user_id, config=rt.config,
                                        portal=rt, remote_addr=request.remote_addr)
    if actor is None:
        sid = session.pop(SESSION_KEY, None)  # already ended: nothing to end on the way out
        logout_user()
        clear_session()
        ended_by_card = session_ended_by_card(sid)
        if ended_by_card:
            session[ENDED_KEY] = ended_by_card
    else:
        # The check, the user and their rights came in one statement: the login manager and
        # current_actor() take them from here instead of asking again.
        g.beh_session_person = actor.person
        g.beh_actor = actor


@bp.get("/login")
@public
def login():
    """Logga in: Med TjänsteId+ (SITHS) and, in demo, a list of demo identities."""
    demo_people = []
    if current_app.config.get("DEMO_LOGIN") and current_app.config.get("DEMO"):
        from ..demo import demo_identities

        demo_people = demo_identities(get_session())
    return render_template("auth/login.html", demo_people=demo_people,
                           next=safe_next(request.args.get("next"), ""))


class DemoLoginForm(InputForm):
    """The demo login: the chosen identity and where to go after it."""

    vgr_id = TrimmedStringField()
    next = TrimmedStringField()


@bp.post("/login/demo")
@public
def demo_login():
    """Log in as a demo identity; 404 unless the configuration enables the demo login."""
    if not (current_app.config.get("DEMO_LOGIN") and current_app.config.get("DEMO")):
        abort(404)
    form = DemoLoginForm()
    form.validate()  # a hostile "next" is only dropped below; the identity must be clean
    vgr_id = form.vgr_id.data.lower() if not form.vgr_id.errors else ""
    person = get_session().scalar(select(Person).where(Person.vgr_id == vgr_id)) if vgr_id else None
    if person is None:
        flash(gettext("Välj en demoidentitet i listan."), "error")
        return redirect(url_for("auth.login"))
    if not person.is_active:
        flash(gettext("Personen finns inte längre som aktiv i katalogen (KiV) och kan inte logga in."), "error")
        return redirect(url_for("auth.login"))
    start_session(person, "demo")
    return redirect(_safe_next(None if form.next.errors else form.next.data))


@bp.post("/logout")
@requires("logged_in")
def logout():
    """Logga ut: audit event ``logout`` and the end of the SITHS card session (if
    any) in one transaction, then the Flask session goes."""
    from flask_login import current_user

    person = current_user._get_current_object()
    # The session record: ended and audited together (commits); else (no record) only the audit event.
    if not end_current_session(person, "logout"):
        db = get_session()
        audit.record(db, person, "logout", "person", person.vgr_id, reason="logout")
        db.commit()
    logout_user()
    clear_session()
    flash(gettext("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))
