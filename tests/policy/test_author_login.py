"""A pull request author that is not a valid GitHub login is a usage error (exit 2).

Security review, finding 7: an author such as `` maria-lopez``, ``maria_lopez`` or
``maria--lopez`` never compared equal to anyone, so maria-lopez's own approval counted
and ``author: {teams}`` predicates silently never matched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.policy.prrepo import PRRepo, service, team

WIKI = "catalog/services/wiki.yaml"
INVALID = [" maria-lopez", "maria-lopez ", "maria_lopez", "maria--lopez", "-maria", "mária"]


def maria_pr(tmp_path: Path) -> PRRepo:
    """maria-lopez (of platform, wiki's owner) edits wiki and approves it herself."""
    repo = PRRepo(
        tmp_path / "r",
        {"catalog/teams/platform.yaml": team("platform", "pat", "bobby", "maria-lopez")},
    )
    repo.push(
        {WIKI: service("wiki", 4, "platform", "sla: bronze\ncomponents: [{type: repo, ref: x}]\n")}
    )
    return repo


def check(repo: PRRepo, *args: str) -> tuple[int, str, str]:
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
            "--reviews",
            str(repo.reviews(("maria-lopez", "APPROVED"))),
            "--now",
            "2026-11-24T10:00:00Z",
            "--format",
            "json",
            *args,
        ]
    )
    return result.exit_code, result.stdout, result.stderr


def test_the_author_cannot_approve_their_own_change(tmp_path: Path) -> None:
    code, out, _ = check(maria_pr(tmp_path), "--author", "maria-lopez")
    assert code == 1
    ignored = json.loads(out)["decisions"][0]["ignoredApprovals"]
    assert {"login": "maria-lopez", "reason": "is the pull request's author"} in ignored


@pytest.mark.parametrize("author", INVALID)
def test_an_invalid_author_flag_is_a_usage_error(tmp_path: Path, author: str) -> None:
    code, out, err = check(maria_pr(tmp_path), "--author", author)
    assert code == 2, out
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"itsm: error: invalid GitHub login {author!r} for the pull request")
    assert "author (--author)" in err


@pytest.mark.parametrize("author", ["maria_lopez", "maria--lopez", "maria-lopez\n"])
def test_an_invalid_author_in_the_payload_is_a_usage_error(tmp_path: Path, author: str) -> None:
    repo = maria_pr(tmp_path)
    result = run_cli(
        [
            "policy",
            "check",
            "--repo",
            str(repo.root),
            "--event",
            str(repo.event(author=author)),
            "--reviews",
            str(repo.reviews(("maria-lopez", "APPROVED"))),
            "--now",
            "2026-11-24T10:00:00Z",
        ]
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"itsm: error: invalid GitHub login {author!r} for the pull")
    assert "author (pull_request.user.login)" in result.stderr
    assert result.stderr.count("\n") == 1


def test_policy_record_refuses_an_invalid_author_too(tmp_path: Path) -> None:
    repo = maria_pr(tmp_path)
    event = repo.event(author="maria_lopez")
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
            str(repo.reviews(("maria-lopez", "APPROVED"))),
        ]
    )
    assert result.exit_code == 2, result.output
    assert "invalid GitHub login 'maria_lopez' for the pull request author" in result.stderr
    assert repo.git("notes", "--ref=refs/notes/itsmcode", "list") == ""


def test_a_mixed_case_author_is_still_the_author(tmp_path: Path) -> None:
    code, out, _ = check(maria_pr(tmp_path), "--author", "Maria-Lopez")
    assert code == 1
    ignored = json.loads(out)["decisions"][0]["ignoredApprovals"]
    assert {"login": "maria-lopez", "reason": "is the pull request's author"} in ignored


def test_a_bot_author_is_evaluated_and_its_own_review_never_counts(tmp_path: Path) -> None:
    # Dependabot and other GitHub Apps open pull requests as "name[bot]": no valid login,
    # but a real author. Its own reviews carry the same name and never count.
    repo = maria_pr(tmp_path)
    result = run_cli(
        [
            "policy",
            "check",
            "--repo",
            str(repo.root),
            "--event",
            str(repo.event(author="dependabot[bot]")),
            "--reviews",
            str(repo.reviews(("dependabot[bot]", "APPROVED"))),
            "--now",
            "2026-11-24T10:00:00Z",
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["pullRequest"]["author"] == "dependabot[bot]"
    assert data["decisions"][0]["errors"] == []
    assert data["decisions"][0]["approvals"] == []
    reasons = {i["login"]: i["reason"] for i in data["decisions"][0]["ignoredApprovals"]}
    assert "not a valid GitHub login" in reasons["dependabot[bot]"]
    # With an owner's approval it passes like any other pull request.
    reviewed = run_cli(
        [
            "policy",
            "check",
            "--repo",
            str(repo.root),
            "--event",
            str(repo.event(author="dependabot[bot]")),
            "--reviews",
            str(repo.reviews(("bobby", "APPROVED"))),
            "--now",
            "2026-11-24T10:00:00Z",
        ]
    )
    assert reviewed.exit_code == 0, reviewed.output
