"""Time ``itsm score`` against ``itsm lint --no-cache`` on the same corpus, in one run.

The corpus is ``generate_corpus.py --scorecard`` (10,000 services by default: the
scorecard practice and one Scorecard of three levels with two targets). It is timed
twice: as a plain directory (no git: the roadmap cannot look back and says so), and as
a git repository with a quarter of history (the corpus committed twelve weeks ago, then
runbook links added to slices of the services six and one weeks ago, some left
without), where a plain ``itsm score`` also reads the catalog of twelve weeks ago for
the roadmap. The trend
``itsm score --since <12 weeks ago> --every 1w`` (13 samples) is timed on the git
repository too.

Medians of ``--repeat`` runs of wall and CPU time (user + system of the child and its
workers), every ratio between numbers of this one run (as ``bench_daily.py``).
Target (issue 15): ``itsm score`` <= 1.5x ``itsm lint --no-cache``.

Usage::

    python benchmarks/bench_score.py --corpus /tmp/itsm-corpus-score   # generated if missing
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_daily import Timing, measure  # noqa: E402
from generate_corpus import generate  # noqa: E402
from run import _tool  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str, when: datetime | None = None) -> None:
    env = {**os.environ, **GIT_ENV}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    subprocess.run(["git", *args], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)


def runbooks(root: Path, every: int, offset: int, keep: bool) -> None:
    """Unlink (or link again) the runbook of every ``every``-th service from ``offset``."""
    for k, path in enumerate(sorted((root / "catalog/services").glob("*.yaml"))):
        if k % every != offset:
            continue
        text = path.read_text(encoding="utf-8")
        link = f"    - title: Runbook\n      url: https://wiki.example.com/runbooks/{path.stem}\n"
        hidden = link.replace("title: Runbook", "title: Old notes")
        text = text.replace(hidden, link) if keep else text.replace(link, hidden)
        path.write_text(text, encoding="utf-8")


def with_history(plain: Path, repo: Path, now: datetime) -> None:
    """``plain`` copied into ``repo`` as a git repository with a quarter of history: 30%
    of the services lack a runbook link twelve weeks ago; a third of them get it six
    weeks ago, a third one week ago, the rest still lack it (so the roadmap has services
    to judge from the trend, and reads the catalog of twelve weeks ago)."""
    shutil.copytree(plain, repo)
    git(repo, "init", "-q", "-b", "main")
    for offset in (0, 1, 2):
        runbooks(repo, 10, offset, keep=False)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "catalog", when=now - timedelta(weeks=12))
    for weeks, offset in ((6, 0), (1, 1)):
        runbooks(repo, 10, offset, keep=True)
        git(repo, "commit", "-q", "-am", f"runbooks {offset}", when=now - timedelta(weeks=weeks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir(), "itsm-corpus-score")
    )
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    plain: Path = args.corpus
    if not (plain / "itsm.yaml").is_file():
        print(f"generating {plain}", file=sys.stderr)
        generate(plain, args.services, args.changes, 42, args.teams, scorecard=True)
    now = datetime.now(timezone.utc)
    scratch = Path(tempfile.mkdtemp(prefix="itsm-bench-score-"))
    repo = scratch / "repo"
    with_history(plain, repo, now)
    itsm = _tool("itsm") or "itsm"
    env = {**os.environ, "XDG_CACHE_HOME": str(scratch / "cache")}
    since = (now - timedelta(weeks=12)).date().isoformat()
    t: dict[str, Timing] = {}
    judged = subprocess.run(
        [itsm, "score", "--format", "json"], cwd=repo, env=env, capture_output=True, text=True
    )
    statuses = sorted(
        {s["status"] for x in json.loads(judged.stdout)["targets"] for s in x["standings"]}
    )
    print(f"roadmap statuses on the git repository: {', '.join(statuses)}", file=sys.stderr)
    try:
        print("lint", file=sys.stderr)
        t["lint"] = measure("lint", [itsm, "lint", "--no-cache"], plain, env, args.repeat)
        print("score", file=sys.stderr)
        t["score"] = measure("score", [itsm, "score"], plain, env, args.repeat)
        t["score-git"] = measure("score-git", [itsm, "score"], repo, env, args.repeat)
        print("trend", file=sys.stderr)
        trend = [itsm, "score", "--since", since, "--every", "1w"]
        t["trend"] = measure("trend", trend, repo, env, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(report(t, args.services))
    return 0


def report(t: dict[str, Timing], services: int) -> str:
    def row(key: str, label: str) -> str:
        x = t[key]
        return f"| {label} | {x.cpu:.2f} | {x.wall:.2f} | {x.peak_mb:.0f} |"

    def ratio(key: str, label: str, target: float | None) -> str:
        cpu, wall = t[key].cpu / t["lint"].cpu, t[key].wall / t["lint"].wall
        verdict = ("met" if cpu <= target else "not met") if target else "-"
        return f"| {label} | {cpu:.2f}x | {wall:.2f}x | {verdict} |"

    return "\n".join(
        [
            f"Corpus: {services} services (generate_corpus.py --scorecard). CPU and wall "
            "seconds, medians; peak memory of one run.",
            "",
            "| run | CPU s | wall s | peak MB |",
            "| --- | --- | --- | --- |",
            row("lint", "itsm lint --no-cache"),
            row("score", "itsm score, plain directory"),
            row("score-git", "itsm score, git repository (roadmap reads 12 weeks back)"),
            row("trend", "itsm score --since (12 weeks) --every 1w, 13 samples"),
            "",
            "| against itsm lint --no-cache | CPU | wall | verdict (CPU) |",
            "| --- | --- | --- | --- |",
            ratio("score", "itsm score, plain directory (target <= 1.5x)", 1.5),
            ratio("score-git", "itsm score, git repository (target <= 1.5x)", 1.5),
            ratio("trend", "trend, 13 samples (no target)", None),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
