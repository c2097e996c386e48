"""Benchmark: build a region of a given size and measure the pages users wait for.

    .venv/bin/python scripts/benchmark.py --persons 100000 --orders 5000000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/beh_bench

Prints the time to build the region, then per page the median and worst
response time over --repeat requests and the number of SQL statements, and
checks them against the targets below. Performance is measured here, never by
timed tests. The database must be empty (it is created for SQLite).
"""
from __future__ import annotations

import sys
from pathlib import Path

# scripts/siths/ would shadow the installed siths package when run as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import statistics
import tempfile
import time

from sqlalchemy import event, select, text

from beh_core import create_app
from beh_core.cli import upgrade_database
from beh_core.db import get_database
from beh_core.demo import build_demo_region
from beh_core.models import Order, Person

TARGET_MEDIAN_MS = 150
TARGET_MAX_QUERIES = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--orders", type=int, default=200000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temp folder")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--existing", action="store_true", help="measure a region built by an earlier run")
    return parser.parse_args()


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1


def measure(client, engine, path: str, repeat: int, method: str = "get", data: dict | None = None):
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    times = []
    try:
        for _ in range(repeat):
            counter.count = 0
            start = time.perf_counter()
            response = client.get(path) if method == "get" else client.post(path, data=data)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return statistics.median(times), max(times), counter.count


def main() -> int:
    args = parse_args()
    url = args.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO": True, "DEMO_LOGIN": True, "WTF_CSRF_ENABLED": False,
                      "FULFILLERS": ["lensa1"], "ADMINS": ["kardah"], "LOG_LEVEL": "WARNING"})
    upgrade_database(app)
    engine = get_database(app).engine
    session = get_database(app).sessionmaker()
    if not args.existing:
        start = time.perf_counter()
        summary = build_demo_region(session, persons=args.persons, orders=args.orders, batch=10000)
        print(f"Region built in {time.perf_counter() - start:.1f} s: {summary}")
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))  # fresh statistics, as autovacuum would give a live database
    some_order = session.scalar(select(Order.number).order_by(Order.id.desc()).limit(1))
    someone = session.scalar(select(Person).where(Person.personnummer.is_not(None)).offset(args.persons // 2).limit(1))
    session.close()

    pages = {
        "sarbe1": ["/", "/bestallningar/mina", "/bestallningar/mina?sida=50", "/bestallningar/alla",
                   "/bestallningar/alla?status=avslutad", f"/bestallningar/alla?ordernummer={some_order}"],
        "johek1": ["/attest/", "/bestallningar/alla?typ=avslut"],
        "kardah": ["/bestallningar/alla", "/bestallningar/alla?sida=1000", f"/bestallningar/{some_order}"],
    }
    failures = 0
    print(f"{'user':8} {'page':48} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for vgr_id, paths in pages.items():
        client = app.test_client()
        client.post("/login/demo", data={"vgr_id": vgr_id})
        for path in paths:
            median, worst, queries = measure(client, engine, path, args.repeat)
            ok = median <= TARGET_MEDIAN_MS and queries <= TARGET_MAX_QUERIES
            failures += not ok
            print(f"{vgr_id:8} {path[:48]:48} {median:10.1f} {worst:8.1f} {queries:8d} {'' if ok else 'OVER TARGET'}")
        if vgr_id == "sarbe1":
            data = {"field": "personnummer", "q": someone.personnummer}
            median, worst, queries = measure(client, engine, "/lr/", args.repeat, "post", data)
            ok = median <= TARGET_MEDIAN_MS and queries <= TARGET_MAX_QUERIES
            failures += not ok
            print(f"{vgr_id:8} {'POST /lr/ (sök personnummer)':48} {median:10.1f} {worst:8.1f} {queries:8d} {'' if ok else 'OVER TARGET'}")
    print(f"Targets: median <= {TARGET_MEDIAN_MS} ms and <= {TARGET_MAX_QUERIES} queries per page. "
          f"{'All met.' if not failures else f'{failures} page(s) over target.'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
