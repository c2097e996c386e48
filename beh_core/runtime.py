"""What operations need from the running portal, passed as an argument instead of read from globals.

``create_app`` builds one ``Runtime`` per app (``app.extensions["beh_runtime"]``);
views pass it to operations, the CLI and background jobs too. Nothing here
imports flask, so the operations below the views stay free of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import jinja2

from .catalogue import CatalogueRegistry
from .plugins import PluginHost


@dataclass
class Runtime:
    """The configuration, the plugins and the mail templates of one app (and ``authz.Portal`` for the rules).

    :param config: the app's settings (read-only by convention).
    :param plugins: the plugin host (catalogue registry, owner calls, events).
    :param templates: the Jinja environment that renders mail templates (``templates/mail/*.txt``).
    """

    config: Mapping[str, Any]
    plugins: PluginHost
    templates: jinja2.Environment

    @property
    def registry(self) -> CatalogueRegistry:
        """Every catalogue and item, with owners."""
        return self.plugins.registry

    def render(self, template: str, **context: Any) -> str:
        """Render a text template (mail) without a request."""
        return self.templates.get_template(template).render(**context)

    def plugin_attestants(self, session, order, step) -> set[int]:
        """``authz.Portal``: person ids the catalogue's plugin allows for an attest step with the rule ``plugin``."""
        from .services.attest_rules import plugin_attestants

        return plugin_attestants(session, self, order, step)
