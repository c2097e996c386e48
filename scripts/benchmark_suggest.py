"""Benchmark: suggestions while typing on a region of 100,000 persons (target: median under 50 ms).

    .venv/bin/python scripts/benchmark_suggest.py --persons 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/beh_suggest

Builds the region with ``flask beh demo --persons N --orders 0`` (or measures one built before, with
``--existing``), logs in as demo beställare and POSTs what people type to
``/forslag/personer/<catalogue>`` over HTTP (the whole request: login session, rate limit, the
query, JSON): starts of names, VGR-IDs, HSA-IDs and personnummer of random persons, as they are
typed letter by letter. Prints the median, 95th percentile and worst time per kind of key and in
all, the number of SQL statements per request, and checks that every suggestion is someone the
beställare may order for. Performance is measured here, never by timed tests.
"""
from __future__ import annotations

import sys
from pathlib import Path

# scripts/siths/ would shadow the installed siths package when run as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import random
import statistics
import tempfile
import time

from sqlalchemy import event, func, select, text

from beh_core import authz, create_app
from beh_core.cli import upgrade_database
from beh_core.db import get_database
from beh_core.models import Person

TARGET_MEDIAN_MS = 50


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in a temp folder")
    parser.add_argument("--existing", action="store_true", help="measure a region built by an earlier run")
    parser.add_argument("--people", type=int, default=40, help="random persons whose keys are typed")
    parser.add_argument("--catalogue", default="usertjanst", help="the catalogue the suggestions are for")
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def typed(person: Person) -> dict[str, list[str]]:
    """What a beställare types for the person, letter by letter (from two characters on), per key."""
    def growing(text: str, first: int = 2) -> list[str]:
        return [text[:n] for n in range(first, len(text) + 1)]

    keys = {"namn": growing(person.last_name.lower()) + growing(f"{person.first_name} {person.last_name[:3]}", 3),
            "vgr_id": growing(person.vgr_id),
            "hsa_id": [person.hsa_id[:n] for n in (8, 14, 20, len(person.hsa_id))] if person.hsa_id else []}
    if person.personnummer:
        pnr = person.personnummer
        keys["personnummer"] = [pnr[:6], pnr[:8], pnr[:8] + "-" + pnr[8:10], pnr, pnr[2:8] + "-" + pnr[8:]]
    return keys


def main() -> int:
    args = parse_args()
    url = args.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "suggest.sqlite")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO": True, "DEMO_LOGIN": True,
                      "WTF_CSRF_ENABLED": False, "RATE_LIMIT_SUGGEST": "1000000 per minute", "LOG_LEVEL": "WARNING"})
    upgrade_database(app)
    engine = get_database(app).engine
    if not args.existing:
        start = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["beh", "demo", "--persons", str(args.persons), "--orders", "0"])
        if result.exit_code != 0:
            raise SystemExit(result.output)
        print(f"Region built with `flask beh demo --persons {args.persons} --orders 0` in "
              f"{time.perf_counter() - start:.1f} s")
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))  # fresh statistics, as autovacuum would give a live database
    session = get_database(app).sessionmaker()
    total = session.scalar(select(func.count(Person.id)))
    rng = random.Random(args.seed)
    people = [session.get(Person, pid) for pid in rng.sample(range(1, total + 1), args.people)]
    texts = {}
    for someone in people:
        for kind, values in typed(someone).items():
            texts.setdefault(kind, []).extend(values)
    rt = app.extensions["beh_runtime"]
    catalogue = rt.registry.catalogue(args.catalogue)
    if catalogue is None:
        raise SystemExit(f"No catalogue {args.catalogue!r} is installed")
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    print(f"{total} persons; database {engine.dialect.name}; catalogue {args.catalogue}")
    print(f"{'user':8} {'key':14} {'requests':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'hits':>6} {'SQL':>5}")
    everything, wrong = [], 0
    for vgr_id in ("sarbe1", "marho1"):
        client = app.test_client()
        client.post("/login/demo", data={"vgr_id": vgr_id})
        actor = authz.load_actor(session, session.scalar(select(Person).where(Person.vgr_id == vgr_id)),
                                 config=rt.config, portal=rt)
        client.post(f"/forslag/personer/{args.catalogue}", data={"q": "warm"})  # first request: caches, pools
        for kind, values in texts.items():
            times, hits, queries = [], 0, 0
            for value in values:
                statements[0] = 0
                start = time.perf_counter()
                response = client.post(f"/forslag/personer/{args.catalogue}", data={"q": value})
                times.append((time.perf_counter() - start) * 1000)
                queries = max(queries, statements[0])
                if response.status_code != 200:
                    raise SystemExit(f"{value!r}: HTTP {response.status_code}")
                found = json.loads(response.get_data(as_text=True))["suggestions"]
                hits += len(found)
                for suggestion in found:  # never someone the beställare may not order for
                    wrong += not authz.may_order_for(actor, catalogue, session.get(Person, int(suggestion["value"])))
            everything += times
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            print(f"{vgr_id:8} {kind:14} {len(times):8d} {statistics.median(times):10.1f} {p95:8.1f} "
                  f"{max(times):8.1f} {hits:6d} {queries:5d}")
    median = statistics.median(everything)
    print(f"All {len(everything)} requests: median {median:.1f} ms, "
          f"95th percentile {statistics.quantiles(everything, n=20)[-1]:.1f} ms, max {max(everything):.1f} ms.")
    print(f"Suggestions of someone the beställare may not order for: {wrong}.")
    ok = median < TARGET_MEDIAN_MS and wrong == 0
    print(f"Target: median under {TARGET_MEDIAN_MS} ms and no such suggestion: {'met' if ok else 'NOT MET'}.")
    session.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
