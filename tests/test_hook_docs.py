"""Every hook has an entry in docs/plugins.md and a test that implements it (so the core calls it in a test).

As datasette does: a new hook without documentation or without a test fails here.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from beh_core import api, hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "plugins.md").read_text("utf-8")
TESTS = "\n".join(p.read_text("utf-8") for p in (ROOT / "tests").rglob("*.py"))
HOOKS = sorted(name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("beh_"))


def test_det_finns_hooks():
    assert len(HOOKS) >= 12


@pytest.mark.parametrize("hook", HOOKS)
def test_varje_hook_är_dokumenterad(hook):
    assert f"#### {hook}\n" in DOC, f"{hook} has no entry in docs/plugins.md"
    spec = getattr(hookspecs, hook)
    for param in inspect.signature(spec).parameters:
        assert f":param {param}:" in spec.__doc__, f"{hook}: argument {param} is not documented"


@pytest.mark.parametrize("hook", HOOKS)
def test_varje_hook_har_ett_test_som_implementerar_den(hook):
    assert re.search(rf"def {hook}\(", TESTS), f"no test implements {hook}"


@pytest.mark.parametrize("name", api.__all__)
def test_varje_namn_i_api_finns_i_guiden(name):
    assert name in DOC, f"beh_core.api.{name} is not in docs/plugins.md"
