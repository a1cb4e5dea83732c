"""``itsm policy check`` and ``record`` through the real CLI: GitHub's payload shapes,
output formats, the audit note, and usage errors (exit 2, one line, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

from itsmcode.policy.approval_record import ApprovalRecord
from tests.helpers import run_cli
from tests.policy.prrepo import PRRepo, change, service

DATA = Path(__file__).parent.parent / "data" / "github"
PAYMENTS = "catalog/services/payments-api.yaml"
FIXTURE_BASE, FIXTURE_HEAD = "1" * 40, "2" * 40


def from_fixture(repo: PRRepo, name: str, tmp_path: Path) -> Path:
    """A fixture payload of GitHub's shape, pointed at the scripted repository's commits."""
    text = (DATA / name).read_text(encoding="utf-8")
    target = tmp_path / name
    target.write_text(
        text.replace(FIXTURE_BASE, repo.base).replace(FIXTURE_HEAD, repo.head), encoding="utf-8"
    )
    return target


def payments_pr(tmp_path: Path) -> PRRepo:
    repo = PRRepo(tmp_path / "r")
    repo.push(
        {
            PAYMENTS: service(
                "payments-api", 1, "payments", "sla: gold\ncomponents: [{type: repo, ref: z}]\n"
            )
        }
    )
    return repo


def test_github_payload_fixtures_and_paginated_reviews(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    event = from_fixture(repo, "pull_request.opened.json", tmp_path)
    reviews = from_fixture(repo, "reviews.paginated.json", tmp_path)
    code, data, _ = repo.check(event=event, reviews=reviews)
    # bob's first approval was on the old head, his later one ("Bob") on the head.
    assert code == 0, data
    assert data["pullRequest"]["author"] == "Alice-Dev"
    assert data["pullRequest"]["labels"] == ["catalog", "urgent"]
    assert data["pullRequest"]["number"] == 42
    logins = [a["login"] for a in data["decisions"][0]["approvals"]]
    assert logins == ["Bob", "carol"]


def test_review_event_fixture_uses_the_pr_author_not_the_sender(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    event = from_fixture(repo, "pull_request_review.submitted.json", tmp_path)
    payload = json.loads(event.read_text())
    assert payload["sender"]["login"] == "bob"
    code, data, _ = repo.check(event=event)
    assert data["pullRequest"]["author"] == "Alice-Dev"
    # bob's approval (from the event) counts for the owners; the CAB has not approved.
    assert code == 1
    statuses = {r["name"]: r["status"] for r in data["decisions"][0]["rules"]}
    assert statuses["owners"] == "satisfied" and statuses["tier-1"] == "pending"


def test_base_and_head_flags_without_event(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    reviews = repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED"))
    result = run_cli(
        [
            "policy",
            "check",
            "--repo",
            str(repo.root),
            "--base",
            repo.base,
            "--head",
            repo.head,
            "--author",
            "alice",
            "--reviews",
            str(reviews),
            "--now",
            "2026-11-24T10:00:00Z",
            "--format",
            "text",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "✓ owners: satisfied" in result.output
    assert "approved by: bob" in result.output
    assert result.output.rstrip().endswith("APPROVED")


def test_text_output_says_who_else_can_approve(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    code, _, result = repo.check(fmt="text")
    assert code == 1
    assert "missing: 1 approval from team cab" in result.output
    assert "can approve: carol, dave" in result.output


def test_markdown_output_is_a_table_with_escaped_values(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    code, _, result = repo.check(fmt="markdown", reviews=repo.reviews(("bob", "APPROVED")))
    assert code == 1
    assert result.output.startswith("## itsm policy check: ❌ not approved")
    assert "| ⏳ | tier-1 |  | 1 approval from team cab | carol, dave |" in result.output
    assert "| ✅ | owners | bob |" in result.output


def test_github_output_annotates_and_writes_the_job_summary(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    summary = tmp_path / "summary.md"
    args = [
        "policy",
        "check",
        "--repo",
        str(repo.root),
        "--event",
        str(repo.event()),
        "--now",
        "2026-11-24T10:00:00Z",
        "--format",
        "github",
    ]
    result = run_cli(args, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        line.startswith(
            "::error file=processes/approval-policy.yaml,title=approval "
            "policy (base)::rule tier-1: 1 approval from team cab"
        )
        for line in lines
    )
    assert lines[-1] == "::notice::pull request #7 by alice: NOT APPROVED"
    assert "## itsm policy check: ❌ not approved" in summary.read_text()


def test_record_writes_the_approval_note_on_the_merge_commit(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    reviews = repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED"))
    event = repo.event()
    repo.git("checkout", "-q", "main")
    repo.git(
        "-c",
        "user.name=GitHub",
        "-c",
        "user.email=noreply@github.com",
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #7",
        "pr",
    )
    merge = repo.git("rev-parse", "HEAD")
    args = [
        "policy",
        "record",
        "--repo",
        str(repo.root),
        "--merge",
        merge,
        "--event",
        str(event),
        "--reviews",
        str(reviews),
        "--now",
        "2026-11-24T10:00:00Z",
    ]
    result = run_cli(args)
    assert result.exit_code == 0, result.output
    note = repo.git("notes", "--ref=refs/notes/itsmcode", "show", merge)
    record = ApprovalRecord.from_json(note)
    assert record.decision == "approved"
    assert record.commits.base == repo.base and record.commits.head == repo.head
    assert record.commits.merge == merge
    assert record.pull_request.number == 7 and record.pull_request.author == "alice"
    assert [a.login for a in record.approvers] == ["bob", "carol"]
    assert record.policy.path == "processes/approval-policy.yaml"
    policy_blob = repo.git("rev-parse", f"{repo.base}:processes/approval-policy.yaml")
    assert record.policy.blob == policy_blob
    assert json.loads(result.output) == json.loads(note)


def test_record_dry_run_prints_without_writing(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    event = repo.event()
    repo.git("checkout", "-q", "main")
    repo.git("-c", "user.name=G", "-c", "user.email=g@x", "merge", "-q", "--no-ff", "-m", "m", "pr")
    merge = repo.git("rev-parse", "HEAD")
    result = run_cli(
        [
            "policy",
            "record",
            "--repo",
            str(repo.root),
            "--merge",
            merge,
            "--event",
            str(event),
            "--reviews",
            str(repo.reviews()),
            "--dry-run",
            "--now",
            "2026-11-24T10:00:00Z",
        ]
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["decision"] == "not-approved"
    assert repo.git("notes", "--ref=refs/notes/itsmcode", "list") == ""


def test_record_from_merged_payload_fixture(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    repo.git("checkout", "-q", "main")
    repo.git("-c", "user.name=G", "-c", "user.email=g@x", "merge", "-q", "--no-ff", "-m", "m", "pr")
    merge = repo.git("rev-parse", "HEAD")
    event = from_fixture(repo, "pull_request.closed-merged.json", tmp_path)
    reviews = from_fixture(repo, "reviews.paginated.json", tmp_path)
    result = run_cli(
        [
            "policy",
            "record",
            "--repo",
            str(repo.root),
            "--merge",
            merge,
            "--event",
            str(event),
            "--reviews",
            str(reviews),
            "--dry-run",
            "--now",
            "2026-11-24T10:00:00Z",
        ]
    )
    assert result.exit_code == 0, result.output
    record = ApprovalRecord.from_json(result.output)
    assert record.pull_request.number == 42 and record.decision == "approved"
    assert record.commits.base == repo.base  # the merge commit's first parent


def test_push_payload_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    result = run_cli(
        ["policy", "check", "--repo", str(repo.root), "--event", str(DATA / "push.json")]
    )
    assert result.exit_code == 2
    assert "names no pull request" in result.output


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    cases = [
        ["--base", repo.base, "--head", repo.head],  # no author
        ["--base", repo.base, "--head", "nope", "--author", "a"],
        ["--base", repo.base, "--head", repo.head, "--author", "a", "--now", "yesterday"],
        ["--event", str(tmp_path / "missing.json")],
    ]
    for extra in cases:
        result = run_cli(["policy", "check", "--repo", str(repo.root), *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert result.output.startswith("itsm: error: ") or "Error:" in result.output
        assert "Traceback" not in result.output


def test_invalid_reviews_file_is_a_usage_error(tmp_path: Path) -> None:
    repo = payments_pr(tmp_path)
    bad = tmp_path / "reviews.json"
    bad.write_text('[{"user": {"login": "bob"}, "state": "LGTM"}]')
    _, _, result = repo.check(reviews=bad)
    assert result.exit_code == 2
    assert "unknown review state" in result.output


def test_change_request_during_freeze_in_text_output(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2026/chg-9.yaml": change("chg-9")})
    code, _, result = repo.check(
        fmt="text", now="2026-12-24T12:00:00+01:00", reviews=repo.reviews(("bobby", "APPROVED"))
    )
    assert code == 1
    assert "freeze change-freezes/year-end is in force: refused for ChangeRequest chg-9" in (
        result.output
    )


def test_file_names_from_the_pr_cannot_inject_workflow_commands(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"evil\n::error::forged.md": "x\n"})
    for fmt in ("text", "github", "markdown"):
        code, _, result = repo.check(fmt=fmt)
        assert code == 1
        assert not any(line.startswith("::error::forged") for line in result.output.splitlines())
        assert "forged" in result.output or fmt != "text"
