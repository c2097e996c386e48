"""The demo's KiV: serve the demo region's directory from a private slapd and sync the portal from it.

    .venv/bin/python scripts/demo_ldap.py start   # export, start slapd, write instance/ldap-demo/ldap.env, sync once
    . instance/ldap-demo/ldap.env                 # then `flask --app beh_core beh directory sync` works
    .venv/bin/python scripts/demo_ldap.py stop

slapd listens on a free loopback port with its configuration in
instance/ldap-demo/ (never a system slapd). Change the demo's KiV with the
ldap-utils, e.g. ``ldapmodify -H $BEH_LDAP_URL -D cn=admin,dc=kiv,dc=example -w beh-admin``,
then sync again and look at Katalogsynk (as kardah) and Att avsluta (as marho1).
"""
from __future__ import annotations

import sys
from pathlib import Path

# scripts/siths/ would shadow the installed siths package when run as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import os
import secrets
import shlex
import signal

from beh_core import create_app, ldap_region
from beh_core.db import get_database
from beh_core.ldap_server import KOSTNADSSTALLE_BASE, PERSON_BASE, SYNC_DN, UNIT_BASE, Slapd
from beh_core.services.directory_sync import sync_directory


def folder_of(app) -> Path:
    return Path(app.instance_path) / "ldap-demo"


def start(app) -> int:
    folder = folder_of(app)
    stop(app)
    folder.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    server = Slapd(folder, sync_password=password)
    server.configure()
    ldif = folder / "region.ldif"
    with get_database(app).sessionmaker() as session, open(ldif, "w", encoding="utf-8") as out:
        ldap_region.write_entries(out, ldap_region.database_entries(session), server.base_ldif())
    server.load(ldif)
    server.start()
    password_file = folder / "bind-password"
    password_file.write_text(password)
    password_file.chmod(0o600)
    settings = {"LDAP_URL": server.url, "LDAP_STARTTLS": "0", "LDAP_BIND_DN": SYNC_DN,
                "LDAP_BIND_PASSWORD_FILE": str(password_file), "LDAP_PERSON_BASE": PERSON_BASE,
                "LDAP_UNIT_BASE": UNIT_BASE, "LDAP_KOSTNADSSTALLE_BASE": KOSTNADSSTALLE_BASE}
    (folder / "ldap.env").write_text("".join(f"export BEH_{k}={shlex.quote(v)}\n" for k, v in settings.items()))
    app.config.update({**settings, "LDAP_STARTTLS": False})
    with get_database(app).sessionmaker() as session:
        report = sync_directory(session, app.config, full=True, started_by="demo")  # a new server: read it all
    print(f"KiV (demo) på {server.url}; inställningar i {folder / 'ldap.env'}")
    print(report)
    return 0 if report.status == "ok" else 1


def stop(app) -> int:
    pid_file = folder_of(app) / "slapd.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass
        pid_file.unlink(missing_ok=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("start", "stop"))
    args = parser.parse_args()
    app = create_app()
    return start(app) if args.action == "start" else stop(app)


if __name__ == "__main__":
    raise SystemExit(main())
