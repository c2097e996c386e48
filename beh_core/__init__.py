"""BEH core: the Flask app factory.

``flask --app beh_core run`` serves the portal; ``flask --app beh_core beh ...``
holds the management commands and ``flask --app beh_core db upgrade`` migrates.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import BaseConverter

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


def _catalogue_converter(keys: list[str]) -> type[BaseConverter]:
    """A URL converter matching exactly the catalogues that use the standard wizard (else: 404 by routing)."""
    pattern = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True)) or "(?!)"

    class CatalogueConverter(BaseConverter):
        regex = f"(?:{pattern})"

    return CatalogueConverter


def create_app(config: dict | None = None) -> Flask:
    """Build the portal: settings, database, plugins, login, blueprints, CLI."""
    from . import cli, config as config_module, db, log_masking
    from .plugins import PluginHost, build_plugin_manager
    from .runtime import Runtime
    from .views import register_views
    from .views.access import RUNTIME_KEY, check_every_route_has_a_rule

    app = Flask(__name__, instance_relative_config=True, template_folder=_template_folder())
    config_module.load_config(app, config)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))
    log_masking.install(app.logger)
    log_masking.install(logging.getLogger("werkzeug"))
    db.init_app(app)
    host = PluginHost(build_plugin_manager(app.config.get("PLUGINS_DISABLED", ()), app.config.get("EXTRA_PLUGINS", ())),
                      app.config)
    app.extensions[RUNTIME_KEY] = Runtime(config=app.config, plugins=host, templates=app.jinja_env)
    app.url_map.converters["catalogue"] = _catalogue_converter([c.key for c in host.registry.catalogues if c.wizard])
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    from flask_babel import get_locale

    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "sv")
    register_views(app)
    for plugin_name, blueprints in host.broadcast("beh_blueprints"):
        for blueprint in blueprints or ():
            app.register_blueprint(blueprint)
    cli.init_app(app)
    check_every_route_has_a_rule(app)
    return app
