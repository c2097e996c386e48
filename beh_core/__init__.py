"""BEH core: the Flask app factory.

``flask --app beh_core run`` serves the portal; ``flask --app beh_core beh ...``
holds the management commands and ``flask --app beh_core db upgrade`` migrates.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

__all__ = ["create_app"]

csrf = CSRFProtect()
babel = Babel()


def _template_folder() -> str:
    # Installed from a wheel, templates live in beh_core/templates; in a source
    # checkout they are the top-level templates/ folder.
    here = Path(__file__).resolve().parent
    packaged = here / "templates"
    return str(packaged if packaged.is_dir() else here.parent / "templates")


def _select_locale() -> str:
    wanted = request.args.get("lang")
    if wanted in ("sv", "en"):
        session["lang"] = wanted
    return session.get("lang", "sv")


def create_app(config: dict | None = None) -> Flask:
    """Build the portal: settings, database, plugins, login, blueprints, CLI."""
    from . import authz, cli, config as config_module, db, input_guard, plugins, rate_limits, security_headers
    from .views import register_views

    app = Flask(__name__, instance_relative_config=True, template_folder=_template_folder())
    config_module.load_config(app, config)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))
    from . import log_masking

    log_masking.install(app.logger)
    log_masking.install(logging.getLogger("werkzeug"))
    db.init_app(app)
    plugins.init_app(app)
    input_guard.init_app(app)  # first of all before_request hooks; bounded <int:> ids before the routes
    security_headers.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    from flask_babel import get_locale

    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "sv")
    register_views(app)
    rate_limits.init_app(app)  # wraps registered views: after register_views, before the rule check
    cli.init_app(app)
    authz.check_every_route_has_a_rule(app)
    return app
