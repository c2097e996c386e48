"""The one plugin manager of an app and what the core asks of plugins through it.

``PluginHost`` is built in ``create_app``: it loads the hook specs, the entry-point
plugins (and any extra plugins of the configuration), calls ``check_pending()`` so
a misspelt hook stops the start, collects every plugin's declarations into the
catalogue registry with their owner, and gives each plugin its own settings.

Every call goes through pluggy. An *owner* hook is called on the owning plugin
only (``pm.subset_hook_caller``); a broadcast hook is called plugin by plugin, each
with its own settings; an event reaches every plugin, and a failing one is logged.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Iterable, Mapping

import pluggy

from . import hookspecs
from .catalogue import Catalogue, CatalogueError, CatalogueRegistry, owned

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "beh.plugins"
SETTINGS_PREFIX = "PLUGIN_"


def settings_key(plugin_name: str) -> str:
    """The settings namespace of a plugin: ``my_plugin`` -> ``PLUGIN_MY_PLUGIN_``."""
    return SETTINGS_PREFIX + re.sub(r"[^A-Z0-9]+", "_", plugin_name.upper()).strip("_") + "_"


def plugin_settings(config: Mapping[str, Any], plugin_name: str) -> dict[str, Any]:
    """The configuration keys of one plugin's namespace, without the prefix (never the portal's secrets)."""
    prefix = settings_key(plugin_name)
    return {key[len(prefix):]: value for key, value in config.items() if key.startswith(prefix)}


def build_plugin_manager(disabled: Iterable[str] = (), extra_plugins: Iterable[Any] = ()) -> pluggy.PluginManager:
    """Load the specs, the entry-point plugins and the extra ones (``obj`` or ``(name, obj)``); check them."""
    pm = pluggy.PluginManager("beh")
    pm.add_hookspecs(hookspecs)
    for name in disabled:
        pm.set_blocked(name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra_plugins:
        if isinstance(plugin, tuple):
            pm.register(plugin[1], name=plugin[0])
        else:
            pm.register(plugin, name=type(plugin).__name__.lower())
    # A misspelt hook (beh_catalog_items, ...) would otherwise silently never run.
    pm.check_pending()
    return pm


class PluginHost:
    """The plugin manager, the owners of every declaration, and each plugin's settings."""

    def __init__(self, pm: pluggy.PluginManager, config: Mapping[str, Any]) -> None:
        self.pm = pm
        self._plugins: dict[str, Any] = {name: plugin for name, plugin in pm.list_name_plugin() if plugin is not None}
        self.settings: dict[str, dict[str, Any]] = {name: plugin_settings(config, name) for name in self._plugins}
        self._callers: dict[tuple[str, str], Any] = {}
        catalogues: list[Catalogue] = []
        items = []
        for name, answer in self.broadcast("beh_catalogues"):
            catalogues += owned(list(answer or ()), name)
        for name, answer in self.broadcast("beh_catalogue_items"):
            items += owned(list(answer or ()), name)
        self.registry = CatalogueRegistry(catalogues, items)

    @property
    def names(self) -> list[str]:
        """The names of the registered plugins."""
        return sorted(self._plugins)

    def implementers(self, hook_name: str) -> list[str]:
        """Names of the plugins implementing a hook, in registration order."""
        impls = getattr(self.pm.hook, hook_name).get_hookimpls()
        return [impl.plugin_name for impl in impls if impl.plugin_name in self._plugins]

    def _caller(self, plugin_name: str, hook_name: str):
        key = (plugin_name, hook_name)
        if key not in self._callers:
            others = [plugin for name, plugin in self._plugins.items() if name != plugin_name]
            self._callers[key] = self.pm.subset_hook_caller(hook_name, remove_plugins=others)
        return self._callers[key]

    def call(self, plugin_name: str, hook_name: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of a hook (with its settings) through pluggy.

        Returns the hook's result (for ``firstresult`` hooks the value, else a list).
        """
        if plugin_name not in self._plugins:
            raise CatalogueError(f"No plugin {plugin_name!r} is registered")
        return self._caller(plugin_name, hook_name)(settings=self.settings[plugin_name], **kwargs)

    def call_owner(self, owner: str, hook_name: str, **kwargs: Any) -> Any:
        """Call the owning plugin's hook; None when the owner does not implement it."""
        if owner not in self.implementers(hook_name):
            return None
        return self.call(owner, hook_name, **kwargs)

    def broadcast(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook on every implementing plugin, each with its own settings: [(plugin, answer)]."""
        answers = []
        for name in self.implementers(hook_name):
            result = self.call(name, hook_name, **kwargs)
            # Non-firstresult hooks answer a list of one result per implementation (here: one).
            answers.append((name, result[0] if isinstance(result, list) and len(result) == 1 else result))
        return answers

    def notify(self, event: str, **kwargs: Any) -> None:
        """Tell every plugin about an order event; a failing plugin is logged and the others still hear it."""
        for name in self.implementers("beh_order_event"):
            try:
                self.call(name, "beh_order_event", event=event, **kwargs)
            except Exception:  # noqa: BLE001 - a plugin must never break the change it is told about
                log.exception("Plugin %s failed in beh_order_event (%s)", name, event)
