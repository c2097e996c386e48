"""The one plugin manager of an app: built in create_app, checked at start-up."""
from __future__ import annotations

import logging
from typing import Any, Iterable

import pluggy
from flask import Flask, current_app

from . import hookspecs
from .catalogue import Catalogue

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "beh.plugins"
PM_KEY = "beh_plugins"
CATALOGUE_KEY = "beh_catalogue"


def build_plugin_manager(disabled: Iterable[str] = (), extra_plugins: Iterable[Any] = ()) -> pluggy.PluginManager:
    """Load the specs, the entry-point plugins and any extra plugins; fail on unknown hooks."""
    pm = pluggy.PluginManager("beh")
    pm.add_hookspecs(hookspecs)
    for name in disabled:
        pm.set_blocked(name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra_plugins:
        pm.register(plugin)
    # A misspelt hook (beh_catalog_items, ...) would otherwise silently never run.
    pm.check_pending()
    return pm


def init_app(app: Flask) -> None:
    """Build the app's plugin manager and catalogue (duplicate item keys fail here)."""
    pm = build_plugin_manager(app.config.get("PLUGINS_DISABLED", ()), app.config.get("EXTRA_PLUGINS", ()))
    app.extensions[PM_KEY] = pm
    items = [item for answer in pm.hook.beh_catalogue_items(config=dict(app.config)) for item in answer]
    app.extensions[CATALOGUE_KEY] = Catalogue(items)


def plugin_manager(app: Flask | None = None) -> pluggy.PluginManager:
    """The plugin manager of the given (or current) app."""
    return (app or current_app).extensions[PM_KEY]


def catalogue(app: Flask | None = None) -> Catalogue:
    """The catalogue of the given (or current) app."""
    return (app or current_app).extensions[CATALOGUE_KEY]


def notify(hook_name: str, **kwargs: Any) -> None:
    """Call a notification hook; a failing implementation is logged, never raised."""
    caller = getattr(plugin_manager().hook, hook_name)
    for impl in caller.get_hookimpls():
        try:
            impl.function(**{name: kwargs[name] for name in impl.argnames})
        except Exception:  # noqa: BLE001 - a plugin must never break the user's request
            log.exception("Plugin %s failed in %s", impl.plugin_name, hook_name)
