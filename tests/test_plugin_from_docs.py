"""A plugin written only from docs/plugins.md installs from a wheel, works end to end, and can be removed.

The example plugin (tests/plugin_example: Provlabbet) has its own catalogue and start tile, a table
with its own migration, a page, a two-step attest whose second step the plugin decides, an
order-level field, per-request field choices, e-mail/checkbox/select fields and its own checks.
Core, L/R and the example are built as wheels and installed into a folder; a separate interpreter
then runs tests/plugin_example/scenario.py against them, first with the plugin, then without it
on the same database.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "plugin_example"


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def install(wheels: list[Path], target: Path) -> None:
    run(sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), *map(str, wheels))


def scenario(target: Path, phase: str, url: str, cwd: Path) -> str:
    # Only the installed wheels and this venv's third-party packages: not the source checkout.
    site = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    bootstrap = (f"import sys, runpy; sys.path[:0] = [{str(target)!r}, {str(ROOT / 'tests')!r}]; "
                 f"sys.path.append({site!r}); sys.argv = ['scenario', {phase!r}, {url!r}]; "
                 f"runpy.run_path({str(EXAMPLE / 'scenario.py')!r}, run_name='__main__')")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-I", "-c", bootstrap], capture_output=True, text=True, env=env, cwd=cwd)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return result.stdout


def test_ett_plugin_skrivet_från_dokumentationen_fungerar_och_kan_tas_bort(tmp_path, empty_database):
    wheels = tmp_path / "wheels"
    source = tmp_path / "example"
    shutil.copytree(EXAMPLE, source)  # build from a copy: no build/ or egg-info left in the checkout
    for project in (ROOT / "siths", ROOT, ROOT / "plugins" / "lr_systems", source):
        run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
            str(project))
    core = [w for w in wheels.iterdir() if not w.name.startswith("beh_provlabb")]
    example = [w for w in wheels.iterdir() if w.name.startswith("beh_provlabb")]
    assert len(example) == 1
    with_it, without_it = tmp_path / "with", tmp_path / "without"
    install(core + example, with_it)
    install(core, without_it)
    assert "OK with" in scenario(with_it, "with", empty_database, tmp_path)
    assert "OK without" in scenario(without_it, "without", empty_database, tmp_path)
