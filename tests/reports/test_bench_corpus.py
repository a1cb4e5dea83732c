"""The report benchmark's corpus (benchmarks/bench_reports.py) lints clean at a tiny size
and every report runs on it, so the timings measure real work, not error paths."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.helpers import run_cli
from tests.reports.planted import report_json

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def test_tiny_corpus_with_incidents(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from bench_reports import write_incidents  # type: ignore[import-not-found]
        from generate_corpus import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    generate(tmp_path, 60, 30, 7, 8)
    write_incidents(tmp_path, 200, 7)
    lint = run_cli(["lint", "--repo", str(tmp_path), "--now", "2026-12-01"])
    assert lint.exit_code == 0, lint.output
    data = report_json(tmp_path, "sla", "--since", "2026-09-01", "--until", "2026-12-01")
    assert len(data["measurements"]) + len(data["unmeasured"]) == 200
    assert len(data["measurements"]) >= 150
    changes = report_json(tmp_path, "changes", "--since", "2000-01-01", "--until", "2100-01-01")
    assert changes["totals"]["deployed"] > 0
