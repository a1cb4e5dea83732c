"""Benchmark of ``itsm audit``: a 10,000-commit history against the floor of raw git work.

Builds (with ``git fast-import``, in seconds) a repository whose protected branch has
``--commits`` commits, each touching 1-3 entity files (services edited, change
requests added), every one carrying an approval record in ``refs/notes/itsmcode``
(written by a second fast-import), so the audit re-evaluates the policy on every row.

Measured in the same run:

- **floor**: ``git log --first-parent --raw`` over the range (the ``--name-status``
  walk, with blob ids), one ``git cat-file --batch`` of every changed blob and one
  PyYAML ``CSafeLoader`` (libyaml) parse of each;
- **audit**: the library call behind ``itsm audit --format json`` (log pass, notes,
  blobs, replay, semantic diffs, policy re-evaluation, controls, JSON rendering).

Both are the best of three runs. Target: audit <= 5x the floor. Usage:
``python benchmarks/bench_audit.py [--commits 10000] [--services 300] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from itsmcode.audit.run import AuditOptions, run_audit
from itsmcode.policy.approval_record import (
    Approval,
    ApprovalRecord,
    Commits,
    PolicyRef,
    PullRequestFacts,
)
from itsmcode.reporters.audit.json_report import report as json_report

ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}
START = datetime(2025, 1, 1, 9, 0, tzinfo=timezone.utc)
TEAMS = ("payments", "platform", "storefront", "data", "fulfilment")
CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: bench}
spec:
  timezone: Europe/Berlin
  practices: [catalog, sla, change]
"""
POLICY = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {name: approval-policy}
spec:
  defaultRule: {require: {count: 1}}
  rules:
    - name: owners
      when: {kinds: [Service, SLA, ChangeRequest]}
      require: {ownersOf: affected, count: 1}
    - name: tier-1
      when: {services: {tier: [1]}}
      require: {teams: [cab], count: 1}
    - name: emergency
      when: {changeRequest: {type: [emergency]}}
      require: {teams: [oncall-leads], count: 1}
      retroReview: {within: 48h, teams: [cab]}
"""


def members(team: str) -> list[str]:
    return [f"{team}-{k}" for k in range(4)]


def team_text(name: str) -> str:
    lines = "".join(f"    - {{github: {m}, email: {m}@example.com}}\n" for m in members(name))
    return (
        "apiVersion: itsmcode/v1\nkind: Team\n"
        f"metadata: {{name: {name}}}\nspec:\n  members:\n{lines}"
    )


def service_text(i: int, tier: int, revision: int) -> str:
    return (
        "apiVersion: itsmcode/v1\nkind: Service\n"
        f"metadata:\n  name: svc-{i:04d}\n  title: Service {i}\n"
        f"  description: Revision {revision} of service {i}.\n"
        f"  labels: {{domain: d{i % 7}}}\n"
        f"spec:\n  type: technical\n  tier: {tier}\n  lifecycle: live\n"
        f"  owner: {TEAMS[i % len(TEAMS)]}\n"
        f"  components:\n    - {{type: repository, ref: github.com/acme/svc-{i}}}\n"
    )


def change_text(n: int, service: int, when: datetime) -> str:
    start = when + timedelta(days=2)
    end = start + timedelta(hours=1)
    return (
        "apiVersion: itsmcode/v1\nkind: ChangeRequest\n"
        f"metadata: {{name: chg-{n:05d}}}\n"
        "spec:\n  type: normal\n"
        f"  services: [svc-{service:04d}]\n  requester: {members(TEAMS[service % 5])[0]}\n"
        "  risk: low\n"
        f'  window: {{start: "{start.isoformat()}", end: "{end.isoformat()}"}}\n'
        "  plan: {implementation: Roll out., backout: Roll back.}\n  status: planned\n"
    )


def _data(out: io.BytesIO, text: str) -> None:
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")


def build(root: Path, commits: int, services: int, seed: int) -> None:
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=ENV)
    stream = io.BytesIO()
    tiers = {i: rng.choice((2, 3, 3, 4)) for i in range(services)}
    revision = dict.fromkeys(range(services), 0)
    when = START

    def commit_header(message: str, author: str) -> None:
        stamp = int(when.timestamp())
        stream.write(b"commit refs/heads/main\n")
        stream.write(f"author {author} <{author}@example.com> {stamp} +0000\n".encode())
        stream.write(f"committer GitHub <noreply@github.com> {stamp} +0000\n".encode())
        _data(stream, message)

    commit_header("initial catalog", "admin")
    files = {"itsm.yaml": CONFIG, "processes/approval-policy.yaml": POLICY}
    for team in (*TEAMS, "cab", "oncall-leads"):
        files[f"catalog/teams/{team}.yaml"] = team_text(team)
    for i in range(services):
        files[f"catalog/services/svc-{i:04d}.yaml"] = service_text(i, tiers[i], 0)
    for path, text in files.items():
        stream.write(f"M 100644 inline {path}\n".encode())
        _data(stream, text)
    authors: list[tuple[int, str, list[int]]] = []
    for n in range(1, commits):
        when += timedelta(minutes=30)
        touched = rng.sample(range(services), rng.randint(1, 3))
        author = members(TEAMS[touched[0] % 5])[1]
        commit_header(f"Change {n} (#{n})", author)
        for k, i in enumerate(touched):
            if k == 2 or (k == 1 and n % 4 == 0):
                path = f"changes/{when.year}/chg-{n:05d}.yaml"
                stream.write(f"M 100644 inline {path}\n".encode())
                _data(stream, change_text(n, i, when))
                continue
            revision[i] += 1
            stream.write(f"M 100644 inline catalog/services/svc-{i:04d}.yaml\n".encode())
            _data(stream, service_text(i, tiers[i], revision[i]))
        authors.append((n, author, touched))
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, input=stream.getvalue(), check=True, env=ENV
    )
    log = subprocess.run(
        ["git", "log", "--reverse", "--format=%H %T %P", "main"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    ).stdout.split("\n")
    rows = [line.split() for line in log if line]
    notes = io.BytesIO()
    notes.write(b"commit refs/notes/itsmcode\n")
    notes.write(b"committer itsmcode <itsmcode@example.com> %d +0000\n" % int(when.timestamp()))
    _data_bytes = b"records\n"
    notes.write(b"data %d\n" % len(_data_bytes) + _data_bytes)
    for (n, author, touched), (sha, tree, parent) in zip(authors, rows[1:], strict=True):
        approvers = {members(TEAMS[i % 5])[2] for i in touched}
        stamp = START + timedelta(minutes=30 * n)
        record = ApprovalRecord(
            pull_request=PullRequestFacts(number=n, author=author, base_ref="main"),
            commits=Commits(base=parent, head=sha, merge=sha, merge_tree=tree),
            policy=PolicyRef(path="processes/approval-policy.yaml", blob=None, commit=parent),
            decision="approved",
            approvers=[
                Approval(login=a, submitted_at=stamp, commit=sha) for a in sorted(approvers)
            ],
            rules=[],
            evaluated_at=stamp,
        )
        notes.write(f"N inline {sha}\n".encode())
        _data(notes, record.to_json())
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, input=notes.getvalue(), check=True, env=ENV
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True, env=ENV)


def floor(root: Path) -> tuple[float, int]:
    """git log --name-status over the range + reading and libyaml-parsing every changed blob."""
    began = time.perf_counter()
    log = subprocess.run(
        [
            "git",
            "log",
            "--first-parent",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "-z",
            "--format=%H",
            "main",
        ],
        cwd=root,
        capture_output=True,
        check=True,
        env=ENV,
    ).stdout
    shas = []
    for token in log.split(b"\0"):
        token = token.lstrip(b"\n")
        if token.startswith(b":"):
            new = token.split()[3].decode()
            if set(new) != {"0"}:
                shas.append(new)
    batch = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=root,
        capture_output=True,
        input="".join(f"{s}\n" for s in shas).encode(),
        check=True,
    ).stdout
    view = memoryview(batch)
    pos = 0
    parsed = 0
    while pos < len(batch):
        end = batch.index(b"\n", pos)
        size = int(batch[pos:end].split()[2])
        data = bytes(view[end + 1 : end + 1 + size])
        yaml.load(data, Loader=yaml.CSafeLoader)
        parsed += 1
        pos = end + 1 + size + 1
    return time.perf_counter() - began, parsed


def audit(root: Path) -> tuple[float, dict[str, int]]:
    began = time.perf_counter()
    report = run_audit(root, AuditOptions(branch="main", now=START + timedelta(days=400)))
    out = io.StringIO()
    json_report(report, out)
    elapsed = time.perf_counter() - began
    summary = json.loads(out.getvalue())["summary"]
    return elapsed, {"changes": summary["changes"], "violations": summary["violations"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--services", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="build the repository here")
    args = parser.parse_args(argv)
    temp = Path(tempfile.mkdtemp(prefix="itsm-bench-audit-"))
    root = args.keep or temp / "repo"
    try:
        began = time.perf_counter()
        build(root, args.commits, args.services, args.seed)
        print(
            f"built {args.commits} commits ({args.services} services) in "
            f"{time.perf_counter() - began:.1f}s at {root}"
        )
        floor_s, blobs = min(floor(root) for _ in range(3))
        audit_s, summary = min(audit(root) for _ in range(3))
        ratio = audit_s / floor_s
        print(
            f"floor: {floor_s:.2f}s (git log --name-status + cat-file + CSafeLoader "
            f"parse of {blobs} blobs)"
        )
        print(
            f"audit: {audit_s:.2f}s for {summary['changes']} changes "
            f"({summary['changes'] / audit_s:,.0f} commits/s), "
            f"{summary['violations']} violations"
        )
        verdict = "OK" if ratio <= 5 else "OVER TARGET"
        print(f"ratio: {ratio:.2f}x the floor (target <= 5x): {verdict}")
        return 0 if ratio <= 5 else 1
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
