"""PostgreSQL's side of each page: every statement timed with a plan made for its values and with the kept plan.

    .venv/bin/python scripts/bench_plans.py --orders 5000000 [--only "Alla"] [--runs 20]

For each page of the benchmark (``bench_pages``) on a region ``scripts/benchmark.py`` built, the page is
requested once through Flask's test client and every SELECT it sends is captured. Each statement is then
run ``--runs`` times on a connection of its own, as the driver runs it (prepared, psycopg's
``prepare=True``), twice:

* ``custom``: ``plan_cache_mode = force_custom_plan``, PostgreSQL plans every run with its values; the
  time includes that planning;
* ``kept``: ``plan_cache_mode = auto``, what the portal gets: after five runs PostgreSQL keeps a generic
  plan if it judges it no dearer than planning anew, otherwise it goes on planning every run.

The median of the last half of the runs is printed per statement, and the page is marked when the kept
plan is much slower than planning every run (a generic plan that reads more than it should: Attestera's
read and sorted every order waiting for the attestant) or when the kept time is close to the custom time
and high (PostgreSQL plans every run: Hantera delegeringar's LIMIT/OFFSET as parameters). The
number of generic and custom plans PostgreSQL made is printed too.

Why: ``scripts/bench_instructions.py`` counts the Python side only, and a timed run tells that a page is
slow, not which statement makes it so. This is the lens for the database's side (docs/performance.md,
fifteenth run).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE / "bench"))
sys.path.insert(0, str(HERE))

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

# A kept plan this much slower than planning every run is a generic plan worth a look.
SLOWER_KEPT = 1.3
# A kept time this close to the custom time, and above this many ms, means PostgreSQL plans every run.
REPLANNED_SHARE, REPLANNED_MS = 0.8, 0.5


def parse_args() -> argparse.Namespace:
    import bench_pages

    parser = bench_pages.region_arguments(__doc__)
    parser.add_argument("--runs", type=int, default=20, help="runs of each statement per plan mode")
    return parser.parse_args()


def statements_of(app, client, path: str) -> list[tuple[str, dict]]:
    """The SELECTs one request of ``path`` sends, with their parameters (the second request: warm caches)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    client.get(path)
    sent = []

    def grab(conn, cursor, statement, parameters, context, many):
        sent.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", grab)
    try:
        client.get(path)
    finally:
        event.remove(Engine, "before_cursor_execute", grab)
    return [(s, p) for s, p in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def timed(url: str, statement: str, parameters, mode: str, runs: int) -> tuple[float, int, int]:
    """Median ms of the last half of ``runs`` prepared runs under ``plan_cache_mode = mode``, with the number
    of generic and custom plans PostgreSQL made for the statement."""
    import psycopg

    with psycopg.connect(url, prepare_threshold=0) as conn:
        conn.execute(f"SET plan_cache_mode = {mode}")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            conn.execute(statement, parameters, prepare=True).fetchall()
            times.append(time.perf_counter() - start)
        generic, custom = conn.execute(
            "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) FROM pg_prepared_statements "
            "WHERE statement NOT LIKE 'SELECT coalesce(sum(generic_plans)%%'").fetchone()
    return statistics.median(times[runs // 2:]) * 1000, int(generic), int(custom)


def verdict(custom_ms: float, kept_ms: float) -> str:
    """What the two times say about the kept plan (empty: nothing to look at)."""
    if kept_ms > SLOWER_KEPT * custom_ms + 0.1:
        return "kept plan slower"
    if kept_ms > REPLANNED_MS and kept_ms > REPLANNED_SHARE * custom_ms:
        return "planned every run"
    return ""


def main() -> None:
    import bench_pages
    import benchmark

    args = parse_args()
    url = benchmark.database_url(args.admin_url, args.orders)
    pages = bench_pages.region_pages(url, args.orders, args.only)
    app = benchmark.make_app(url)
    driver_url = url.replace("+psycopg", "")
    clients = {}
    print("| page | statement | custom ms | kept ms | generic/custom plans | |")
    print("|---|---|---:|---:|---:|---|")
    for page in pages:
        client = bench_pages.logged_in(app, clients, page.user)
        for n, (statement, parameters) in enumerate(statements_of(app, client, page.path), start=1):
            custom_ms, _, _ = timed(driver_url, statement, parameters, "force_custom_plan", args.runs)
            kept_ms, generic, custom = timed(driver_url, statement, parameters, "auto", args.runs)
            first_words = " ".join(statement.split()[:4])[:40]
            print(f"| {page.label} | {n}: {first_words} | {custom_ms:.2f} | {kept_ms:.2f} | {generic}/{custom} | "
                  f"{verdict(custom_ms, kept_ms)} |", flush=True)


if __name__ == "__main__":
    main()
