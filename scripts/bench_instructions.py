"""Instructions per request: the benchmark's pages against the bare page, counted, not timed.

    .venv/bin/python scripts/bench_instructions.py --orders 5000000 [--only "Alla"] [--requests 30]

Runs in one process under valgrind's callgrind, on a region ``scripts/benchmark.py`` built
(``beh_bench_<orders>``): the portal (``benchmark.make_app``) and the ruler (../shared/bench/limit_app.py)
are both served through Flask's test client, and for each page the process switches callgrind's
counting on (``callgrind_control -i on``), sends ``--requests`` requests after a warm-up, switches it
off and dumps the count. The result is the number of instructions the Python process executes for one
request of the page: its views, rendering, SQLAlchemy and the driver, not PostgreSQL's own work (another
process) and not the time spent waiting.

Why: on a shared machine two timed runs of the same page differ by up to 0.4x (docs/performance.md), so a
change worth 5 % cannot be seen by timing. An instruction count is the same from run to run, whatever
else the machine does, and says where the Python side of a page goes. It does not replace the timed
benchmark (PostgreSQL, the network and concurrency count there); it is the lens for the fixed cost of a
request. Needs valgrind (``apt-get install valgrind``).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE / "bench"))
sys.path.insert(0, str(HERE))

import argparse  # noqa: E402
import gc  # noqa: E402
import glob  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

RULER = HERE.parent.parent / "shared" / "bench" / "limit_app.py"
WARM_UP = 10


def parse_args() -> argparse.Namespace:
    import bench_pages

    parser = bench_pages.region_arguments(__doc__)
    parser.add_argument("--requests", type=int, default=30, help="requests counted per page")
    parser.add_argument("--out", default="", help="also write the Markdown table to this file")
    parser.add_argument("--inside", help=argparse.SUPPRESS)  # the run under valgrind: its dump directory
    return parser.parse_args()


def main() -> None:
    """Start this script again under callgrind (its counting off), then print the table of its dumps."""
    args = parse_args()
    if args.inside:
        count_pages(args)
        return
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    with tempfile.TemporaryDirectory(prefix="beh-instructions-") as dumps:
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={dumps}/callgrind.out", sys.executable, __file__,
                   "--orders", str(args.orders), "--admin-url", args.admin_url, "--only", args.only,
                   "--requests", str(args.requests), "--inside", dumps]
        subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
        table = report(dumps, args.requests)
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n", encoding="utf-8")


def _counting(on: bool) -> None:
    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                   check=True, capture_output=True)


def _dump(label: str) -> None:
    """Write the count since the last dump (callgrind zeroes it), named by ``label``."""
    subprocess.run(["callgrind_control", f"--dump={label}", str(os.getpid())], check=True, capture_output=True)


def _measure(client, path: str, requests: int, label: str) -> None:
    for _ in range(WARM_UP):
        client.get(path)
    # What is alive now is set aside from the garbage collector (gc.freeze): otherwise a full collection of
    # the app's objects falls on whichever counted request crosses its threshold, a few million
    # instructions that made one page's count differ by 10 % between runs.
    gc.collect()
    gc.freeze()
    _dump("warm-up")  # whatever was counted before (nothing, counting was off) is set aside
    _counting(True)
    for _ in range(requests):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
    _counting(False)
    _dump(label)


def count_pages(args: argparse.Namespace) -> None:
    """Inside callgrind: every page of the portal, then the ruler's pages, each counted and dumped."""
    import bench_pages
    import benchmark

    sys.path.insert(0, str(RULER.parent))
    import limit_app

    url = benchmark.database_url(args.admin_url, args.orders)
    pages = bench_pages.region_pages(url, args.orders, args.only)
    app = benchmark.make_app(url)
    clients = {}
    for n, page in enumerate(pages):
        client = bench_pages.logged_in(app, clients, page.user)
        _measure(client, page.path, args.requests, f"page-{n}")
    ruler = limit_app.make_app(url).test_client()
    for n, path in enumerate(sorted({page.ruler for page in pages})):
        _measure(ruler, path, args.requests, f"ruler-{n}")
    Path(args.inside, "labels.txt").write_text(
        "\n".join([f"page-{n}\t{page.label}\t{page.ruler}" for n, page in enumerate(pages)]
                  + [f"ruler-{n}\t{path}" for n, path in enumerate(sorted({page.ruler for page in pages}))]),
        encoding="utf-8")


def _totals(dumps: str) -> dict[str, int]:
    """Instructions per dump label: each dump file's ``desc: Trigger: dump <label>`` and ``totals:`` lines."""
    found = {}
    for name in glob.glob(os.path.join(dumps, "callgrind.out*")):
        text = Path(name).read_text(encoding="utf-8", errors="replace")
        trigger = re.search(r"^desc: Trigger: dump (\S+)$", text, re.M)
        total = re.search(r"^totals: (\d+)$", text, re.M)
        if trigger and total:
            found[trigger.group(1)] = int(total.group(1))
    return found


def report(dumps: str, requests: int) -> str:
    """The Markdown table: instructions per request of each page, of its ruler page, and the ratio."""
    totals = _totals(dumps)
    labels = Path(dumps, "labels.txt").read_text(encoding="utf-8").splitlines()
    rulers = {}
    pages = []
    for line in labels:
        parts = line.split("\t")
        if parts[0].startswith("ruler-"):
            rulers[parts[1]] = totals.get(parts[0], 0) / requests
        else:
            pages.append((parts[1], parts[2], totals.get(parts[0], 0) / requests))
    lines = ["| page | portal instructions/request | bare page | ratio |", "|---|---:|---:|---:|"]
    for label, ruler_path, mine in pages:
        bare = rulers.get(ruler_path, 0)
        ratio = f"{mine / bare:.2f}x" if bare else "–"
        lines.append(f"| {label} | {mine / 1e6:.2f} M | {bare / 1e6:.2f} M | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
