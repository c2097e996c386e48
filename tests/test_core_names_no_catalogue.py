"""The core knows no catalogue, system or plugin by name: everything catalogue-specific lives in plugins.

The names come from the installed plugins themselves (catalogue keys and titles, item keys and
names, plugin names), so a new plugin is covered without touching this test. Alembic revisions
are history (they may move old data) and are not searched.
"""
from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

from beh_core.plugins import ENTRY_POINT_GROUP

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for p in (ROOT / "beh_core").rglob("*.py") if "migrations" not in p.parts] + [
    p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".txt")]


def _names(app) -> dict[str, re.Pattern]:
    """Every name a plugin owns -> the pattern that finds it in source text."""
    registry = app.extensions["beh_runtime"].registry
    patterns: dict[str, re.Pattern] = {}
    keys = {c.key for c in registry.catalogues} | {item.key for item in registry}
    for key in keys:
        # a key as a string literal, or as the start of one ("lr.", "lr:"), in any case
        patterns[key] = re.compile(r"[\"'`]" + re.escape(key) + r"[\"'`.:@]", re.IGNORECASE)
    for text in {c.title for c in registry.catalogues} | {item.name for item in registry}:
        patterns[text] = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        patterns[entry.name] = re.compile(r"(?<!\w)" + re.escape(entry.name) + r"(?!\w)")
        module = entry.value.split(".")[0]
        patterns[module] = re.compile(r"(?<!\w)" + re.escape(module) + r"(?!\w)")
    return patterns


def test_kärnan_nämner_ingen_katalog_inget_system_och_inget_plugin(app):
    patterns = _names(app)
    assert len(patterns) > 10  # the installed plugins really contributed names
    found = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for name, pattern in patterns.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {name!r} in {line.strip()[:100]}")
    assert found == [], "\n".join(found)


def test_mönstren_hittar_ett_namn_om_det_skulle_smyga_sig_in(app):
    patterns = _names(app)
    assert patterns["lr"].search('catalogue = "lr"') and patterns["lr"].search("key='LR.slvd'")
    assert not patterns["lr"].search("SCOPE_LABELS = {'enhet': 'U', 'omrade': 'L/R'}")
