"""What happens to an attack after review: it is merged, ``itsm policy record`` writes
the note, and ``itsm audit`` re-judges it. Also a note as a vulnerable gate would have
written it (decision "approved"), which the audit must not believe.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
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
from tests.helpers import run_cli
from tests.policy.prrepo import POLICY_PATH, PRRepo

#: The merge lands in a quiet week (no freeze), before the clock of any test run.
MERGED_QUIETLY = "2026-11-24T12:00:00+01:00"


def stale_branch(repo: PRRepo, main_files: dict[str, str | None]) -> str:
    """Advance ``main`` past the branch point (the PR branch stays where it was)."""
    repo.git("checkout", "-q", "main")
    repo.apply(main_files)
    repo.base = repo.commit("main moves on", "maintainer@example.com")
    repo.git("checkout", "-q", "pr")
    return repo.base


def record(
    repo: PRRepo, merge_sha: str, reviews: Path, event: Path | None = None
) -> ApprovalRecord:
    """``itsm policy record`` on the merge, as the record workflow runs it."""
    result = run_cli(
        [
            "policy",
            "record",
            "--repo",
            str(repo.root),
            "--merge",
            merge_sha,
            "--event",
            str(event or repo.event()),
            "--reviews",
            str(reviews),
        ]
    )
    assert result.exit_code == 0, result.output
    return ApprovalRecord.from_json(result.stdout)


def forge_note(repo: PRRepo, merge_sha: str, approvers: list[str]) -> None:
    """The note a gate blind to the attack wrote: approved, with these approvals."""
    landed = datetime.fromisoformat(repo.git("log", "-1", "--format=%cI", merge_sha))
    note = ApprovalRecord(
        pull_request=PullRequestFacts(number=7, author="alice", base_ref="main"),
        commits=Commits(
            base=repo.base,
            head=repo.head,
            merge=merge_sha,
            merge_tree=repo.git("rev-parse", f"{merge_sha}^{{tree}}"),
        ),
        policy=PolicyRef(path=POLICY_PATH, blob=None, commit=repo.base),
        decision="approved",
        approvers=[
            Approval(login=a, submitted_at=landed - timedelta(hours=1), commit=repo.head)
            for a in approvers
        ],
        rules=[],
        evaluated_at=landed,
    )
    identity = ["-c", "user.name=Mallory", "-c", "user.email=mallory@example.com"]
    repo.git(*identity, "notes", "--ref=itsmcode", "add", "-f", "-m", note.to_json(), merge_sha)


def audit_row(repo: PRRepo, merge_sha: str, now: str = "2027-01-31T00:00:00Z") -> dict[str, Any]:
    """``itsm audit --format json``'s row of the merge commit."""
    result: Result = run_cli(["audit", "--format", "json", "--now", now], cwd=repo.root)
    assert result.exit_code == 0, result.output
    rows = [r for r in json.loads(result.stdout)["rows"] if r["sha"] == merge_sha]
    assert len(rows) == 1
    row: dict[str, Any] = rows[0]
    return row


def violation(row: dict[str, Any], control: str) -> str:
    """The reason the audit gives for ``control`` on a row (fails if not flagged)."""
    reasons = [v["reason"] for v in row["violations"] if v["control"] == control]
    assert reasons, f"{control} not among {[v['control'] for v in row['violations']]}"
    return str(reasons[0])
