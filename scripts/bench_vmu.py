"""Benchmark: Vårdmedarbetaruppdrag VMU Flera användare, check + submit of a 1,000-row list (goal: under 5 s
on PostgreSQL on a 2-core machine).

    .venv/bin/python scripts/bench_vmu.py                      # SQLite in a temp folder
    .venv/bin/python scripts/bench_vmu.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/beh_vmu

Builds a demo region (``flask beh demo --persons N --orders 0``, which gives the demo beställare sarbe1 U
delegations through the vmu plugin), adds ``--rows`` new staff with an active engagement at the
vårdenhet NH-O3-E1, then, logged in as sarbe1 over HTTP (the whole request: session, form, CSRF off),
POSTs the list to ``/vmu/flera`` (every row checked; identifiers mixed: personnummer, HSA-ID, VGR-ID,
passnummer) and sends it with ``/vmu/flera/skicka`` (one order per person, one transaction, one mail).
Prints the time and number of SQL statements of each step, and checks what was made.
"""
from __future__ import annotations

import sys
from pathlib import Path

# scripts/siths/ would shadow the installed siths package when run as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import os
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import event, func, insert, select, text

from beh_core import create_app
from beh_core.cli import upgrade_database
from beh_core.db import get_database
from beh_core.identifiers import make_personnummer
from beh_core.models import Engagement, Enhet, Order, OutboxMessage, Person

GOAL_SECONDS = 5.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temp folder")
    parser.add_argument("--persons", type=int, default=2000, help="persons of the demo region")
    parser.add_argument("--rows", type=int, default=1000, help="rows of the list")
    parser.add_argument("--unit", default="NH-O3-E1", help="the vårdenhet (sarbe1 holds a U delegation there)")
    parser.add_argument("--profile", action="store_true", help="print a profile of the submit")
    return parser.parse_args()


def add_staff(session, unit: Enhet, count: int) -> list[tuple]:
    """``count`` new persons engaged at the unit today: (vgr_id, personnummer, hsa_id, passnummer)."""
    today = date.today()
    rows = [{"vgr_id": f"bench{n:03d}"[:8] if n < 1000 else f"bv{chr(97 + n // 1000 % 26)}{n % 1000:03d}",
             "first_name": "Bänk", "last_name": f"Person{n}", "first_name_lc": "bänk", "last_name_lc": f"person{n}",
             "email": f"bench{n}@demo.beh.example",
             "personnummer": make_personnummer(date(1931, 1, 1) + timedelta(days=n), 900 + n % 100),
             "hsa_id": f"SE2321000131-B{n:012d}", "passnummer": f"PB{n:07d}", "active": True}
            for n in range(count)]
    session.execute(insert(Person), rows)
    ids = dict(session.execute(select(Person.vgr_id, Person.id).where(Person.vgr_id.in_([r["vgr_id"] for r in rows]))).all())
    session.execute(insert(Engagement), [{"person_id": ids[r["vgr_id"]], "enhet_id": unit.id, "kind": "anstalld",
                                          "start_date": today - timedelta(days=3), "is_primary": True} for r in rows])
    session.commit()
    return [(r["vgr_id"], r["personnummer"], r["hsa_id"], r["passnummer"]) for r in rows]


class Counter:
    """Counts SQL statements sent by the engine."""

    def __init__(self, engine):
        self.engine, self.count, self.kinds = engine, 0, {}

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, conn, cursor, statement, *args):
        self.count += 1
        self.kinds[" ".join(statement.split()[:3])] = self.kinds.get(" ".join(statement.split()[:3]), 0) + 1


def main() -> int:
    args = parse_args()
    url = args.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "vmu.sqlite")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO": True, "DEMO_LOGIN": True,
                      "WTF_CSRF_ENABLED": False, "LOG_LEVEL": "WARNING", "ATTEST_SIGNING": "off"})
    upgrade_database(app)
    database = get_database(app)
    engine = database.engine
    session = database.sessionmaker()
    if session.scalar(select(func.count(Person.id))):
        raise SystemExit("The database is not empty: give a new one (the benchmark builds its own region).")
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["beh", "demo", "--persons", str(args.persons), "--orders", "0"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    unit = session.scalar(select(Enhet).where(Enhet.code == args.unit))
    staff = add_staff(session, unit, args.rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    attestant = session.scalar(select(Person).where(Person.vgr_id == "johek1"))
    print(f"{engine.dialect.name}: region of {args.persons} persons and {args.rows} new staff at {unit.name} "
          f"built in {time.perf_counter() - started:.1f} s")

    client = app.test_client()
    client.post("/login/demo", data={"vgr_id": "sarbe1"})
    client.get("/vmu/flera")  # the first request: caches, pools
    # every kind of identifier: VGR-ID, personnummer ÅÅÅÅMMDD-NNNN, HSA-ID, passnummer
    lines = [[vgr, f"{pnr[:8]}-{pnr[8:]}", hsa, pas][n % 4] for n, (vgr, pnr, hsa, pas) in enumerate(staff)]
    form = {"enhet_id": str(unit.id), "uppdrag": "vmu.pascal.vob", "attestant_id": str(attestant.id),
            "start_date": date.today().isoformat(), "identiteter": "\n".join(lines)}
    with Counter(engine) as check_queries:
        t0, c0 = time.perf_counter(), time.process_time()
        checked = client.post("/vmu/flera", data=form)
        t_check, c_check = time.perf_counter() - t0, time.process_time() - c0
    assert checked.status_code == 302, checked.get_data(as_text=True)[:2000]
    review = client.get("/vmu/flera/granska").get_data(as_text=True)
    assert f"{args.rows} av {args.rows} rader kan beställas" in review, "every row should be valid"
    with Counter(engine) as send_queries:
        t0, c0 = time.perf_counter(), time.process_time()
        if args.profile:
            import cProfile
            import pstats
            profiler = cProfile.Profile()
            sent = profiler.runcall(client.post, "/vmu/flera/skicka", data={"action": "skicka"})
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        else:
            sent = client.post("/vmu/flera/skicka", data={"action": "skicka"})
        t_send, c_send = time.perf_counter() - t0, time.process_time() - c0
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/vmu/flera/klar"), sent.status_code
    session.expire_all()
    made = session.scalar(select(func.count(Order.id)).where(Order.catalogue == "vmu"))
    mails = session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.to_person_id == attestant.id))
    assert made == args.rows and mails == 1, (made, mails)
    if args.profile:
        print(sorted(send_queries.kinds.items(), key=lambda kv: -kv[1])[:10])
    total = t_check + t_send
    # CPU: the portal's own time (Python) in this process; the rest of the wall time is the database and
    # whatever else the machine runs meanwhile (report the load average with the numbers).
    print(f"check  {args.rows} rows: {t_check:6.2f} s (CPU {c_check:.2f} s), {check_queries.count} SQL statements")
    print(f"submit {args.rows} rows: {t_send:6.2f} s (CPU {c_send:.2f} s), {send_queries.count} SQL statements "
          f"({send_queries.count / args.rows:.1f} per order), {made} orders, {mails} mail to the attestant")
    print(f"check + submit: {total:.2f} s (goal under {GOAL_SECONDS:.0f} s on PostgreSQL); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
