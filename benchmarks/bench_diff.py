"""Benchmark of ``itsm diff``: its cost grows with the change, not the repository.

Builds git repositories of generated catalogs (data-model.md) in a temp dir and times
the library call behind ``itsm diff A B`` in one process:

1. a 10-file change in a 100-service and in a 10,000-service repository (median of
   three warm runs, the dependency-graph cache in place; the cold first run too);
   target: large <= 2x small;
2. a 1,000-entity change (2,000 blobs read and parsed) against a bare libyaml parse
   (PyYAML CSafeLoader) of the same 2,000 blobs held in memory; target: <= 3x.

Usage: python benchmarks/bench_diff.py [--small 100] [--large 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from itsmcode.diff import diff_repository
from itsmcode.git.repo import GitRepo
from itsmcode.load.config import load_config

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}
CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: bench}
spec:
  timezone: Europe/Berlin
  practices: [catalog, sla, change]
"""
TEAMS = ("payments", "platform", "storefront", "data", "fulfilment")


def service_text(i: int, deps: list[int], tier: int, rng: random.Random) -> str:
    dep_lines = "".join(
        f"    - {{service: svc-{d:05d}, type: {rng.choice(('hard', 'soft'))}}}\n" for d in deps
    )
    return (
        "apiVersion: itsmcode/v1\n"
        "kind: Service\n"
        "metadata:\n"
        f"  name: svc-{i:05d}\n"
        f"  title: Service {i}\n"
        f"  description: Generated service number {i} for the diff benchmark.\n"
        f"  labels: {{domain: {TEAMS[i % len(TEAMS)]}}}\n"
        "spec:\n"
        "  type: technical\n"
        f"  tier: {tier}\n"
        "  lifecycle: live\n"
        f"  owner: {TEAMS[i % len(TEAMS)]}\n"
        f"  sla: {('gold', 'silver', 'bronze')[min(tier, 3) - 1]}\n"
        + ("  dependsOn:\n" + dep_lines if deps else "")
        + "  components:\n"
        f'    - {{type: repository, ref: "github.com/acme/svc-{i:05d}"}}\n'
        "  reviewBy: 2027-06-30\n"
    )


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout.strip()


def build_repo(root: Path, services: int, seed: int = 7) -> dict[int, tuple[list[int], int]]:
    """A committed repository with ``services`` services in a random dependency DAG."""
    rng = random.Random(seed)
    (root / "catalog/services").mkdir(parents=True)
    (root / "catalog/teams").mkdir(parents=True)
    (root / "catalog/slas").mkdir(parents=True)
    (root / "itsm.yaml").write_text(CONFIG)
    for team in TEAMS:
        (root / f"catalog/teams/{team}.yaml").write_text(
            f"apiVersion: itsmcode/v1\nkind: Team\nmetadata: {{name: {team}}}\n"
            f"spec:\n  members:\n    - {{github: {team}-lead, role: lead}}\n"
        )
    for sla, target in (("gold", 99.95), ("silver", 99.9), ("bronze", 99.5)):
        (root / f"catalog/slas/{sla}.yaml").write_text(
            f"apiVersion: itsmcode/v1\nkind: SLA\nmetadata: {{name: {sla}}}\n"
            f"spec:\n  availability: {{target: {target}}}\n"
            "  targets:\n    P1: {response: 15m, resolution: 4h}\n"
        )
    shape: dict[int, tuple[list[int], int]] = {}
    for i in range(services):
        # Dependencies point at earlier services: a DAG, like a real catalog.
        deps = sorted(rng.sample(range(i), min(i, rng.randint(0, 3))))
        tier = rng.randint(1, 4)
        shape[i] = (deps, tier)
        (root / f"catalog/services/svc-{i:05d}.yaml").write_text(service_text(i, deps, tier, rng))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "catalog")
    return shape


def leaves(shape: dict[int, tuple[list[int], int]]) -> list[int]:
    """Services nothing depends on: a change to them has the smallest blast radius."""
    used = {d for deps, _ in shape.values() for d in deps}
    return [i for i in shape if i not in used]


def change_services(
    root: Path,
    shape: dict[int, tuple[list[int], int]],
    count: int,
    among: list[int] | None = None,
) -> None:
    """Commit a change of ``count`` service files: tier moves and a new dependency."""
    rng = random.Random(count)
    for i in sorted(rng.sample(among if among is not None else sorted(shape), count)):
        deps, tier = shape[i]
        new_deps = sorted(set(deps) | ({rng.randrange(i)} if i else set()))
        text = service_text(i, new_deps, 1 + tier % 4, random.Random(i))
        (root / f"catalog/services/svc-{i:05d}.yaml").write_text(text)
    git(root, "commit", "-q", "-am", f"change {count} services")


def clear_cache(root: Path) -> None:
    shutil.rmtree(root / ".git" / "itsmcode", ignore_errors=True)


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def run_diff(root: Path, head: str = "HEAD") -> tuple[int, int]:
    changeset = diff_repository(root, load_config(root), (f"{head}~1", head))
    return len(changeset.entities), len(changeset.impact)


def run_cli(root: Path, head: str = "HEAD") -> None:
    subprocess.run(
        [sys.executable, "-m", "itsmcode", "diff", "--format", "json", f"{head}~1", head],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def measure(root: Path, head: str = "HEAD") -> tuple[float, float, tuple[int, int], float]:
    """(cold, median of three warm) seconds of the diff HEAD~1..HEAD in-process, its
    size, and the median of three warm runs of the whole ``itsm diff`` process."""
    clear_cache(root)
    cold = timed(lambda: run_diff(root, head))
    warm = statistics.median(timed(lambda: run_diff(root, head)) for _ in range(3))
    cli = statistics.median(timed(lambda: run_cli(root, head)) for _ in range(3))
    return cold, warm, run_diff(root, head), cli


def bare_parse_of_changed(root: Path) -> tuple[float, int]:
    """Median of three bare CSafeLoader parses of both sides' changed blobs."""
    repo = GitRepo(root)
    changes = repo.diff_tree(repo.resolve("HEAD~1"), repo.resolve("HEAD"), ["catalog"])
    shas = [e.sha for c in changes for e in (c.old, c.new) if e is not None]
    blobs = [b.data or b"" for b in repo.read_blobs(shas, 1 << 20).values()]

    def parse() -> None:
        for data in blobs:
            yaml.load(data, Loader=yaml.CSafeLoader)

    return statistics.median(timed(parse) for _ in range(3)), len(blobs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--big-change", type=int, default=1_000)
    parser.add_argument("--keep", type=Path, default=None, help="build the repositories here")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="itsm-bench-diff-"))
    results: list[tuple[str, float, float, tuple[int, int], float]] = []
    try:
        repos: dict[str, Path] = {}
        for label, size in (("small", args.small), ("large", args.large)):
            root = base / f"{label}-{size}"
            shape = build_repo(root, size)
            # The same change of 10 leaf services (same blast radius in both sizes) on
            # a branch, then 10 random services (a radius that grows with the graph).
            git(root, "checkout", "-q", "-b", "leaves")
            change_services(root, shape, 10, leaves(shape))
            git(root, "checkout", "-q", "main")
            change_services(root, shape, 10)
            repos[label] = root
            cold, warm, n, cli = measure(root, "leaves")
            results.append((f"10 leaf services changed, {size:,} services", cold, warm, n, cli))
            cold, warm, n, cli = measure(root)
            results.append((f"10 random services changed, {size:,} services", cold, warm, n, cli))
        big = base / f"big-change-{args.large}"
        shape = build_repo(big, args.large)
        change_services(big, shape, args.big_change)
        cold, warm, n, cli = measure(big)
        results.append(
            (f"{args.big_change:,}-entity change, {args.large:,} services", cold, warm, n, cli)
        )
        bare, blob_count = bare_parse_of_changed(big)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print(
        "| case | entities | impacted | cold (s) | warm, median of 3 (s) | "
        "whole `itsm diff` process, warm (s) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, cold, warm, (n, impacted), cli in results:
        print(f"| {label} | {n:,} | {impacted:,} | {cold:.3f} | {warm:.3f} | {cli:.3f} |")
    print(
        f"| bare CSafeLoader parse of the same {blob_count:,} blobs (in memory) "
        f"| | | | {bare:.3f} | |"
    )
    small_leaf, small_random, large_leaf, large_random, big_warm = (r[2] for r in results)
    ratio_size = large_leaf / small_leaf
    ratio_random = large_random / small_random
    ratio_parse = big_warm / bare
    print()
    print(
        f"10-file change (leaves), large / small repository: {ratio_size:.2f}x "
        "(target <= 2x): " + ("met" if ratio_size <= 2 else "NOT met")
    )
    print(
        f"10-file change (random: the blast radius grows with the graph), "
        f"large / small: {ratio_random:.2f}x"
    )
    print(
        f"{args.big_change:,}-entity change / bare parse: {ratio_parse:.2f}x (target <= 3x): "
        + ("met" if ratio_parse <= 3 else "NOT met")
    )
    return 0 if ratio_size <= 2 and ratio_parse <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
