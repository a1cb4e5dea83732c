"""Scripted git histories for the audit tests: real repositories, fixed dates, real notes.

``History`` commits with explicit identities and dates (GIT_AUTHOR_DATE /
GIT_COMMITTER_DATE), merges pull requests the way GitHub does (``--no-ff``,
"Merge pull request #N from ...") and writes approval records with ``git notes
--ref=itsmcode add -m``, exactly as ``itsm policy record`` leaves them.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from click.testing import Result

from itsmcode.policy.approval_record import (
    Approval,
    ApprovalRecord,
    Commits,
    PolicyRef,
    PullRequestFacts,
)
from tests.helpers import change_request, run_cli

START = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
BASE_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "HOME": os.environ.get("HOME", "/tmp"),
}

CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: audit-org}
spec:
  timezone: Europe/Berlin
  practices: [catalog, sla, change]
"""


def team(name: str, *logins: str) -> str:
    members = "".join(
        f"    - {{github: {login}, email: {login}@example.com}}\n" for login in logins
    )
    return (
        f"apiVersion: itsmcode/v1\nkind: Team\nmetadata: {{name: {name}}}\n"
        f"spec:\n  members:\n{members}"
    )


def service(name: str, tier: int = 3, owner: str = "payments") -> str:
    return (
        f"apiVersion: itsmcode/v1\nkind: Service\nmetadata: {{name: {name}}}\n"
        f"spec:\n  type: technical\n  tier: {tier}\n  lifecycle: live\n  owner: {owner}\n"
    )


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
    - name: emergency
      when: {changeRequest: {type: [emergency]}}
      require: {teams: [oncall-leads], count: 1}
      retroReview: {within: 48h, teams: [cab]}
    - name: governance
      when: {paths: ["processes/**", "itsm.yaml"]}
      require: {teams: [governance], count: 2}
"""

#: The same policy, stricter: every service change also needs the CAB.
STRICT_POLICY = (
    POLICY
    + """\
    - name: cab-for-services
      when: {kinds: [Service]}
      require: {teams: [cab], count: 1}
"""
)


def change(
    name: str,
    *,
    type_: str = "normal",
    status: str = "planned",
    start: str = "2026-10-05T22:00:00+00:00",
    end: str = "2026-10-05T23:00:00+00:00",
    extra: str = "",
) -> str:
    return change_request(
        name, type=type_, services="[ledger]", start=start, end=end, status=status, extra=extra
    )


def base_files() -> dict[str, str]:
    return {
        "itsm.yaml": CONFIG,
        "catalog/teams/payments.yaml": team("payments", "alice", "bob"),
        "catalog/teams/cab.yaml": team("cab", "carol", "dave"),
        "catalog/teams/oncall-leads.yaml": team("oncall-leads", "erin"),
        "catalog/teams/governance.yaml": team("governance", "gina", "hank", "ivan"),
        "catalog/services/ledger.yaml": service("ledger"),
        "catalog/services/cache.yaml": service("cache"),
        "processes/approval-policy.yaml": POLICY,
    }


@dataclass(frozen=True)
class Merged:
    """A merged pull request: its number and the commits the note talks about."""

    number: int
    base: str
    head: str
    merge: str
    tree: str


class History:
    """A repository whose history a test writes commit by commit."""

    def __init__(self, root: Path, env: dict[str, str] | None = None) -> None:
        self.root = root
        self.clock = START
        self.env = {**os.environ, **BASE_ENV, **(env or {})}
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: datetime | None = None, who: str = "admin") -> str:
        stamp = (when or self.clock).isoformat()
        env = {
            **self.env,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        done = subprocess.run(
            ["git", "-c", f"user.name={who}", "-c", f"user.email={who}@example.com", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    def tick(self, hours: float = 1) -> datetime:
        self.clock += timedelta(hours=hours)
        return self.clock

    def write(self, files: dict[str, str | None]) -> None:
        for path, text in files.items():
            target = self.root / path
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def commit(
        self, message: str, files: dict[str, str | None], who: str = "admin", *extra: str
    ) -> str:
        self.tick()
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", *extra, "-m", message, who=who)
        return self.git("rev-parse", "HEAD")

    def rev(self, ref: str) -> str:
        return self.git("rev-parse", ref)

    def pull_request(
        self, number: int, author: str, files: dict[str, str | None], hours: float = 1
    ) -> Merged:
        """A branch with one commit by ``author``, merged with --no-ff as GitHub does."""
        base, head = self.open_pull_request(number, author, files)
        self.tick(hours)
        return self.merge(number, base, head)

    def open_pull_request(
        self, number: int, author: str, files: dict[str, str | None]
    ) -> tuple[str, str]:
        """Branch ``pr-N`` off main with one commit by ``author``: (base, head)."""
        base = self.rev("main")
        self.git("checkout", "-q", "-b", f"pr-{number}")
        head = self.commit(f"change for #{number}", files, who=author)
        self.git("checkout", "-q", "main")
        return base, head

    def merge(
        self,
        number: int,
        base: str,
        head: str,
        *,
        dated: datetime | None = None,
        extra: dict[str, str | None] | None = None,
    ) -> Merged:
        """Merge ``pr-N`` into main at the clock, as a local merge can: committed at
        ``dated`` instead, and with ``extra`` files changed in the merge commit itself
        (an evil merge; a conflict is resolved by ``extra`` too)."""
        branch = f"pr-{number}"
        message = f"Merge pull request #{number} from acme/{branch}"
        if extra is None:
            self.git("merge", "-q", "--no-ff", branch, "-m", message, who="github", when=dated)
        else:
            self.git_ok("merge", "-q", "--no-ff", "--no-commit", branch)
            self.write(extra)
            self.git("add", "-A")
            self.git("commit", "-q", "-m", message, who="github", when=dated)
        return Merged(number, base, head, self.rev("HEAD"), self.rev("HEAD^{tree}"))

    def git_ok(self, *args: str) -> None:
        """A git command that may stop with a conflict (exit 1): the test resolves it."""
        subprocess.run(
            ["git", "-c", "user.name=github", "-c", "user.email=github@example.com", *args],
            cwd=self.root,
            capture_output=True,
            env={**self.env, "GIT_COMMITTER_DATE": self.clock.isoformat()},
            check=False,
        )

    def record(
        self,
        merged: Merged,
        author: str,
        approvers: list[str],
        *,
        decision: str = "approved",
        **changes: Any,
    ) -> ApprovalRecord:
        """The approval record ``itsm policy record`` would write for a merge."""
        record = ApprovalRecord(
            pull_request=PullRequestFacts(number=merged.number, author=author, base_ref="main"),
            commits=Commits(
                base=merged.base, head=merged.head, merge=merged.merge, merge_tree=merged.tree
            ),
            policy=PolicyRef(path="processes/approval-policy.yaml", blob=None, commit=merged.base),
            decision=decision,
            approvers=[
                Approval(
                    login=a, submitted_at=self.clock - timedelta(minutes=30), commit=merged.head
                )
                for a in approvers
            ],
            rules=[],
            evaluated_at=self.clock,
        )
        return record.model_copy(update=changes) if changes else record

    def note(self, commit: str, text: str) -> None:
        self.git("notes", "--ref=itsmcode", "add", "-f", "-m", text, commit)

    def approve(self, merged: Merged, author: str, approvers: list[str]) -> None:
        self.note(merged.merge, self.record(merged, author, approvers).to_json())

    def itsm(self, *args: str) -> Result:
        return run_cli(list(args), cwd=self.root)

    def audit_json(self, *args: str) -> dict[str, Any]:
        result = self.itsm("audit", "--format", "json", "--now", "2026-12-31T00:00:00Z", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]


def row(doc: dict[str, Any], sha: str) -> dict[str, Any]:
    found = [r for r in doc["rows"] if r["sha"] == sha]
    assert len(found) == 1, f"{sha} not among {[r['sha'] for r in doc['rows']]}"
    only: dict[str, Any] = found[0]
    return only


def controls(doc: dict[str, Any], sha: str) -> list[str]:
    return sorted(v["control"] for v in row(doc, sha)["violations"])
