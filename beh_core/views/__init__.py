"""Blueprints (thin views). Each view parses the request, calls one operation and renders."""
from __future__ import annotations

from flask import Flask
from flask_babel import gettext


def register_views(app: Flask) -> None:
    """Register every blueprint, the login manager and the error pages."""
    from . import attest, auth, delegation, errors, orders, siths, start, wizard
    from . import feedback, servicedesk
    from . import admin, leavers

    from ..identifiers import mask_personnummer

    app.jinja_env.filters["mask_pnr"] = mask_personnummer
    app.jinja_env.filters["options"] = lambda objects: [(o.id, o.name) for o in objects]
    app.jinja_env.filters["people"] = lambda persons: [(p.id, p.display) for p in persons]
    # (value, label) pairs whose labels are msgids marked with _N: the labels in the chosen language.
    app.jinja_env.filters["translated"] = lambda pairs: [(value, gettext(label)) for value, label in pairs]
    auth.init_app(app)
    errors.init_app(app)
    for module in (auth, start, wizard, attest, orders, delegation, siths):
        app.register_blueprint(module.bp)
    for module in (servicedesk, feedback):
        app.register_blueprint(module.bp)
    for module in (leavers, admin):
        app.register_blueprint(module.bp)
