"""Time ``itsm site build`` against ``itsm lint`` on the same corpus, in one run (issue
"a browsable ITSM site": build 10,000 services in at most 3x ``itsm lint``).

Every command runs as a subprocess of this script, ``--repeat`` times; medians of wall
time and of CPU time (user + system of the child and its workers, from
``RUSAGE_CHILDREN`` deltas) are reported, and every ratio is taken between numbers of
this one run. The lint cache lives in a scratch ``XDG_CACHE_HOME`` and both commands run
with ``--no-cache``, so each parses every file.

Scenarios:

- ``lint``: ``itsm lint --no-cache``, the reference;
- ``site``: ``itsm site build --no-cache`` into a fresh directory (what CI does), target
  <= 3x lint;
- ``site, replacing``: the same over the previous build (it is swapped out and deleted);
- ``site, git``: the corpus committed to a git repository (one commit), so the build also
  audits the history and fills each service's history: the price of git.

``--incidents N`` runs every scenario on a copy of the corpus with N incidents written
as bench_reports.py writes them (and the incident and problem practices on), so the SLA
and problems reports and each service's incidents are part of the build.

Usage::

    python benchmarks/bench_site.py --corpus /tmp/itsm-corpus   # generated if missing
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_daily import Timing, measure  # noqa: E402
from bench_reports import write_incidents  # noqa: E402
from generate_corpus import generate  # noqa: E402
from run import _tool, corpus_files  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def committed_copy(corpus: Path, scratch: Path) -> Path:
    """The corpus as the one commit of a fresh git repository."""
    copy = scratch / "corpus-git"
    shutil.copytree(corpus, copy)
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(["git", *args], cwd=copy, env=env, check=True)
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir(), "itsm-corpus"))
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-git", action="store_true", help="Skip the git scenario.")
    parser.add_argument(
        "--incidents", type=int, default=0, help="Incidents added to a copy of the corpus."
    )
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "itsm.yaml").is_file():
        print(f"generating {corpus}", file=sys.stderr)
        generate(corpus, args.services, args.changes, 42, args.teams)
    itsm = _tool("itsm") or "itsm"
    scratch = Path(tempfile.mkdtemp(prefix="itsm-bench-site-"))
    if args.incidents:
        copy = scratch / "corpus-incidents"
        shutil.copytree(corpus, copy)
        write_incidents(copy, args.incidents, 42)
        corpus = copy
    env = {**os.environ, "XDG_CACHE_HOME": str(scratch / "cache")}
    out = scratch / "site"
    build = [itsm, "site", "build", "--no-cache", "--out", str(out)]

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)

    t: dict[str, Timing] = {}
    try:
        print("lint", file=sys.stderr)
        t["lint"] = measure("lint", [itsm, "lint", "--no-cache"], corpus, env, args.repeat)
        print("site", file=sys.stderr)
        t["site"] = measure("site", build, corpus, env, args.repeat, fresh)
        print("site, replacing", file=sys.stderr)
        t["replace"] = measure("replace", build, corpus, env, args.repeat)
        if not args.no_git:
            print("site, git", file=sys.stderr)
            repo = committed_copy(corpus, scratch)
            t["git"] = measure("git", build, repo, env, args.repeat, fresh)
            t["lint-git"] = measure("lint-git", [itsm, "lint", "--no-cache"], repo, env, 1)
        pages = sum(1 for _ in out.rglob("*.html")) if out.is_dir() else 0
        files = len(corpus_files(corpus))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(report(t, files, pages))
    return 0


def report(t: dict[str, Timing], files: int, pages: int) -> str:
    def row(key: str, label: str) -> str:
        x = t[key]
        return f"| {label} | {x.cpu:.3f} | {x.wall:.3f} | {x.peak_mb:.0f} |"

    def ratio(a: str, b: str, label: str, target: float | None = 3.0) -> str:
        cpu, wall = t[a].cpu / t[b].cpu, t[a].wall / t[b].wall
        if target is None:
            return f"| {label} | {cpu:.2f}x | {wall:.2f}x | - |"
        verdict = "met" if cpu <= target else "not met"
        return f"| {label} (target <= {target}x) | {cpu:.2f}x | {wall:.2f}x | {verdict} |"

    git = "git" in t
    lines = [
        f"Corpus: {files} files; the site has {pages} pages. CPU and wall seconds, medians; "
        "peak memory of one run.",
        "",
        "| run | CPU s | wall s | peak MB |",
        "| --- | --- | --- | --- |",
        row("lint", "itsm lint --no-cache"),
        row("site", "itsm site build --no-cache, fresh directory"),
        row("replace", "itsm site build --no-cache, over the previous build"),
        *([row("git", "itsm site build --no-cache, in git (audit + history)")] if git else []),
        "",
        "| target | CPU | wall | verdict (CPU) |",
        "| --- | --- | --- | --- |",
        ratio("site", "lint", "site build vs lint"),
        ratio("replace", "lint", "site build over the previous one vs lint", None),
        *([ratio("git", "lint", "site build in git vs lint", None)] if git else []),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
