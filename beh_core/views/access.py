"""The web side of authorization: ``@requires`` / ``@public``, the current actor and the shared object check.

The rules themselves are in ``beh_core.authz``; this module only applies them to
requests. Plugin blueprints use the same decorators (through ``beh_core.api``).
"""
from __future__ import annotations

import functools

from flask import Flask, abort, current_app, g, request, url_for
from flask_login import current_user

from .. import authz
from ..authz import Actor
from ..db import READ_ONLY_ATTRIBUTE, get_session
from ..rate_limits import wants_json
from ..runtime import Runtime

RUNTIME_KEY = "beh_runtime"


def runtime(app: Flask | None = None) -> Runtime:
    """The Runtime of the given (or current) app: config, plugins, mail templates."""
    return (app or current_app).extensions[RUNTIME_KEY]


def current_actor(fresh: bool = False) -> Actor:
    """The Actor of the logged-in user, cached for the request (``fresh``: read again, after a change of
    the user's rights in this request)."""
    if fresh:
        g.pop("beh_actor", None)
    if "beh_actor" not in g:
        rt = runtime()
        g.beh_actor = authz.load_actor(get_session(), current_user._get_current_object(), config=rt.config,
                                       portal=rt, remote_addr=request.remote_addr)
    return g.beh_actor



def after_decision_url() -> str:
    """Where an attest decision (signed or not) leads: the attest list while the user may still see it, else
    the start page. Someone who attests only at a step a plugin names them for (an ekonomisk attest, no
    attest delegation) may open the list only while such a step waits for them: after their last one the
    list would answer Åtkomst nekad under the message that the order is approved."""
    return url_for("attest.index") if authz.allows(current_actor(fresh=True), "attest") else url_for("start.index")

def requires(rule: str):
    """Decorate a view: log-in required and the named route rule must allow the actor (else 403)."""
    if rule not in authz.ROUTE_RULES:
        raise KeyError(f"Unknown authorization rule {rule!r}")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if wants_json():  # a page's script: an answer it can read, not the login page
                    abort(401)
                return current_app.login_manager.unauthorized()
            if not authz.ROUTE_RULES[rule](current_actor(), kwargs):
                abort(403)
            return view(*args, **kwargs)

        wrapper.beh_rule = rule
        return wrapper

    return decorator


def read_only(view):
    """Decorate a view (below ``@requires``) whose GET only reads: its statements run without BEGIN/ROLLBACK.

    A POST to the same view still gets an ordinary transaction (``db.get_session``).
    """
    setattr(view, READ_ONLY_ATTRIBUTE, True)
    return view


def public(view):
    """Decorate a view that anyone may reach (login page, health check)."""
    view.beh_rule = authz.PUBLIC
    return view


def check_every_route_has_a_rule(app: Flask) -> None:
    """Refuse to start when a view lacks @requires or @public: no view may decide on its own."""
    missing = [
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "beh_rule", None)
    ]
    if missing:
        raise RuntimeError(f"Views without an authorization rule: {sorted(missing)}")


def route_rule(app: Flask, endpoint: str) -> str | None:
    """The rule name of an endpoint (for the authorization matrix test)."""
    return getattr(app.view_functions.get(endpoint), "beh_rule", None)


def order_or_abort(number: str, rule):
    """The order with the number for the current actor: 404 when it does not exist, 403 when ``rule`` denies it."""
    from ..services.order_queries import load_order

    order = load_order(get_session(), number)
    if order is None:
        abort(404)
    if rule is not None and not rule(current_actor(), order):
        abort(403)
    return order
