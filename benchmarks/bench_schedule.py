"""Benchmark of ``itsm impact``, ``itsm graph`` and ``itsm calendar --format ics`` against
``itsm lint`` of the same repository (the 10,000-service, 5,000-change corpus).

Each command runs as a subprocess from the corpus root (``run.measure``: one untimed
warm-up, median of ``--repeat`` runs, wall and CPU time). ``impact`` asks about the
service with the most direct dependents; ``calendar`` covers 2025-01-01 to 2028-01-01,
which holds every generated change window. ``itsm lint`` answers a second run from
its cache; ``--no-cache`` runs measure the work without it (lint parses and checks
everything, impact and graph parse the services folder). Targets (docs/benchmarks.md): impact and
graph well under lint; the ics feed under 1.5x lint. A bare libyaml parse of the
services folder is measured too: the floor of any command that reads every service.
Usage:
``python benchmarks/bench_schedule.py --corpus /tmp/itsm-corpus [--repeat 3]``
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import Timing, measure

ITSM = [sys.executable, "-m", "itsmcode"]
FLOOR = (
    "import pathlib, yaml\n"
    "for p in sorted(pathlib.Path('catalog/services').glob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)


def busiest_service(corpus: Path) -> str:
    """The service most others depend on directly (the widest impact to compute)."""
    users: Counter[str] = Counter()
    for path in sorted((corpus / "catalog" / "services").glob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        for dep in data["spec"].get("dependsOn", []):
            users[dep["service"]] += 1
    return users.most_common(1)[0][0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.resolve()
    target = busiest_service(corpus)
    period = ["--since", "2025-01-01", "--until", "2028-01-01"]
    commands = {
        "itsm lint": ["lint"],
        "itsm lint --no-cache": ["lint", "--no-cache"],
        f"itsm impact {target}": ["impact", target],
        f"itsm impact {target} --format json": ["impact", target, "--format", "json"],
        f"itsm impact {target} --no-cache": ["impact", target, "--no-cache"],
        "itsm graph --format dot": ["graph", "--format", "dot"],
        "itsm graph --format mermaid": ["graph"],
        "itsm graph --no-cache": ["graph", "--no-cache"],
        "itsm calendar --format ics (3 years)": ["calendar", *period, "--format", "ics"],
        "itsm calendar --format ics --no-cache": [
            "calendar",
            *period,
            "--format",
            "ics",
            "--no-cache",
        ],
        "itsm calendar (text, 3 years)": ["calendar", *period],
    }
    timings: list[Timing] = [
        measure(label, [[*ITSM, *argv_]], corpus, args.repeat, shown=label)
        for label, argv_ in commands.items()
    ]
    # The floor of impact and graph: reading and parsing every service file, nothing else.
    floor = "bare parse of the services folder (CSafeLoader)"
    timings.append(
        measure(floor, [[sys.executable, "-c", FLOOR]], corpus, args.repeat, shown=floor)
    )
    # The targets compare the same work: lint doing all of it (no cache), and lint
    # answered from its result cache for the cached rows.
    cached, full = timings[0], timings[1]
    print("| measurement | wall (s) | CPU (s) | CPU / lint --no-cache | CPU / cached lint | exit |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for t in timings:
        codes = ",".join(str(c) for c in t.exit_codes)
        print(
            f"| `{t.label}` | {t.wall:.3f} | {t.cpu:.3f} | {t.cpu / full.cpu:.2f}x "
            f"| {t.cpu / cached.cpu:.2f}x | {codes} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
