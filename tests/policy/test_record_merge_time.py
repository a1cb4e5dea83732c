"""``itsm policy record`` judges a merged pull request as it stood when it merged.

Security review, finding 3: an approval submitted *after* the merge went into the record
as if it had authorized the change. The record now counts only reviews submitted by the
merge commit's committer date, and judges the freeze at that time unless ``--now``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result

from itsmcode.policy.approval_record import ApprovalRecord
from tests.helpers import run_cli
from tests.policy.prrepo import PRRepo, change, merge, service

WIKI = "catalog/services/wiki.yaml"
MERGED_AT = "2026-11-20T09:30:00+00:00"  # a quiet week: no freeze
BEFORE = "2026-11-20T09:00:00Z"
AFTER = "2026-11-23T12:00:00Z"


def wiki_pr(tmp_path: Path, files: dict[str, str | None] | None = None) -> PRRepo:
    """alice edits wiki (tier 4, owned by platform: pat, bobby): one owner must approve."""
    repo = PRRepo(tmp_path / "r")
    repo.push(
        files
        or {
            WIKI: service(
                "wiki", 4, "platform", "sla: bronze\ncomponents: [{type: repo, ref: x}]\n"
            )
        }
    )
    return repo


def reviews(repo: PRRepo, *entries: tuple[str, str, str | None]) -> Path:
    """(login, state, submitted_at or None) as the REST API lists them, on the head."""
    items: list[dict[str, Any]] = [
        {
            "id": 200 + i,
            "user": {"login": login, "id": 20 + i, "type": "User"},
            "state": state,
            "submitted_at": submitted,
            "commit_id": repo.head,
        }
        for i, (login, state, submitted) in enumerate(entries)
    ]
    path = repo.root.parent / f"late-reviews-{len(list(repo.root.parent.glob('late-*')))}.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def record(repo: PRRepo, merge_sha: str, reviews_file: Path, *extra: str) -> Result:
    return run_cli(
        [
            "policy",
            "record",
            "--repo",
            str(repo.root),
            "--merge",
            merge_sha,
            "--event",
            str(repo.event()),
            "--reviews",
            str(reviews_file),
            *extra,
        ]
    )


def note(repo: PRRepo, merge_sha: str) -> ApprovalRecord:
    return ApprovalRecord.from_json(
        repo.git("notes", "--ref=refs/notes/itsmcode", "show", merge_sha)
    )


def test_an_approval_after_the_merge_does_not_authorize_it(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    event = repo.event()
    sha = merge(repo, MERGED_AT)
    # The repro: the only approval is submitted three days after the merge.
    result = run_cli(
        [
            "policy",
            "record",
            "--repo",
            str(repo.root),
            "--merge",
            sha,
            "--event",
            str(event),
            "--reviews",
            str(reviews(repo, ("bobby", "APPROVED", AFTER))),
        ]
    )
    assert result.exit_code == 0, result.output
    written = note(repo, sha)
    assert written.decision == "not-approved"
    assert written.approvers == []
    owners = next(r for r in written.rules if r.name == "owners")
    assert owners.status == "pending" and owners.approved_by == []
    # Said on stderr, one line per dropped approval; stdout is the note alone.
    assert result.stderr.splitlines() == [
        "itsm: warning: approval by 'bobby' (2026-11-23T12:00:00+00:00) is not counted: it "
        "was not submitted before the merge at 2026-11-20T09:30:00+00:00"
    ]
    assert ApprovalRecord.from_json(result.stdout) == written


def test_an_approval_before_the_merge_still_counts(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    sha = merge(repo, MERGED_AT)
    result = record(repo, sha, reviews(repo, ("bobby", "APPROVED", BEFORE)))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    written = note(repo, sha)
    assert written.decision == "approved"
    assert [a.login for a in written.approvers] == ["bobby"]
    # Evaluated as of the merge, not as of whenever the record job happened to run.
    assert written.evaluated_at.isoformat() == MERGED_AT


def test_an_approval_at_the_very_second_of_the_merge_counts(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    sha = merge(repo, MERGED_AT)
    result = record(repo, sha, reviews(repo, ("bobby", "APPROVED", "2026-11-20T09:30:00Z")))
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "approved"


def test_an_approval_without_a_submission_time_does_not_count(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    sha = merge(repo, MERGED_AT)
    result = record(repo, sha, reviews(repo, ("bobby", "APPROVED", None)))
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "not-approved"
    assert "approval by 'bobby' (no time) is not counted" in result.stderr


def test_a_late_approval_does_not_top_up_an_early_one(tmp_path: Path) -> None:
    # payments-api is tier 1: an owner (payments: bob) and the CAB (carol) must approve.
    repo = wiki_pr(
        tmp_path,
        {
            "catalog/services/payments-api.yaml": service(
                "payments-api", 1, "payments", "sla: gold\ncomponents: [{type: repo, ref: z}]\n"
            )
        },
    )
    sha = merge(repo, MERGED_AT)
    result = record(
        repo, sha, reviews(repo, ("bob", "APPROVED", BEFORE), ("carol", "APPROVED", AFTER))
    )
    assert result.exit_code == 0, result.output
    written = note(repo, sha)
    assert written.decision == "not-approved"
    assert [a.login for a in written.approvers] == ["bob"]
    assert {r.name: r.status for r in written.rules}["tier-1"] == "pending"


def test_an_objection_after_the_merge_does_not_unmake_the_approval(tmp_path: Path) -> None:
    # The record says what authorized the change when it went in; a later review is not
    # part of that (and the audit would otherwise hold it against a valid merge).
    repo = wiki_pr(tmp_path)
    sha = merge(repo, MERGED_AT)
    result = record(
        repo,
        sha,
        reviews(repo, ("bobby", "APPROVED", BEFORE), ("bobby", "CHANGES_REQUESTED", AFTER)),
    )
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "approved"
    assert result.stderr == ""


def test_the_freeze_is_judged_at_the_merge_time(tmp_path: Path) -> None:
    # Merged during the year-end freeze; the record job runs whenever (the clock here).
    repo = wiki_pr(tmp_path, {"changes/2026/chg-9.yaml": change("chg-9")})
    sha = merge(repo, "2026-12-20T12:00:00+01:00")
    result = record(repo, sha, reviews(repo, ("bobby", "APPROVED", "2026-12-20T10:00:00Z")))
    assert result.exit_code == 0, result.output
    written = note(repo, sha)
    assert written.freeze.active == "change-freezes/year-end"
    assert written.decision == "not-approved"
    # --now still overrides the evaluation time (never which approvals count).
    quiet = record(
        repo,
        sha,
        reviews(repo, ("bobby", "APPROVED", "2026-12-20T10:00:00Z")),
        "--now",
        "2026-11-24T10:00:00Z",
        "--dry-run",
    )
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.stdout)["decision"] == "approved"
    late = record(
        repo,
        sha,
        reviews(repo, ("bobby", "APPROVED", "2026-12-21T10:00:00Z")),
        "--now",
        "2027-01-10T10:00:00Z",
        "--dry-run",
    )
    assert json.loads(late.stdout)["decision"] == "not-approved"


def merged_event(repo: PRRepo, merge_sha: str, merged_at: str | None) -> Path:
    """The record workflow's payload: the REST pull request after the merge."""
    path = repo.event(action="closed")
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["pull_request"].update(
        state="closed", merged=True, merged_at=merged_at, merge_commit_sha=merge_sha
    )
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def record_merged(repo: PRRepo, sha: str, event: Path, reviews_file: Path) -> Result:
    return run_cli(
        [
            "policy",
            "record",
            "--repo",
            str(repo.root),
            "--merge",
            sha,
            "--event",
            str(event),
            "--reviews",
            str(reviews_file),
        ]
    )


def test_a_merge_commit_dated_later_than_github_merged_it_lets_no_later_approval_in(
    tmp_path: Path,
) -> None:
    """The committer date is the merging client's to write; GitHub's merged_at caps it."""
    repo = wiki_pr(tmp_path)
    sha = merge(repo, "2026-11-23T13:00:00+00:00")  # dated three days late
    event = merged_event(repo, sha, "2026-11-20T09:30:00Z")
    result = record_merged(repo, sha, event, reviews(repo, ("bobby", "APPROVED", AFTER)))
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "not-approved"
    assert result.stderr.splitlines() == [
        "itsm: warning: approval by 'bobby' (2026-11-23T12:00:00+00:00) is not counted: it "
        "was not submitted before the merge at 2026-11-20T09:30:00+00:00"
    ]
    # The freeze is still judged at the commit's date (what the audit uses too).
    assert note(repo, sha).evaluated_at.isoformat() == "2026-11-23T13:00:00+00:00"


def test_a_merged_at_later_than_the_merge_commit_does_not_extend_the_cut_off(
    tmp_path: Path,
) -> None:
    repo = wiki_pr(tmp_path)
    sha = merge(repo, MERGED_AT)
    event = merged_event(repo, sha, "2026-11-24T00:00:00Z")
    result = record_merged(repo, sha, event, reviews(repo, ("bobby", "APPROVED", AFTER)))
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "not-approved"
    assert "before the merge at 2026-11-20T09:30:00+00:00" in result.stderr


def test_an_approval_before_both_counts(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    sha = merge(repo, "2026-11-23T13:00:00+00:00")
    event = merged_event(repo, sha, "2026-11-20T09:30:00Z")
    result = record_merged(repo, sha, event, reviews(repo, ("bobby", "APPROVED", BEFORE)))
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "approved"
    assert result.stderr == ""
