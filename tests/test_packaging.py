"""A non-editable wheel install of core + plugin runs, templates included."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def test_hjul_för_kärnan_och_lr_systems_fungerar_installerade(tmp_path):
    wheels = tmp_path / "wheels"
    for project in (ROOT / "siths", ROOT, ROOT / "plugins" / "lr_systems"):
        run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
            str(project))
    names = sorted(p.name for p in wheels.iterdir())
    assert any(n.startswith("beh_core-") for n in names) and any(n.startswith("beh_lr_systems-") for n in names)
    assert any(n.startswith("beh_siths-") for n in names)
    # Install the wheels into a folder and run with this venv's third-party packages but not our editable sources.
    site = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    target = tmp_path / "site"
    run(sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), *map(str, wheels.iterdir()))
    assert (target / "beh_core" / "templates" / "base.html").is_file()
    assert (target / "beh_core" / "migrations" / "versions" / "0001_initial_schema.py").is_file()
    script = textwrap.dedent(f"""
        import sys
        sys.path[:] = [{str(target)!r}] + [p for p in sys.path if p.endswith("site-packages") and "{ROOT}" not in p] + [{str(site)!r}]
        sys.path.extend(p for p in {sys.path!r} if "python3" in p and "site-packages" not in p)
        import beh_core, beh_lr_systems
        assert beh_core.__file__.startswith({str(target)!r}), beh_core.__file__
        assert beh_lr_systems.__file__.startswith({str(target)!r}), beh_lr_systems.__file__
        from beh_core import create_app
        from beh_core.cli import upgrade_database
        app = create_app({{"DATABASE_URL": "sqlite:///{tmp_path}/w.sqlite", "SECRET_KEY": "x", "DEMO": True, "DEMO_LOGIN": True}})
        upgrade_database(app)
        page = app.test_client().get("/login").get_data(as_text=True)
        assert "Med TjänsteId+" in page
        with app.app_context():
            assert app.extensions["beh_runtime"].registry.get("lr.slvd") is not None
        print("wheel ok")
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    result = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, env=env,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wheel ok" in result.stdout


def test_kortagenten_är_en_egen_distribution_utan_portalens_beroenden(tmp_path):
    """A workstation installs beh-siths[agent]: it needs neither Flask nor SQLAlchemy (nor the portal)."""
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
        str(ROOT / "siths"))
    (wheel,) = tmp_path.glob("beh_siths-*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
        names = archive.namelist()
    requires = [line.split(":", 1)[1].strip().lower() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert not any(r.startswith(("flask", "sqlalchemy", "beh-core", "alembic")) for r in requires), requires
    assert any(r.startswith("pyscard") and "agent" in r for r in requires)
    assert "siths/agent.py" in names and not any(n.startswith("beh_core/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        assert "beh-siths-agent = siths.agent:main" in archive.read(entry_points).decode()
