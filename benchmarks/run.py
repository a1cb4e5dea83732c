"""Time ``itsm lint`` against check-jsonschema, a bare libyaml parse and yamllint.

Everything runs on the same corpus in one invocation, one command at a time, each as
a subprocess of this script. For every command the wall time (``perf_counter``) and the
process CPU time (user + system, from ``resource.getrusage(RUSAGE_CHILDREN)`` deltas)
are measured ``--repeat`` times and the medians reported, after one untimed warm-up run
of the cheap commands (so every command meets a warm page cache). Then a per-phase
breakdown of ``itsm lint`` is measured in a fresh interpreter that imports the library
and times each stage of the pipeline (read, decode, parse, validate, catalog, each rule).

Usage::

    python benchmarks/run.py --corpus /tmp/itsm-corpus            # generates it if missing
    python benchmarks/run.py --corpus /tmp/tiny --services 50 --changes 20 --teams 10

The report (Markdown) goes to stdout, and also to ``--output`` when given.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
BIN = Path(sys.executable).parent
#: Room left under the kernel's argument limit when batching check-jsonschema calls.
ARG_BUDGET = 100_000

BARE_PARSE = """\
import sys
import yaml
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
for path in paths:
    with open(path, "rb") as handle:
        yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""


@dataclass
class Timing:
    """Medians of repeated runs of one measurement (a run may be several processes)."""

    label: str
    command: str
    wall: float
    cpu: float
    runs: int
    exit_codes: tuple[int, ...]


def _tool(name: str) -> str | None:
    """An executable from this interpreter's environment first, then from PATH."""
    local = BIN / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def _run_once(commands: Sequence[Sequence[str]], cwd: Path) -> tuple[float, float, list[int]]:
    """Run commands one after another; their summed wall and CPU time, exit codes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    codes = []
    for command in commands:
        done = subprocess.run(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        codes.append(done.returncode)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, codes


def measure(
    label: str,
    commands: Sequence[Sequence[str]],
    cwd: Path,
    repeat: int,
    *,
    shown: str,
    warm_up: bool = True,
) -> Timing:
    if warm_up:
        _run_once(commands, cwd)
    walls: list[float] = []
    cpus: list[float] = []
    codes: set[int] = set()
    for _ in range(repeat):
        wall, cpu, exit_codes = _run_once(commands, cwd)
        walls.append(wall)
        cpus.append(cpu)
        codes.update(exit_codes)
    return Timing(
        label,
        shown,
        statistics.median(walls),
        statistics.median(cpus),
        repeat,
        tuple(sorted(codes)),
    )


def batches(prefix: Sequence[str], files: Sequence[str]) -> list[list[str]]:
    """Split one long command line into several under the argument-size budget."""
    out: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in files:
        if current and size + len(path) + 1 > ARG_BUDGET:
            out.append([*prefix, *current])
            current, size = [], 0
        current.append(path)
        size += len(path) + 1
    if current:
        out.append([*prefix, *current])
    return out


def corpus_files(corpus: Path) -> list[str]:
    """Every YAML file of the corpus, repository-relative, sorted (what lint reads)."""
    found = [
        Path(dirpath, name).relative_to(corpus).as_posix()
        for dirpath, _, names in os.walk(corpus)
        for name in names
        if name.endswith((".yaml", ".yml"))
    ]
    return sorted(found)


def one_service_file(root: Path) -> str | None:
    services = root / "catalog" / "services"
    preferred = services / "payments-api.yaml"
    if preferred.is_file():
        return preferred.relative_to(root).as_posix()
    candidates = sorted(services.glob("*.yaml")) if services.is_dir() else []
    return candidates[0].relative_to(root).as_posix() if candidates else None


# ---------------------------------------------------------------------- phases
PHASE_SCRIPT = r"""
import json, sys, time
from collections import defaultdict
from pathlib import Path

totals = defaultdict(float)

# CPU time of this (single-threaded) process: robust against other load on the machine.
clock = time.process_time

def timed(name, fn):
    def wrapper(*args, **kwargs):
        start = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[name] += clock() - start
    return wrapper

start = clock()
import itsmcode.lint.engine as lint_module
import itsmcode.load.snapshot as snapshot
import itsmcode.load.yamlio as yamlio
from itsmcode.lint.rules import RULES
totals["import itsmcode.lint.engine"] = clock() - start

# The stages snapshot.py calls, by the names it imports them under; a stage renamed
# there simply stops being itemised (its time lands in "other").
for stage in ("discover", "read", "decode", "parse", "validate", "Catalog"):
    if hasattr(snapshot, stage):
        setattr(snapshot, stage, timed(stage, getattr(snapshot, stage)))
if hasattr(yamlio, "_Constructor"):
    yamlio._Constructor.build = timed("parse: construct values", yamlio._Constructor.build)
if hasattr(lint_module, "load_config"):
    lint_module.load_config = timed("config", lint_module.load_config)
lint_module.load_worktree = timed("load (all of the above)", lint_module.load_worktree)
for rule_id, module in RULES.items():
    check = module.check
    module.check = timed("rule " + rule_id, lambda c, x, check=check: list(check(c, x)))
lint_module.run_rules = timed("rules + engine", lint_module.run_rules)

start = clock()
result = lint_module.lint(Path(sys.argv[1]))
totals["lint() total"] = clock() - start
totals["diagnostics"] = len(result.diagnostics)
json.dump(totals, sys.stdout)
"""


def phases(corpus: Path, repeat: int) -> dict[str, float]:
    """Median CPU seconds per stage of an in-process lint (fresh interpreter per run)."""
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", PHASE_SCRIPT, str(corpus)],
            capture_output=True,
            text=True,
            check=True,
            cwd=corpus,
        )
        runs.append(json.loads(done.stdout))
    keys = list(runs[0])
    return {key: statistics.median(run.get(key, 0.0) for run in runs) for key in keys}


# ---------------------------------------------------------------------- report
def ratio_row(target: str, cpu: float, wall: float, met_cpu: bool, met_wall: bool) -> str:
    def verdict(met: bool) -> str:
        return "met" if met else "**NOT met**"

    return f"| {target} | {cpu:.2f}x | {wall:.2f}x | {verdict(met_cpu)} | {verdict(met_wall)} |"


def report(
    timings: dict[str, Timing], stage_times: dict[str, float] | None, info: dict[str, str]
) -> str:
    lines = [
        f"Corpus: {info['corpus']}",
        f"Machine: {info['machine']}",
        f"Software: {info['software']}",
        f"Date: {info['date']}",
        "",
        f"Medians of {info['repeat']} runs each; wall = elapsed, CPU = user + system time "
        "of the child processes.",
        "",
        "| measurement | wall (s) | CPU (s) | exit | command |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for t in timings.values():
        codes = ",".join(str(c) for c in t.exit_codes)
        lines.append(f"| {t.label} | {t.wall:.3f} | {t.cpu:.3f} | {codes} | `{t.command}` |")
    lines += [
        "",
        "| target | ratio (CPU) | ratio (wall) | on CPU time | on wall time |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    lint = timings.get("lint")
    cj = timings.get("check-jsonschema")
    bare = timings.get("bare")
    if lint and cj:
        cpu, wall = cj.cpu / lint.cpu, cj.wall / lint.wall
        lines.append(
            ratio_row(
                "itsm lint >= 5x faster than check-jsonschema (check-jsonschema / lint)",
                cpu,
                wall,
                cpu >= 5,
                wall >= 5,
            )
        )
    if lint and bare:
        cpu, wall = lint.cpu / bare.cpu, lint.wall / bare.wall
        lines.append(
            ratio_row(
                "itsm lint within 2x of a bare CSafeLoader parse (lint / parse)",
                cpu,
                wall,
                cpu <= 2,
                wall <= 2,
            )
        )
    for key, where in (("corpus", "corpus"), ("example", "example repository")):
        one = timings.get(f"one-{key}")
        yl = timings.get(f"yamllint-{key}")
        if one and yl:
            cpu, wall = one.cpu / yl.cpu, one.wall / yl.wall
            lines.append(
                ratio_row(
                    f"one-file lint ({where}) costs <= yamllint (lint / yamllint)",
                    cpu,
                    wall,
                    cpu <= 1,
                    wall <= 1,
                )
            )
    if stage_times:
        total = stage_times.get("lint() total", 0.0) or 1.0
        lines += [
            "",
            "Phases of one in-process `itsm lint` (median CPU seconds; stages nest: "
            "'parse: construct values' is part of 'parse', the stages and 'config' make "
            "up 'load', the rules are part of 'rules + engine'):",
            "",
            "| phase | seconds | share of lint() |",
            "| --- | ---: | ---: |",
        ]
        rules = sum(v for k, v in stage_times.items() if k.startswith("rule "))
        stage_times = dict(stage_times)
        stage_times["engine (rules + engine, less the rules)"] = (
            stage_times.get("rules + engine", 0.0) - rules
        )
        for key in sorted(stage_times, key=_phase_order):
            value = stage_times[key]
            if key == "diagnostics":
                continue
            share = f"{100 * value / total:.0f}%" if key != "import itsmcode.lint.engine" else "-"
            lines.append(f"| {key} | {value:.3f} | {share} |")
        lines.append(f"\n{int(stage_times.get('diagnostics', 0))} diagnostics.")
    return "\n".join(lines) + "\n"


#: Phases in pipeline order; rules in between, in the order they ran.
_PHASES = (
    "import itsmcode.lint.engine",
    "config",
    "discover",
    "read",
    "decode",
    "parse",
    "parse: construct values",
    "validate",
    "Catalog",
    "load (all of the above)",
)
_AFTER_RULES = ("engine (rules + engine, less the rules)", "rules + engine", "lint() total")


def _phase_order(key: str) -> int:
    if key in _PHASES:
        return _PHASES.index(key)
    if key in _AFTER_RULES:
        return 1000 + _AFTER_RULES.index(key)
    return 500


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark itsm lint (see module docstring).")
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir(), "itsm-corpus"))
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--schema", type=Path, default=PROJECT / "schemas" / "itsmcode.schema.json")
    parser.add_argument(
        "--example",
        type=Path,
        default=PROJECT,
        help="small repository for the one-file lint (default: the project)",
    )
    parser.add_argument("--no-phases", action="store_true", help="skip the phase breakdown")
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)

    corpus: Path = args.corpus.resolve()
    if not (corpus / "itsm.yaml").is_file():
        sys.path.insert(0, str(HERE))
        from generate_corpus import generate

        print(
            f"generating {args.services} services, {args.changes} changes in {corpus}",
            file=sys.stderr,
        )
        generate(corpus, args.services, args.changes, args.seed, args.teams)
    files = corpus_files(corpus)
    listing = Path(tempfile.mkdtemp(prefix="itsm-bench-")) / "files.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    total_bytes = sum((corpus / f).stat().st_size for f in files)

    itsm = _tool("itsm") or "itsm"
    timings: dict[str, Timing] = {}
    repeat = args.repeat
    print("timing itsm lint", file=sys.stderr)
    timings["lint"] = measure(
        "itsm lint (all rules)",
        [[itsm, "lint", "--no-cache"]],
        corpus,
        repeat,
        shown="itsm lint --no-cache",
    )
    print("timing bare parse", file=sys.stderr)
    timings["bare"] = measure(
        "bare parse (PyYAML CSafeLoader)",
        [[sys.executable, "-c", BARE_PARSE, str(listing)]],
        corpus,
        repeat,
        shown="python -c 'yaml.load(f, CSafeLoader) for every file'",
    )
    check_jsonschema = _tool("check-jsonschema")
    if check_jsonschema and args.schema.is_file():
        commands = batches([check_jsonschema, "--schemafile", str(args.schema)], files)
        print(f"timing check-jsonschema ({len(commands)} batch(es))", file=sys.stderr)
        timings["check-jsonschema"] = measure(
            "check-jsonschema (schema only)",
            commands,
            corpus,
            repeat,
            warm_up=False,
            shown=f"check-jsonschema --schemafile schemas/itsmcode.schema.json <{len(files)} "
            f"files> ({len(commands)} batch{'es' if len(commands) > 1 else ''}, summed)",
        )
    else:
        print("check-jsonschema or the schema is missing: skipped", file=sys.stderr)

    yamllint = _tool("yamllint")
    one = one_service_file(corpus)
    if one:
        timings["one-corpus"] = measure(
            "itsm lint one file (corpus)",
            [[itsm, "lint", "--no-cache", one]],
            corpus,
            repeat,
            shown=f"itsm lint {one}",
        )
    example: Path = args.example.resolve()
    one_example = one_service_file(example) if (example / "itsm.yaml").is_file() else None
    if one_example:
        timings["one-example"] = measure(
            "itsm lint one file (example repository)",
            [[itsm, "lint", "--no-cache", one_example]],
            example,
            repeat,
            shown=f"itsm lint {one_example}",
        )
    if yamllint:
        for key, where, target in (("corpus", corpus, one), ("example", example, one_example)):
            if target:
                timings[f"yamllint-{key}"] = measure(
                    f"yamllint one file ({key})",
                    [[yamllint, target]],
                    where,
                    repeat,
                    shown=f"yamllint {target}",
                )
    else:
        print("yamllint is not installed (pip install -e '.[bench]'): skipped", file=sys.stderr)

    stage_times = None if args.no_phases else phases(corpus, repeat)
    lines = sum((corpus / f).read_bytes().count(b"\n") for f in files)
    services = sum(1 for f in files if f.startswith("catalog/services/"))
    changes = sum(1 for f in files if f.startswith("changes/"))
    info = {
        "corpus": f"{corpus}: {services} services, {changes} change requests, {len(files)} "
        f"files in all, {total_bytes / 1e6:.1f} MB, {lines} lines",
        "machine": _machine(),
        "software": f"Python {platform.python_version()}, itsmcode {_version('itsmcode')}, "
        f"pydantic {_version('pydantic')}, PyYAML {_version('PyYAML')}, "
        f"check-jsonschema {_version('check-jsonschema')}, yamllint {_version('yamllint')}",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "repeat": str(repeat),
    }
    text = report(timings, stage_times, info)
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    shutil.rmtree(listing.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
