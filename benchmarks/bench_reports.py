"""Time ``itsm report sla`` and ``itsm report changes`` against ``itsm lint`` on one corpus.

The corpus is generate_corpus.py's (services, teams, SLAs, changes) plus incidents
written here over one quarter (2026-09-01 to 2026-12-01) on the live services with an
SLA: response and resolution times around their targets, one in ten with time on hold,
one in twenty with downtime, one in a hundred caused by a change. itsm.yaml gains the
incident and problem practices. The three commands run one after another in this one
invocation, as subprocesses, median of ``--repeat`` runs after a warm-up (wall and
process CPU time, as run.py measures). Target (docs/benchmarks.md): each report at most
1.5x ``itsm lint`` on the same repository.

    python benchmarks/bench_reports.py --corpus /tmp/itsm-reports            # full size
    python benchmarks/bench_reports.py --corpus /tmp/small --services 1000 --changes 500 \
        --incidents 10000
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_corpus import generate  # noqa: E402
from run import measure  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
QUARTER = ("2026-09-01", "2026-12-01")
CATEGORIES = ("software", "capacity", "configuration", "vendor", "network", "hardware")
#: Wall-clock minutes from opening to response and from response to resolution.
TIMES = {"P1": ((3, 20), (30, 300)), "P2": ((5, 60), (60, 900)), "P3": ((15, 600), (120, 5000))}


def services_with_sla(corpus: Path) -> list[str]:
    names = []
    for path in sorted((corpus / "catalog" / "services").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^  sla: ", text, re.M) and "lifecycle: live" in text:
            names.append(path.stem)
    return names


def change_names(corpus: Path) -> list[str]:
    return sorted(p.stem for p in (corpus / "changes").rglob("*.yaml"))


def write_incidents(corpus: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    services = services_with_sla(corpus)
    changes = change_names(corpus)
    start = datetime(2026, 9, 1, tzinfo=BERLIN)
    span = (datetime(2026, 11, 30, tzinfo=BERLIN) - start).total_seconds()
    folder = corpus / "incidents" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        opened = start + timedelta(seconds=rng.randrange(int(span)) // 60 * 60)
        priority = rng.choices(("P1", "P2", "P3"), weights=(1, 3, 6))[0]
        response, resolution = TIMES[priority]
        responded = opened + timedelta(minutes=rng.randint(*response))
        resolved = responded + timedelta(minutes=rng.randint(*resolution))
        lines = [
            "apiVersion: itsmcode/v1",
            "kind: Incident",
            f"metadata: {{name: inc-{i:06d}}}",
            "spec:",
            f"  services: [{rng.choice(services)}]",
            f"  priority: {priority}",
            f'  openedAt: "{opened.isoformat()}"',
            f'  respondedAt: "{responded.isoformat()}"',
            f'  resolvedAt: "{resolved.isoformat()}"',
        ]
        if rng.random() < 0.1:
            hold_start = responded + (resolved - responded) / 4
            hold_end = responded + (resolved - responded) / 2
            lines.append(
                f'  onHold: [{{start: "{hold_start.isoformat()}", end: "{hold_end.isoformat()}",'
                " reason: Waiting for the customer}]"
            )
        if rng.random() < 0.05:
            lines.append(
                f'  downtime: {{start: "{opened.isoformat()}", end: "{responded.isoformat()}"}}'
            )
        change = f", change: {rng.choice(changes)}" if rng.random() < 0.01 else ""
        lines.append(f"  cause: {{category: {rng.choice(CATEGORIES)}{change}}}")
        (folder / f"inc-{i:06d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = corpus / "itsm.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "practices: [catalog, sla, change]",
            "practices: [catalog, sla, change, incident, problem]",
        ),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.corpus / "itsm.yaml").exists():
        generate(args.corpus, args.services, args.changes, args.seed, args.teams)
        write_incidents(args.corpus, args.incidents, args.seed)
    itsm = [sys.executable, "-m", "itsmcode"]
    period = ["--since", QUARTER[0], "--until", QUARTER[1]]
    # changes: every change the corpus holds, whenever it finished.
    wide = ["--since", "2000-01-01", "--until", "2100-01-01"]
    runs = [
        # Without its cache: the reports load every file too, and a cached lint would be
        # answered from its result cache without doing the work compared here.
        ("itsm lint", [*itsm, "lint", "--no-cache", "--format", "json"]),
        ("itsm report sla", [*itsm, "report", "sla", *period, "--format", "json"]),
        ("itsm report changes", [*itsm, "report", "changes", *wide, "--format", "json"]),
    ]
    timings = [
        measure(label, [command], args.corpus, args.repeat, shown=" ".join(command[2:]))
        for label, command in runs
    ]
    files = sum(1 for _ in args.corpus.rglob("*.yaml"))
    print(f"corpus: {args.corpus} ({files} YAML files, incident practice on)\n")
    print("| command | wall (s) | CPU (s) | CPU vs lint | exit codes |")
    print("| --- | --- | --- | --- | --- |")
    base = timings[0].cpu
    for timing in timings:
        print(
            f"| `{timing.command}` | {timing.wall:.2f} | {timing.cpu:.2f} | "
            f"{timing.cpu / base:.2f}x | {', '.join(map(str, timing.exit_codes))} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
