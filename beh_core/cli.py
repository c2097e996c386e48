"""Command line: ``flask --app beh_core db upgrade`` and the ``beh`` command group."""
from __future__ import annotations

import json
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup

db_cli = AppGroup("db", help="Databasmigreringar (Alembic).")
beh_cli = AppGroup("beh", help="BEH: katalog, demodata och bakgrundsjobb.")
directory_cli = AppGroup("directory", help="Katalogen (KiV).")
beh_cli.add_command(directory_cli)


def alembic_config(app: Flask) -> Config:
    """An Alembic Config pointing at the packaged migrations and the app's database."""
    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    cfg.attributes["beh_app"] = app
    return cfg


def upgrade_database(app: Flask, revision: str = "heads") -> None:
    """Bring the app's database schema to the given revision."""
    command.upgrade(alembic_config(app), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    upgrade_database(current_app, revision)
    click.echo("Databasen är uppdaterad.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION."""
    command.downgrade(alembic_config(current_app), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Create a new migration from the models (developers)."""
    command.revision(alembic_config(current_app), message=message, autogenerate=True)


@directory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def directory_import(path: Path) -> None:
    """Import or update the directory from a JSON file (format: docs/directory-import.md)."""
    from .db import get_session
    from .services.directory_import import import_directory

    counts = import_directory(get_session(), json.loads(path.read_text("utf-8")))
    click.echo("Importerat: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@beh_cli.command("demo")
@click.option("--persons", default=600, show_default=True, help="Antal personer i demoregionen.")
@click.option("--orders", default=200, show_default=True, help="Antal beställningar i demoregionen.")
@click.option("--seed", default=2026, show_default=True)
def demo(persons: int, orders: int, seed: int) -> None:
    """Build the fictional demo region (migrates first; refuses a non-empty database)."""
    from .db import get_session
    from .demo import build_demo_region

    upgrade_database(current_app)
    summary = build_demo_region(get_session(), persons=persons, orders=orders, seed=seed)
    click.echo("Demoregionen är skapad: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(db_cli)
    app.cli.add_command(beh_cli)
