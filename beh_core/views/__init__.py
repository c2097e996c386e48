"""Blueprints (thin views). Each view parses the request, calls one operation and renders."""
from __future__ import annotations

from flask import Flask
from flask_babel import gettext


def register_views(app: Flask) -> None:
    """Register every blueprint, the login manager, the error pages and the template helpers."""
    from . import admin, attest, auth, delegation, errors, feedback, leavers, messages, my_data, orders
    from . import servicedesk, siths, start, suggest, template_helpers, wizard
    from ..identifiers import mask_personnummer
    from .access import runtime
    from .template_helpers import page_translations

    app.jinja_env.filters["mask_pnr"] = mask_personnummer
    app.jinja_env.filters["options"] = lambda objects: [(o.id, o.name) for o in objects]
    app.jinja_env.filters["people"] = lambda persons: [(p.id, p.display) for p in persons]
    # (value, label) pairs whose labels are msgids marked with _N: the labels in the chosen language.
    # Through the page's own translations (looked up once per request), not flask_babel's gettext, which
    # finds the locale and the domain again for every text.
    app.jinja_env.filters["translated"] = lambda pairs: [(value, page_translations().ugettext(label))
                                                         for value, label in pairs]
    # {value: msgid} -> {value: text in the chosen language}, once per page instead of once per row.
    app.jinja_env.filters["translated_map"] = lambda labels: {value: text for value, text in zip(
        labels, map(page_translations().ugettext, labels.values()))}

    def catalogue_title(key: str) -> str:
        catalogue = runtime().registry.catalogue(key)
        return gettext(catalogue.title) if catalogue else key

    app.jinja_env.globals["catalogue_title"] = catalogue_title
    app.jinja_env.globals["unit_label"] = lambda key: gettext(runtime().registry.unit_label(key))
    auth.init_app(app)
    template_helpers.init_app(app)
    messages.init_app(app)
    errors.init_app(app)
    for module in (auth, start, wizard, attest, orders, delegation, siths, servicedesk, feedback, admin, leavers,
                   my_data, suggest):
        app.register_blueprint(module.bp)
