"""scripts/bench_instructions.py reads callgrind's dumps: one per page and per bare page, by the dump's label."""
from __future__ import annotations

from pathlib import Path

from helpers import load_script


def _script():
    return load_script("bench_instructions")


def _dump(directory: Path, part: int, label: str, total: int) -> None:
    # The lines callgrind 3.19 writes at the head of a dump made by ``callgrind_control --dump=<label>``.
    (directory / f"callgrind.out.{part}").write_text(
        f"# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 1\npart: {part}\n\n"
        f"desc: Timerange: Basic block 0 - 10\ndesc: Trigger: dump {label}\n\npositions: line\nevents: Ir\n"
        f"summary: 0\n\ntotals: {total}\n", encoding="utf-8")


def test_instruktioner_per_sida_och_förhållandet_till_den_nakna_sidan(tmp_path):
    script = _script()
    _dump(tmp_path, 1, "warm-up", 0)
    _dump(tmp_path, 2, "page-0", 150_000_000)
    _dump(tmp_path, 3, "warm-up", 0)
    _dump(tmp_path, 4, "ruler-0", 45_000_000)
    (tmp_path / "labels.txt").write_text(
        "page-0\tMina p1\t/orders?orderer=1&page=1\nruler-0\t/orders?orderer=1&page=1", encoding="utf-8")
    table = script.report(str(tmp_path), requests=10)
    assert table.splitlines()[2] == "| Mina p1 | 15.00 M | 4.50 M | 3.33x |"
