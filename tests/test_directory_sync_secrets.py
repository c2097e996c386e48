"""Katalogsynkens bindlösenord syns aldrig: inte i loggar, utskrifter, körningsposter, granskningslogg eller sidor."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from beh_core import ldap_region
from beh_core.models import AuditEvent, DirectorySyncRun
from helpers import make_config, text_of
from ldap_fixtures import BIND_PASSWORD

ADMIN = ldap_region.vgr_id(0)


@pytest.fixture
def app_config(migrated, tmp_path, kiv):
    # The login page offers the demo form (and its CSRF token) only for the demo region's identities.
    return make_config(migrated, tmp_path, ADMINS=[ADMIN], WTF_CSRF_ENABLED=False, **kiv.settings())


def logged_in(app, vgr_id: str):
    """A client logged in through the demo login as a person the sync brought in."""
    client = app.test_client()
    assert client.post("/login/demo", data={"vgr_id": vgr_id}).status_code == 302
    return client


def run_cli(app, *args):
    return app.test_cli_runner().invoke(args=["beh", "directory", "sync", *args])


def everything_said(app, db, outputs: list[str], caplog) -> str:
    """Every text the runs left: command output, log, run records, audit events and the admin pages."""
    db.expire_all()
    runs = list(db.scalars(select(DirectorySyncRun)))
    events = list(db.scalars(select(AuditEvent)))
    admin = logged_in(app, ADMIN)
    pages = [text_of(admin.get("/admin/katalogsynk"))] + [text_of(admin.get(f"/admin/katalogsynk/{r.id}")) for r in runs]
    return "\n".join(outputs + [caplog.text] + [f"{r.message} {r.errors} {r.counts}" for r in runs]
                     + [str(e.details) for e in events] + pages)


def test_bindlösenordet_syns_aldrig_i_logg_utskrift_körningspost_eller_sida(app, kiv, db, caplog):
    caplog.set_level(logging.DEBUG)
    outputs = []
    ok = run_cli(app)
    outputs.append(ok.output)
    assert ok.exit_code == 0, ok.output
    assert "Katalogsynk 1 (full): ok" in ok.output

    # A wrong password in the file: refused bind, a failed run, the (wrong) password nowhere either.
    password_file = kiv.folder / "bind-password"
    password_file.write_text("fel-" + BIND_PASSWORD)
    refused = run_cli(app)
    outputs.append(refused.output)
    assert refused.exit_code == 1 and "godtog inte inloggningen" in refused.output

    # LDAP down: a failed run whose message names the server, not the password.
    password_file.write_text(BIND_PASSWORD)
    kiv.server.stop()
    down = run_cli(app)
    outputs.append(down.output)
    assert down.exit_code == 1 and "svarar inte" in down.output

    said = everything_said(app, db, outputs, caplog)
    assert "Katalogsynk" in said and "godtog inte inloggningen" in said
    assert BIND_PASSWORD not in said and "fel-" + BIND_PASSWORD not in said
    assert [r.status for r in db.scalars(select(DirectorySyncRun).order_by(DirectorySyncRun.id))] == \
        ["ok", "failed", "failed"]


def test_katalogsynksidorna_är_bara_för_administratörer(app, kiv, db):
    assert run_cli(app).exit_code == 0
    other = logged_in(app, ldap_region.vgr_id(1))
    assert other.get("/admin/katalogsynk").status_code == 403
    admin = logged_in(app, ADMIN)
    page = text_of(admin.get("/admin/katalogsynk"))
    assert "Full avstämning" in page and "Klar" in page
    detail = text_of(admin.get("/admin/katalogsynk/1"))
    assert "Nya personer" in detail and "1000" in detail
    assert admin.get("/admin/katalogsynk/999").status_code == 404


def test_synk_utan_inställningar_säger_vilken_som_saknas(app, kiv):
    app.config["LDAP_URL"] = ""
    result = run_cli(app)
    assert result.exit_code == 1 and "LDAP_URL saknas" in result.output


def test_okrypterad_ldap_vägras_mot_annat_än_en_lokal_adress(app, kiv):
    app.config["LDAP_URL"] = "ldap://kiv.example:389"
    result = run_cli(app)
    assert result.exit_code == 1 and "LDAP utan TLS" in result.output
