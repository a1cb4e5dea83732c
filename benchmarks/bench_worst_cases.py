"""Time the worst cases the unit tests only check for correctness, against their targets.

The inputs are built by ``tests/scale_cases.py``, the same builders the unit tests use
(tests/test_calendars.py, tests/rules/test_change_window.py,
tests/rules/test_change_overlap.py, tests/test_hostile.py), so what is timed here is
exactly what is asserted there. Building an input is not timed; each timed call runs
``--repeat`` times and the medians of wall time (``perf_counter``) and of this process's
CPU time (``process_time``) are reported. CPU time is the one to compare on a shared
machine. Targets and results: docs/benchmarks.md ("Worst cases").

Usage::

    python benchmarks/bench_worst_cases.py                 # full size, 5 runs each
    python benchmarks/bench_worst_cases.py --scale 0.05 --repeat 1   # a smoke run

Exit status: 0, or with ``--strict`` 1 when a target is missed on CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))  # tests.scale_cases, the inputs the unit tests check

from tests import scale_cases  # noqa: E402


@dataclass(frozen=True)
class Case:
    label: str
    target: float  # seconds, for the full-size input
    build: Callable[[Path, float], Callable[[], Any]]


def _n(full: int, scale: float) -> int:
    return max(2, round(full * scale))


CASES = (
    Case(
        "calendar: one hour of year 9000 of FREQ=MINUTELY;INTERVAL=7",
        2.0,
        lambda _root, _scale: scale_cases.far_future_minutely(),
    ),
    Case(
        "calendar: 12 monthly queries of a rule that never occurs",
        1.0,
        lambda _root, _scale: scale_cases.dead_rule_monthly(),
    ),
    Case(
        "rule change-window: 2,000 changes, weekly freeze",
        1.5,
        lambda root, scale: scale_cases.change_window_changes(root, _n(2000, scale)),
    ),
    Case(
        "rule change-overlap: 5,000 changes on 500 chained services",
        0.5,
        lambda root, scale: scale_cases.change_overlap_changes(
            root, _n(500, scale), _n(5000, scale)
        ),
    ),
    Case(
        "itsm lint of a repository holding a 9**9-node alias bomb",
        5.0,
        lambda root, _scale: scale_cases.alias_bomb(root),
    ),
)


def measure(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the worst cases (see the docstring).")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="input size factor (targets hold at 1.0)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)

    lines = [
        f"Medians of {args.repeat} runs; input scale {args.scale:g}.",
        "",
        "| case | target (s) | wall (s) | CPU (s) | on CPU time |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    missed = 0
    for case in CASES:
        with tempfile.TemporaryDirectory(prefix="itsm-worst-") as tmp:
            call = case.build(Path(tmp), args.scale)
            wall, cpu = measure(call, args.repeat)
        met = cpu <= case.target
        missed += not met
        verdict = "met" if met else "**NOT met**"
        lines.append(f"| {case.label} | {case.target:g} | {wall:.3f} | {cpu:.3f} | {verdict} |")
        print(f"timed: {case.label}", file=sys.stderr)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
