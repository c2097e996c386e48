"""Command line: ``flask --app beh_core db upgrade`` and the ``beh`` command group."""
from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup

log = logging.getLogger(__name__)


class MaskedGroup(AppGroup):
    """A command group whose unexpected errors are reported without personnummer.

    The traceback goes to the log (masked by ``log_masking``) and the operator sees one
    masked line, instead of Python printing the raw exception (a database error quotes
    the values that failed, e.g. a personnummer).
    """

    def invoke(self, ctx: click.Context):
        """Run the subcommand; turn an unexpected exception into a masked ClickException."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - reported, masked, with a non-zero exit
            log.error("Kommandot %s misslyckades", ctx.invoked_subcommand, exc_info=True)
            raise click.ClickException(f"Kommandot misslyckades: {describe_error(exc)}") from None


def describe_error(exc: BaseException) -> str:
    """One masked line about an error (a database error: the database's own first line)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .log_masking import mask_text

    cause = getattr(exc, "orig", None) if isinstance(exc, SQLAlchemyError) else None
    text = str(cause or exc).strip() or type(exc).__name__
    return mask_text(" ".join(text.split())[:500])


db_cli = AppGroup("db", help="Databasmigreringar (Alembic).")
beh_cli = MaskedGroup("beh", help="BEH: katalog, demodata och bakgrundsjobb.")
directory_cli = AppGroup("directory", help="Katalogen (KiV).")
beh_cli.add_command(directory_cli)


def alembic_config(app: Flask, plugin: str | None = None, versions: str | None = None) -> Config:
    """An Alembic Config for the core's migrations, or for one plugin's (its own versions and version table)."""
    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    if plugin is not None:
        cfg.set_main_option("version_locations", versions)
        cfg.attributes["version_table"] = f"alembic_version_{plugin}"
    cfg.attributes["beh_app"] = app
    return cfg


def plugin_migrations(app: Flask) -> list[tuple[str, str]]:
    """(plugin, versions folder) of every installed plugin that ships migrations."""
    from .views.access import runtime

    return [(name, folder) for name, folder in runtime(app).plugins.broadcast("beh_migrations") if folder]


def upgrade_database(app: Flask, revision: str = "heads") -> None:
    """Bring the core's schema to the revision, then every installed plugin's schema to its newest."""
    command.upgrade(alembic_config(app), revision)
    for name, folder in plugin_migrations(app):
        command.upgrade(alembic_config(app, name, folder), "heads")


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
    from sqlalchemy.exc import SQLAlchemyError

    from .db import get_session
    from .services.directory_import import import_directory
    from .services.errors import ValidationFailed

    session = get_session()
    try:
        counts = import_directory(session, json.loads(path.read_text("utf-8")))
    except ValidationFailed as failed:  # the messages name the VGR-ID, never the personnummer
        raise click.ClickException("Importen misslyckades: " + "; ".join(failed.errors.values())) from None
    except (SQLAlchemyError, ValueError, KeyError, TypeError) as exc:
        session.rollback()
        log.error("Katalogimporten misslyckades", exc_info=True)
        raise click.ClickException(f"Importen misslyckades, inget är ändrat: {describe_error(exc)}") from None
    click.echo("Importerat: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@directory_cli.command("sync")
@click.option("--full", is_flag=True, help="Full avstämning: läs alla personer, inte bara de ändrade.")
@click.option("--confirm", is_flag=True,
              help="Genomför även en körning som inaktiverar fler personer än LDAP_MAX_DEACTIVATE_PERCENT.")
@click.option("--quiet", is_flag=True, help="Skriv bara resultatet, inte varje sida.")
def directory_sync(full: bool, confirm: bool, quiet: bool) -> None:
    """Sync persons, engagements, units, chefs and kostnadsställen from LDAP (docs/directory-sync.md)."""
    from .db import get_session
    from .services.directory_sync import SyncBusy, sync_directory
    from .services.ldap_source import SyncConfigError

    def progress(kind: str, page: int) -> None:
        if not quiet:
            click.echo(f"  {kind}: sida {page}", err=True)

    try:
        report = sync_directory(get_session(), current_app.config, full=full, confirm=confirm, started_by="cli",
                                on_page=progress)
    except (SyncConfigError, SyncBusy) as error:
        raise click.ClickException(str(error)) from None
    click.echo(str(report))
    if report.status != "ok":
        raise SystemExit(1 if report.status == "failed" else 2)


@beh_cli.command("demo")
@click.option("--persons", default=600, show_default=True, help="Antal personer i demoregionen.")
@click.option("--orders", default=200, show_default=True, help="Antal beställningar i demoregionen.")
@click.option("--seed", default=2026, show_default=True)
def demo(persons: int, orders: int, seed: int) -> None:
    """Build the fictional demo region (migrates first; refuses a non-empty database)."""
    from .db import get_session
    from .demo import build_demo_region, coming_engagement_examples, example_search_keys

    from .views.access import runtime

    upgrade_database(current_app)
    summary = build_demo_region(get_session(), persons=persons, orders=orders, seed=seed, rt=runtime())
    click.echo("Demoregionen är skapad: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    # Fictional demo persons only: a newcomer needs something to type into Sök fram användare.
    click.echo("Prova att söka fram en användare (steg 1 i en beställning, Sök på):")
    for label, value, person in example_search_keys(get_session()):
        click.echo(f"  {label:13} {value:28} {person.display}")
    click.echo("Engagemang som börjar senare (att beställa för före första dagen):")
    for label, person, engagement in coming_engagement_examples(get_session()):
        click.echo(f"  {label:20} {person.display:32} från {engagement.start_date.isoformat()} "
                   f"({engagement.enhet.name})")


sessions_cli = AppGroup("sessions", help="Inloggningssessioner.")
beh_cli.add_command(sessions_cli)


@sessions_cli.command("end-all")
@click.argument("vgr_id")
def sessions_end_all(vgr_id: str) -> None:
    """End every open login session of the person VGR_ID (every browser, every copied cookie)."""
    from .db import get_session
    from .services.errors import ValidationFailed
    from .services.sessions import end_all_sessions

    try:
        ended = end_all_sessions(get_session(), None, vgr_id, reason="admin_cli")
    except ValidationFailed as failed:
        raise click.ClickException("; ".join(failed.errors.values())) from None
    click.echo(f"Avslutade sessioner för {vgr_id.strip().lower()}: {ended}")


receipt_cli = AppGroup("receipt", help="Signeringskvitton för attester (SITHS).")
beh_cli.add_command(receipt_cli)


@receipt_cli.command("export")
@click.argument("ordernummer")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Fil att skriva kvittot till (standard: stdout).")
def receipt_export(ordernummer: str, output: Path | None) -> None:
    """Write the self-contained signing receipt of ORDERNUMMER's attest (check it with beh-siths verify)."""
    from .db import get_session
    from .services.errors import NotFound
    from .services.signing import receipt_for

    try:
        data = receipt_for(get_session(), ordernummer)
    except NotFound as exc:
        raise click.ClickException(exc.message) from exc
    if output is None:
        click.echo(data, nl=False)  # bytes go out unchanged: no added newline
    else:
        output.write_bytes(data)
        click.echo(f"Kvittot är sparat i {output}. Kontrollera: beh-siths verify {output} --trust ROT-CA.pem",
                   err=True)


@beh_cli.command("delegation-reminders")
@click.option("--days", type=int, default=None, help="Dagar före slutdatum (standard: DELEGATION_REMINDER_DAYS).")
def delegation_reminders(days: int | None) -> None:
    """E-mail chefs about delegations they granted that end soon (once per delegation); run-due does this too."""
    from .db import get_session
    from .services.delegation import send_end_reminders
    from .views.access import runtime

    days = current_app.config.get("DELEGATION_REMINDER_DAYS", 14) if days is None else days
    sent = send_end_reminders(get_session(), runtime(), today=date.today(), days=days)
    click.echo(f"Påminnelser om delegeringar: {sent} e-postmeddelanden.")


# --- Fulfilment, mail and dated jobs (issue 3; docs/operations.md) -------------------

@beh_cli.command("send-mail")
@click.option("--loop", is_flag=True, help="Fortsätt och skicka nya meddelanden tills processen stoppas.")
@click.option("--retry-failed", is_flag=True,
              help="Lägg först tillbaka misslyckade meddelanden i kön (till exempel när adressen är rättad).")
def send_mail(loop: bool, retry_failed: bool) -> None:
    """Deliver the outbox over SMTP (once, or --loop as a long-running service); --retry-failed requeues failed."""
    import signal
    import threading

    from .db import get_database
    from .services.mail import requeue_failed, run_sender

    if retry_failed:
        click.echo(f"Åter i kön: {requeue_failed(get_database(current_app))} misslyckade meddelanden.")

    stop = threading.Event()
    if loop:  # systemd stops with SIGTERM: finish the message in hand, then exit
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        report = run_sender(get_database(current_app), current_app.config, loop=loop, stop=stop)
    except KeyboardInterrupt:
        return
    click.echo(f"Skickade: {report.sent}, försöks igen senare: {report.retried}, misslyckade: {report.failed}")


@beh_cli.command("run-due")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Kör som om det vore detta datum (ÅÅÅÅ-MM-DD); standard i dag.")
def run_due_command(today) -> None:
    """Dated actions: activate automatic lines at their start date, end expired permissions, remind attestants."""
    from .db import get_session
    from .services.delegation import send_end_reminders
    from .services.due import run_due
    from .views.access import runtime

    day = today.date() if today else date.today()
    rt = runtime()
    report = run_due(get_session(), rt, today=day, reminder_days=int(rt.config.get("ATTEST_REMINDER_DAYS", 3)))
    click.echo(str(report))
    # The chefs' reminders about delegations that end soon ride on the same cron job.
    sent = send_end_reminders(get_session(), rt, today=day, days=int(rt.config.get("DELEGATION_REMINDER_DAYS", 14)))
    click.echo(f"Påminnelser om delegeringar: {sent} e-postmeddelanden.")
    # Att avsluta (issue 14): the beställare and chef of a unit hear once about each ended engagement.
    from .services.leavers import send_leaver_reminders

    sent = send_leaver_reminders(get_session(), rt, today=day,
                                 lookback_days=int(rt.config.get("LEAVER_REMINDER_LOOKBACK_DAYS", 30)))
    click.echo(f"Påminnelser om att avsluta behörigheter: {sent} e-postmeddelanden.")


@beh_cli.command("rotate-credentials")
def rotate_credentials() -> None:
    """Re-encrypt every stored credential with the first key of CREDENTIALS_KEYS."""
    from .db import get_session
    from .services.credentials import rotate_all

    click.echo(f"Omkrypterade inloggningsuppgifter: {rotate_all(get_session(), current_app.config)}")


@beh_cli.command("new-credentials-key")
def new_credentials_key() -> None:
    """Print a new random key for CREDENTIALS_KEYS (put it first in the list, then rotate-credentials)."""
    from .services.credentials import generate_key

    click.echo(generate_key())


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(db_cli)
    app.cli.add_command(beh_cli)
