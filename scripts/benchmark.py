"""Benchmark: every list page, filter, search and deep page at region scale, against the bare page.

    .venv/bin/python scripts/benchmark.py --orders 5000000 --also 200000 --persons 100000 \\
        --admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

1. Builds the region in a fresh database ``beh_bench_<orders>`` (``bench/bench_region.py``: the demo
   region's people and delegations, then the orders by COPY; ``--existing`` reuses one), and the ruler's
   table ``limit_orders`` of the same size in the same database (../shared/bench/limit_app.py seed).
2. Serves the portal under gunicorn (2 workers, demo login) and the ruler (2 workers) side by side.
3. Per page: wrk with ``--clients`` connections for ``--seconds`` on the portal page, then at once on the
   ruler's page (one indexed page query, one count, a compiled template), so both see the same machine;
   then one client alone on the portal page (its median). ``--rounds`` repeats every page, interleaved,
   and the median ratio is reported: the machine is shared, and this keeps a busy second from deciding.
4. Counts the round trips each page sends to PostgreSQL (libpq's protocol trace, in-process: every
   statement, BEGIN, ROLLBACK or ping).
5. With ``--also N`` a second region of N orders is served too and measured page by page right after
   the first (interleaved), and a growth table compares the two sizes: single-user p50, ratio, round trips.

Prints Markdown tables (also written to ``--out``) with req/s of both, the ratio, the single-user
median and the round trips per page. Performance is measured here, never in timed tests.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# scripts/siths/ would shadow the installed siths package when run as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE / "bench"))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

import bench_load  # noqa: E402
import bench_pages  # noqa: E402
import bench_region  # noqa: E402

RULER = HERE.parent.parent / "shared" / "bench" / "limit_app.py"
PORT, RULER_PORT = 5091, 5099
GUNICORN_ENV = {
    "BEH_DEMO": "1", "BEH_DEMO_LOGIN": "1", "BEH_FULFILLERS": "lensa1", "BEH_ADMINS": "kardah",
    "BEH_LOG_LEVEL": "WARNING", "BEH_SECRET_KEY": "benchmark-only-secret",
    # One demo user asks thousands of times a minute here: the per-user search limit would answer 429.
    "BEH_RATE_LIMIT_SEARCH": "100000000 per minute", "BEH_SITHS_CARD_WATCH": "0",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=200000)
    parser.add_argument("--also", type=int, default=0,
                        help="a second region size measured in the same run, page by page after the first")
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--existing", action="store_true", help="measure the region an earlier run built")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0, help="wrk duration per page and round")
    parser.add_argument("--single-seconds", type=float, default=2.0, help="one-client run per page and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", default="", help="measure only pages whose label contains this text "
                        "(several texts separated by '|': a page matching any of them)")
    parser.add_argument("--ruler", default=str(RULER), help="limit_app.py (the bare page)")
    parser.add_argument("--out", default="", help="write the Markdown table here too")
    return parser.parse_args()


def database_url(admin_url: str, orders: int) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/beh_bench_{orders}"


def create_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def make_app(url: str):
    from beh_core import create_app

    config = {"DATABASE_URL": url, "DEMO": True, "DEMO_LOGIN": True, "FULFILLERS": ["lensa1"], "ADMINS": ["kardah"],
              "SECRET_KEY": "benchmark-only-secret", "LOG_LEVEL": "WARNING", "RATE_LIMIT_SEARCH": "100000000 per minute"}
    return create_app(config)


def build(args, url: str) -> None:
    from beh_core.cli import upgrade_database

    print(f"Building a region of {args.orders} orders and {args.persons} persons in {url.rsplit('/', 1)[1]} ...")
    start = time.perf_counter()
    create_database(args.admin_url, url)
    app = make_app(url)
    upgrade_database(app)
    bench_region.build(app, args.persons, args.orders, say=print)
    ruler_start = time.perf_counter()
    subprocess.run([sys.executable, args.ruler, "seed", url, str(args.orders)], check=True)
    print(f"  ruler table: {time.perf_counter() - ruler_start:.1f} s")
    print(f"Region built in {time.perf_counter() - start:.0f} s")


@dataclass
class Target:
    """One region under test: its database, the portal's and the ruler's port, its pages and cookies."""

    orders: int
    url: str
    port: int
    ruler_port: int
    pages: list = field(default_factory=list)
    round_trips: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ruler_base(self) -> str:
        return f"http://127.0.0.1:{self.ruler_port}"


def serve(target: Target, ruler: str) -> list[subprocess.Popen]:
    """gunicorn with 2 workers for the portal and for the ruler; waits until both answer."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {**os.environ, **GUNICORN_ENV, "BEH_DATABASE_URL": target.url}
    portal = subprocess.Popen([gunicorn, "-w", "2", "-b", f"127.0.0.1:{target.port}", "--log-level", "warning",
                               "-c", "python:beh_core.gunicorn_conf", "beh_core:create_app()"], env=env)
    ruler_proc = subprocess.Popen([gunicorn, "-w", "2", "-b", f"127.0.0.1:{target.ruler_port}", "--log-level",
                                   "warning", "--chdir", str(Path(ruler).parent),
                                   f'limit_app:make_app("{target.url}")'], env=os.environ)
    for port, path in ((target.port, "/login"), (target.ruler_port, "/orders")):
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"the server on port {port} did not start")
    return [portal, ruler_proc]


def prepare(target: Target) -> None:
    """Log every user in and check that every page answers what it should (a redirect to login would not)."""
    target.cookies = {user: bench_load.demo_login(target.base, user) for user in {p.user for p in target.pages}}
    for page in target.pages:
        status, _ = bench_load.fetch(target.base + page.path, target.cookies[page.user])
        if status != page.status:
            raise SystemExit(f"{target.orders}: {page.label}: HTTP {status}, expected {page.status}")
        target.results[page.label] = {"ratio": [], "rps": [], "ruler": [], "p50": [], "errors": 0}


def measure(args, targets: list[Target]) -> None:
    """Every page of every region, round after round, each page's regions one after the other (interleaved)."""
    labels = [p.label for p in targets[0].pages]
    for round_ in range(args.rounds):
        load = os.getloadavg()[0]
        print(f"Round {round_ + 1} of {args.rounds} (load average {load:.1f} on {os.cpu_count()} cores)")
        for label in labels:
            for target in targets:
                page = next((p for p in target.pages if p.label == label), None)
                if page is None:
                    continue
                row = target.results[label]
                cookie = target.cookies[page.user]
                mine = bench_load.run_wrk(target.base + page.path, args.clients, args.seconds, cookie)
                bare = bench_load.run_wrk(target.ruler_base + page.ruler, args.clients, args.seconds)
                alone = bench_load.run_wrk(target.base + page.path, 1, args.single_seconds, cookie, threads=1)
                row["rps"].append(mine.rps)
                row["ruler"].append(bare.rps)
                row["ratio"].append(bare.rps / mine.rps if mine.rps else float("inf"))
                row["p50"].append(alone.p50)
                row["errors"] += mine.errors + alone.errors
                print(f"  {target.orders:>8} {label[:56]:56} {mine.rps:7.1f} req/s  ruler {bare.rps:7.1f}  "
                      f"x{bare.rps / max(mine.rps, 0.001):5.2f}  p50 {alone.p50:6.1f} ms  "
                      f"errors {mine.errors + alone.errors}", flush=True)


def summary(target: Target) -> list[dict]:
    """Per page: the medians over the rounds."""
    return [{"label": label, "rps": statistics.median(row["rps"]), "ruler": statistics.median(row["ruler"]),
             "ratio": statistics.median(row["ratio"]), "worst_ratio": max(row["ratio"]),
             "p50": statistics.median(row["p50"]), "errors": row["errors"],
             "round_trips": target.round_trips.get(label)} for label, row in target.results.items()]


def count_round_trips(url: str, pages: list[bench_pages.BenchPage]) -> dict[str, int]:
    """Round trips per page, counted in-process on the same database (two requests; the second counts)."""
    from beh_core.db import get_database

    app = make_app(url)
    tracer = bench_load.RoundTrips(get_database(app).engine)
    clients = {}
    counts: dict[str, int] = {}
    try:
        for page in pages:
            if page.user not in clients:
                client = app.test_client()
                token = client.get("/login").get_data(as_text=True)
                import re

                csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token)
                client.post("/login/demo", data={"vgr_id": page.user, "csrf_token": csrf.group(1) if csrf else ""})
                clients[page.user] = client
            client = clients[page.user]
            for _ in range(6):  # psycopg prepares a statement on its 5th run: count the steady state after it
                client.get(page.path)
            tracer.reset()
            response = client.get(page.path)
            counts[page.label], simple = tracer.count()
            if response.status_code not in (200, 404):
                print(f"  {page.label}: HTTP {response.status_code}")
            if simple:
                print(f"  {page.label}: simple queries {simple}")
    finally:
        tracer.file.close()
        os.unlink(tracer.path)  # the trace holds bound values: never keep it
    return counts


def report(args, target: Target, table: list[dict]) -> str:
    lines = [f"### {target.orders:,} orders".replace(",", " "), "",
             "| page | portal req/s | bare page req/s | slower by | single-user p50 ms | round trips |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in table:
        lines.append(f"| {row['label']} | {row['rps']:.1f} | {row['ruler']:.1f} | {row['ratio']:.2f}x | "
                     f"{row['p50']:.1f} | {row['round_trips'] if row['round_trips'] is not None else '–'} |")
    worst = max(table, key=lambda r: r["ratio"])
    slowest = max(table, key=lambda r: r["p50"])
    lines += ["", f"{args.clients} clients, {args.rounds} rounds of {args.seconds:g} s per page (median of the "
                  f"rounds). Worst ratio {worst['ratio']:.2f}x ({worst['label']}); slowest single-user p50 "
                  f"{slowest['p50']:.1f} ms ({slowest['label']}); errors {sum(r['errors'] for r in table)}.", ""]
    return "\n".join(lines)


def growth(small: tuple[Target, list[dict]], large: tuple[Target, list[dict]]) -> str:
    """The same pages at two sizes: single-user p50 and ratio, and the change of the p50."""
    (s_target, s_table), (l_target, l_table) = small, large
    by_label = {row["label"]: row for row in s_table}
    lines = [f"### Growth from {s_target.orders:,} to {l_target.orders:,} orders".replace(",", " "), "",
             f"| page | p50 ms at {s_target.orders:,} | p50 ms at {l_target.orders:,} | change | "
             f"slower by at {s_target.orders:,} | slower by at {l_target.orders:,} | round trips |".replace(",", " "),
             "|---|---:|---:|---:|---:|---:|---:|"]
    for row in l_table:
        other = by_label.get(row["label"])
        if other is None:
            continue
        change = (row["p50"] - other["p50"]) / other["p50"] * 100 if other["p50"] else 0.0
        trips = f"{other['round_trips']} / {row['round_trips']}"
        lines.append(f"| {row['label']} | {other['p50']:.1f} | {row['p50']:.1f} | {change:+.0f} % | "
                     f"{other['ratio']:.2f}x | {row['ratio']:.2f}x | {trips} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    args = parse_args()
    sizes = [args.orders] + ([args.also] if args.also else [])
    targets = [Target(orders, database_url(args.admin_url, orders), PORT + 2 * n, RULER_PORT + 2 * n)
               for n, orders in enumerate(sizes)]
    for target in targets:
        if not args.existing:
            args_for = argparse.Namespace(**{**vars(args), "orders": target.orders})
            build(args_for, target.url)
        engine = create_engine(target.url)
        with engine.connect() as conn:
            target.pages = bench_pages.pages(conn, target.orders)
        engine.dispose()
        if args.only:
            wanted = [text_ for text_ in args.only.split("|") if text_]
            target.pages = [p for p in target.pages if any(text_ in p.label for text_ in wanted)]
            if not target.pages:
                sys.exit(f"No page's label contains {args.only!r}.")
        print(f"Counting round trips per page at {target.orders} orders ...")
        target.round_trips = count_round_trips(target.url, target.pages)
    servers = [proc for target in targets for proc in serve(target, args.ruler)]
    try:
        for target in targets:
            prepare(target)
        measure(args, targets)
    finally:
        for proc in servers:
            proc.terminate()
        for proc in servers:
            proc.wait(timeout=30)
    tables = [(target, summary(target)) for target in targets]
    text_ = "\n".join(report(args, target, table) for target, table in tables)
    if len(tables) == 2:
        text_ += "\n" + growth(tables[1], tables[0])
    print(text_)
    if args.out:
        Path(args.out).write_text(text_)
    return 0


if __name__ == "__main__":
    sys.exit(main())
