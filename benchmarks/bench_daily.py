"""Time the daily loop of issue "editor speed": the lint cache, --changed, parallel cold
lint, a pre-commit style one-file lint, and ``itsm --version``, in one run.

Every command runs as a subprocess of this script on the same corpus, ``--repeat``
times; medians of wall time and of CPU time (user + system of the child and its
workers, from ``RUSAGE_CHILDREN`` deltas) are reported, and every ratio is taken
between numbers of this one run. The cache lives in a scratch ``XDG_CACHE_HOME``, the
bytecode in a scratch ``PYTHONPYCACHEPREFIX`` (as an installed package has it).

Scenarios (targets from the issue, checked on CPU time and on wall time):

- ``bare``: one process loading every file with PyYAML's CSafeLoader (libyaml);
- ``cold``: ``itsm lint --no-cache`` (parsing on every core), target <= 1.2x bare;
- ``cold, one process``: ``itsm lint --no-cache --jobs 1``, for reference;
- ``warm``: ``itsm lint`` again on an unchanged repository, target <= 0.1x cold;
- ``one edit``: one service file edited before each run, then ``itsm lint``,
  target <= 0.2x cold; measured three times: the edit adds a comment (no value
  changes, so the previous run is patched: lint/incremental.py), changes the service's
  title (a value no rule reads of another file: patched too), and changes its tier (a
  value other files' rules read: everything is loaded);
- ``pre-commit``: one service file's title changed, then ``itsm lint FILE``
  (in-process) and ``itsm lint --daemon FILE`` (what the hook runs, a lint server
  running: its CPU time during the run is added to the client's), target <= 2x
  ``yamllint FILE`` and under 200 MB peak memory (the server's peak reported too);
- ``--version``: target under 0.1 s.

Usage::

    python benchmarks/bench_daily.py --corpus /tmp/itsm-corpus   # generated if missing
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_corpus import generate  # noqa: E402
from run import BARE_PARSE, _tool, corpus_files, one_service_file  # noqa: E402


@dataclass(frozen=True)
class Timing:
    label: str
    wall: float
    cpu: float
    peak_mb: float


def run_once(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


PEAK = (
    "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_mb(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PEAK, *command], cwd=cwd, env=env, capture_output=True, text=True
    )
    return int(out.stdout.strip() or 0) / 1024


def measure(
    label: str,
    command: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    repeat: int,
    before_each: Callable[[], None] | None = None,
    warm_up: bool = True,
    server: int | None = None,
) -> Timing:
    """``server``: the process id of a lint server the command talks to; its CPU time
    during each run is added to the command's (it is not our child)."""
    if warm_up:
        if before_each:
            before_each()
        run_once(command, cwd, env)
    walls, cpus = [], []
    for _ in range(repeat):
        if before_each:
            before_each()
        before = process_cpu(server) if server else 0.0
        wall, cpu = run_once(command, cwd, env)
        walls.append(wall)
        cpus.append(cpu + (process_cpu(server) - before if server else 0.0))
    if before_each:
        before_each()
    return Timing(
        label, statistics.median(walls), statistics.median(cpus), peak_mb(command, cwd, env)
    )


def process_cpu(pid: int) -> float:
    """User + system seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(itsm: str, corpus: Path, env: dict[str, str]) -> int:
    """A lint server for ``itsm lint --daemon``, in a private scratch folder; its pid."""
    subprocess.run([itsm, "daemon", "start", "--idle", "900"], cwd=corpus, env=env, check=True)
    status = subprocess.run(
        [itsm, "daemon", "status"], cwd=corpus, env=env, capture_output=True, text=True
    )
    return int(status.stdout.split("(pid ")[1].split(")")[0])


def editor(path: Path) -> Callable[[], None]:
    """Each call changes the file's content by a new comment: its values stay."""
    original = path.read_text(encoding="utf-8")
    count = [0]

    def edit() -> None:
        count[0] += 1
        path.write_text(original + f"# edit {count[0]} {time.time_ns()}\n", encoding="utf-8")

    return edit


def tier_editor(path: Path) -> Callable[[], None]:
    """Each call gives the service another tier (1 to 4, never the one it had)."""
    original = path.read_text(encoding="utf-8")
    head, found, rest = original.partition("\n  tier: ")
    assert found, path
    tier = int(rest[0])
    count = [0]

    def edit() -> None:
        count[0] += 1
        new = (tier + count[0] % 3) % 4 + 1
        new = new if new != tier else tier % 4 + 1
        # The comment keeps every content new: a repeated one would be a cache hit.
        stamp = f"# tier edit {count[0]} {time.time_ns()}\n"
        path.write_text(f"{head}\n  tier: {new}{rest[1:]}{stamp}", encoding="utf-8")

    return edit


def value_editor(path: Path) -> Callable[[], None]:
    """Each call gives the file a new ``metadata.title``: a value changes."""
    original = path.read_text(encoding="utf-8")
    assert "\n  title: " in original, path
    count = [0]

    def edit() -> None:
        count[0] += 1
        title = f"\n  title: Edited {count[0]} {time.time_ns()}\n"
        head, _, rest = original.partition("\n  title: ")
        path.write_text(head + title + rest.partition("\n")[2], encoding="utf-8")

    return edit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir(), "itsm-corpus"))
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "itsm.yaml").is_file():
        print(f"generating {corpus}", file=sys.stderr)
        generate(corpus, args.services, args.changes, 42, args.teams)
    itsm = _tool("itsm") or "itsm"
    yamllint = _tool("yamllint")
    scratch = Path(tempfile.mkdtemp(prefix="itsm-bench-cache-"))
    runtime = Path(tempfile.mkdtemp(prefix="itsmb-"))  # private (0700), a short socket path
    server_peak = 0.0
    # Bytecode as an installed package has it (pip compiles at install): written to a
    # scratch prefix by each scenario's warm-up run, so a source tree on PYTHONPATH under
    # PYTHONDONTWRITEBYTECODE is not timed compiling itself on every run.
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "XDG_CACHE_HOME": str(scratch),
        "PYTHONPYCACHEPREFIX": str(scratch / "pyc"),
    }
    served_env = {**env, "XDG_RUNTIME_DIR": str(runtime)}
    served_env.pop("CI", None)
    files = corpus_files(corpus)
    listing = scratch / "files.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    one = one_service_file(corpus)
    assert one is not None
    target = corpus / one
    original = target.read_bytes()
    t: dict[str, Timing] = {}
    try:
        print("bare parse", file=sys.stderr)
        t["bare"] = measure(
            "bare", [sys.executable, "-c", BARE_PARSE, str(listing)], corpus, env, args.repeat
        )
        print("cold", file=sys.stderr)
        t["cold"] = measure("cold", [itsm, "lint", "--no-cache"], corpus, env, args.repeat)
        t["cold1"] = measure(
            "cold1", [itsm, "lint", "--no-cache", "--jobs", "1"], corpus, env, args.repeat
        )
        print("warm", file=sys.stderr)
        t["warm"] = measure("warm", [itsm, "lint"], corpus, env, args.repeat)
        print("one edit", file=sys.stderr)
        t["edit"] = measure("edit", [itsm, "lint"], corpus, env, args.repeat, editor(target))
        value = value_editor(target)
        t["value"] = measure("value", [itsm, "lint"], corpus, env, args.repeat, value)
        tier = tier_editor(target)
        t["read"] = measure("read", [itsm, "lint"], corpus, env, args.repeat, tier)
        print("pre-commit", file=sys.stderr)
        t["precommit"] = measure("precommit", [itsm, "lint", one], corpus, env, args.repeat, value)
        server = start_server(itsm, corpus, served_env)
        t["served"] = measure(
            "served",
            [itsm, "lint", "--daemon", one],
            corpus,
            served_env,
            args.repeat,
            value,
            server=server,
        )
        server_peak = process_peak_mb(server)
        if yamllint:
            t["yamllint"] = measure("yamllint", [yamllint, one], corpus, env, args.repeat)
        t["version"] = measure("version", [itsm, "--version"], corpus, env, args.repeat)
    finally:
        target.write_bytes(original)
        subprocess.run([itsm, "daemon", "stop"], env=served_env, capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(runtime, ignore_errors=True)
    print(report(t, len(files), server_peak))
    return 0


def report(t: dict[str, Timing], files: int, server_peak: float) -> str:
    def row(key: str, label: str) -> str:
        x = t[key]
        return f"| {label} | {x.cpu:.3f} | {x.wall:.3f} | {x.peak_mb:.0f} |"

    def ratio(a: str, b: str, target: float, label: str) -> str:
        cpu, wall = t[a].cpu / t[b].cpu, t[a].wall / t[b].wall
        verdict = (
            f"CPU {'met' if cpu <= target else 'not met'}, "
            f"wall {'met' if wall <= target else 'not met'}"
        )
        return f"| {label} (target <= {target}x) | {cpu:.2f}x | {wall:.2f}x | {verdict} |"

    lines = [
        f"Corpus: {files} files. CPU and wall seconds, medians; peak memory of one run.",
        "",
        "| run | CPU s | wall s | peak MB |",
        "| --- | --- | --- | --- |",
        row("bare", "bare parse, one process (CSafeLoader)"),
        row("cold", "itsm lint --no-cache (parallel parse)"),
        row("cold1", "itsm lint --no-cache --jobs 1"),
        row("warm", "itsm lint, unchanged repository (cache)"),
        row("edit", "itsm lint after a one-file edit: a comment (cache)"),
        row("value", "itsm lint after a one-file edit: the title (cache)"),
        row("read", "itsm lint after a one-file edit: the tier (cache)"),
        row("precommit", "itsm lint FILE after editing it (in-process)"),
        row("served", "itsm lint --daemon FILE after editing it (the hook; server running)"),
        *([row("yamllint", "yamllint FILE")] if "yamllint" in t else []),
        row("version", "itsm --version"),
        "",
        "| target | CPU | wall | verdict |",
        "| --- | --- | --- | --- |",
        ratio("cold", "bare", 1.2, "cold lint vs bare parse"),
        ratio("warm", "cold", 0.1, "warm unchanged vs cold"),
        ratio("edit", "cold", 0.2, "after one edit (a comment) vs cold"),
        ratio("value", "cold", 0.2, "after one edit (the title) vs cold"),
        ratio("read", "cold", 0.2, "after one edit (the tier) vs cold"),
        *(
            [
                ratio("served", "yamllint", 2.0, "pre-commit hook (served) vs yamllint"),
                ratio("precommit", "yamllint", 2.0, "one file in-process vs yamllint"),
            ]
            if "yamllint" in t
            else []
        ),
        f"| pre-commit peak memory (target < 200 MB) | in-process {t['precommit'].peak_mb:.0f} "
        f"MB; the hook: client {t['served'].peak_mb:.0f} MB, server {server_peak:.0f} MB | | "
        f"{'met' if max(t['precommit'].peak_mb, server_peak) < 200 else 'not met'} |",
        f"| itsm --version (target < 0.1 s) | {t['version'].cpu:.3f} s "
        f"| {t['version'].wall:.3f} s | {'met' if t['version'].wall < 0.1 else 'not met'} |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
