"""Benchmark: sync a generated KiV region of N persons from a real slapd and report the time.

    .venv/bin/python scripts/benchmark_ldap.py --persons 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/beh_ldap_bench

Starts a private slapd on a loopback port (beh_core/ldap_server.py), loads the
region with slapadd, then measures on an empty, migrated database:
1. the first (full) sync;
2. an incremental run after ten changes (titles, a moved engagement, a removed person);
3. a full reconciliation of the unchanged region.
Prints each time, the entries read and changed, and the process's peak memory,
and checks the first sync against the target (2 minutes on 2 cores). Without
--database-url a new SQLite file in a temporary folder is used; a PostgreSQL
database named in the URL is created and dropped.
"""
from __future__ import annotations

import sys
from pathlib import Path

# scripts/siths/ would shadow the installed siths package when run as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import resource
import tempfile
import time
from datetime import date

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from beh_core import create_app, ldap_region
from beh_core.cli import upgrade_database
from beh_core.db import get_database
from beh_core.ldap_server import KOSTNADSSTALLE_BASE, PERSON_BASE, SYNC_DN, UNIT_BASE, Slapd
from beh_core.services.directory_sync import sync_directory

TARGET_SECONDS = 120
PASSWORD = "benchmark-bind-password"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temp folder")
    parser.add_argument("--page-size", type=int, default=1000)
    return parser.parse_args()


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return result, seconds


def show(report) -> None:
    read = {k: v for k, v in report.counts.items() if k.startswith("lasta_")}
    changed = {k: v for k, v in report.counts.items() if not k.startswith("lasta_")}
    print(f"    {report.status} ({report.mode}); read {read}; changed {changed}; skipped {report.error_count}; "
          f"peak memory {peak_mb():.0f} MB", flush=True)


def main() -> int:
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="beh-ldap-bench-"))
    url, admin_url = args.database_url, None
    if url is None:
        url = f"sqlite:///{folder / 'beh.sqlite'}"
    elif url.startswith("postgresql"):
        name = make_url(url).database
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    server = Slapd(folder / "kiv", sync_password=PASSWORD)
    (folder / "kiv").mkdir()
    server.configure()
    ldif = folder / "region.ldif"

    def write():
        with open(ldif, "w", encoding="utf-8") as out:
            ldap_region.write_ldif(out, args.persons, server.base_ldif(), today=date.today())

    print(f"Region: {args.persons} persons, {len(ldap_region.leaf_units())} units, "
          f"{ldap_region.KOSTNADSSTALLEN} kostnadsställen; database {make_url(url).get_backend_name()}")
    timed("Generate LDIF", write)
    timed("slapadd", lambda: server.load(ldif))
    server.start()
    password_file = folder / "bind-password"
    password_file.write_text(PASSWORD)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "LDAP_URL": server.url, "LDAP_STARTTLS": False,
                      "LDAP_BIND_DN": SYNC_DN, "LDAP_BIND_PASSWORD_FILE": str(password_file),
                      "LDAP_PERSON_BASE": PERSON_BASE, "LDAP_UNIT_BASE": UNIT_BASE,
                      "LDAP_KOSTNADSSTALLE_BASE": KOSTNADSSTALLE_BASE, "LDAP_PAGE_SIZE": args.page_size})
    upgrade_database(app)
    database = get_database(app)
    status = 0
    try:
        with database.sessionmaker() as session:
            report, first = timed("First sync (full)", lambda: sync_directory(session, app.config))
            show(report)
            admin = server.admin()
            for n in range(1, 9):
                admin.modify_s(ldap_region.person_dn(n * 997 % args.persons), [(2, "title", [b"Bytt titel"])])
            moved = ldap_region.engagement_value(ldap_region.leaf_units()[3].code, "anstalld", date.today(), None,
                                                 True, "60001")
            admin.modify_s(ldap_region.person_dn(11), [(2, "kivEngagement", [moved.encode()])])
            admin.delete_s(ldap_region.person_dn(13))
            admin.unbind_s()
            report, _ = timed("Incremental sync after 10 changes", lambda: sync_directory(session, app.config))
            show(report)
            report, _ = timed("Full reconciliation, nothing changed",
                              lambda: sync_directory(session, app.config, full=True))
            show(report)
        verdict = "OK" if first <= TARGET_SECONDS else "SLOWER THAN TARGET"
        print(f"First sync of {args.persons} persons: {first:.1f} s (target {TARGET_SECONDS} s): {verdict}")
        status = 0 if first <= TARGET_SECONDS else 1
    finally:
        server.stop()
        database.engine.dispose()
        if admin_url:
            with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
