"""Re-attack of policy.md property 10 (docs/security.md, "Re-attacked"): variations
test_commit_identities.py does not try. Same setting: alice's pull request edits the
wiki service (owned by platform: pat, bobby); bobby's approval alone would satisfy it,
so every attack tries to let bobby write part of it and still approve.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.policy.prrepo import (
    POLICY,
    PRRepo,
    github_commits,
    paginated,
    rule,
    service,
    team,
)
from tests.policy.test_commit_identities import (
    ALICE,
    BOBBY_WORK,
    WIKI,
    bobby_commits,
    check,
    ignored,
    opened,
)
from tests.policy.test_record_merge_time import merge, note, record, reviews

EXCLUDED = {"bobby": "authored or committed a commit of the PR"}


def test_a_later_page_redefining_a_commit_does_not_untie_its_author(tmp_path: Path) -> None:
    """GitHub's list names bobby's commit twice (a force-push between two page fetches,
    or a tampered file): once tied to bobby, once to alice. Every tie counts."""
    repo = opened(tmp_path)
    bobby_commits(repo)
    items = github_commits(repo.root, repo.base, repo.head, {BOBBY_WORK: "bobby"})
    forged = json.loads(json.dumps(items[-1]))
    forged["author"]["login"] = forged["committer"]["login"] = "alice"
    path = tmp_path / "redefined.json"
    path.write_text(paginated([*items, forged], page=1), encoding="utf-8")
    code, data = check(repo, "--commits", str(path))
    assert code == 1
    assert ignored(data) == EXCLUDED
    assert rule(data, "owners")["status"] == "pending"


def test_a_nul_in_a_commit_message_hides_no_commit(tmp_path: Path) -> None:
    """A commit object written by hand whose message holds NUL bytes shaped like the
    fields of ``git log -z``: git ends the message at the first NUL, so the fields do
    not shift and bobby's commit is read as his."""
    repo = opened(tmp_path)
    repo.apply({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: n\n")})
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    stamp = "1793520000 +0000"
    body = (
        f"tree {tree}\nparent {repo.head}\n"
        f"author Bobby <{BOBBY_WORK}> {stamp}\ncommitter Bobby <{BOBBY_WORK}> {stamp}\n\n"
        f"tweak\0{'0' * 40}\0Alice\0{ALICE}\0Alice\0{ALICE}\0\n"
    )
    done = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        cwd=repo.root,
        input=body.encode(),
        capture_output=True,
        check=True,
    )
    repo.head = done.stdout.decode().strip()
    code, data = check(repo, "--commits", str(repo.commits({BOBBY_WORK: "bobby"})))
    assert code == 1
    assert ignored(data) == EXCLUDED
    # And without GitHub's list, his unlisted e-mail fails closed.
    code, data = check(repo)
    assert code == 1
    assert any(
        e.startswith(f"Bobby <{BOBBY_WORK}> (author of {repo.head[:12]})")
        for e in data["decisions"][0]["errors"]
    )


def test_an_approver_who_merges_the_base_into_the_branch_is_excluded(tmp_path: Path) -> None:
    """bobby only merged main into alice's branch (resolving nothing): the merge commit
    is his, and part of the pull request."""
    repo = opened(tmp_path)
    repo.git("checkout", "-q", "main")
    repo.apply({"catalog/services/checkout.yaml": service("checkout", 2, "platform", "")})
    repo.base = repo.commit("main moves on", "maintainer@example.com")
    repo.git("checkout", "-q", "pr")
    repo.git(
        "-c", "user.name=Bobby", "-c", f"user.email={BOBBY_WORK}", "merge", "-q", "--no-ff",
        "-m", "Merge main into pr", "main",
    )  # fmt: skip
    repo.head = repo.git("rev-parse", "HEAD")
    commits = repo.commits({ALICE: "alice", BOBBY_WORK: "bobby"})
    code, data = check(repo, "--commits", str(commits))
    assert code == 1
    assert ignored(data) == EXCLUDED
    # GitHub's "Update branch" button: author bobby, committer web-flow.
    repo.git("reset", "-q", "--hard", "HEAD^")
    repo.git(
        "-c", "user.name=GitHub", "-c", "user.email=noreply@github.com", "merge", "-q",
        "--no-ff", "-m", "Merge branch 'main' into pr", "main",
    )  # fmt: skip
    repo.git(
        "-c", "user.name=GitHub", "-c", "user.email=noreply@github.com", "commit", "-q",
        "--amend", "--no-edit", f"--author=Bobby <{BOBBY_WORK}>",
    )  # fmt: skip
    assert repo.git("log", "-1", "--format=%ae %ce") == f"{BOBBY_WORK} noreply@github.com"
    repo.head = repo.git("rev-parse", "HEAD")
    code, data = check(repo, "--commits", str(repo.commits({BOBBY_WORK: "bobby"})))
    assert code == 1
    assert ignored(data) == EXCLUDED


@pytest.mark.parametrize(
    ("email", "tied"),
    [
        ("BOBBY@Corp.Example", True),  # e-mail case is not an identity
        (" bobby@corp.example", True),
        ("b\u043ebby@corp.example", False),  # Cyrillic o: another address, never bobby's
        ("bobby@corp.example.", True),  # git itself drops the trailing dot
        ("bobby@corp\u2024example", False),  # ONE DOT LEADER
        ("1+b\u043ebby@users.noreply.github.com", False),
        ("1+bobby@users.noreply.github.com.evil.example", False),
    ],
)
def test_look_alikes_of_a_listed_email_are_tied_or_fail_closed(
    tmp_path: Path, email: str, tied: bool
) -> None:
    """bobby's team entry lists his e-mail; he commits under a variation of it. Either
    it is tied to him (excluded) or to nobody (fail closed): never someone else."""
    platform = team("platform", "pat", f"bobby:{BOBBY_WORK}")
    repo = PRRepo(tmp_path / "r", {"catalog/teams/platform.yaml": platform})
    repo.push({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: x\n")})
    bobby_commits(repo, email=email)
    code, data = check(repo)
    assert code == 1
    errors = data["decisions"][0]["errors"]
    if tied:
        assert ignored(data) == EXCLUDED
        assert errors == []
    else:
        assert "bobby" not in data["pullRequest"]["committers"]
        [error] = errors  # one line per untied name and e-mail
        assert error.startswith(f"Bobby Tables <{email.strip()}> (author of {repo.head[:12]}): ")


def test_githubs_list_missing_a_commit_git_has_still_reads_it_from_git(tmp_path: Path) -> None:
    """bobby force-pushes a commit of his after the workflow fetched GitHub's list: the
    list names only alice's commit, git's range has both."""
    repo = opened(tmp_path)
    listed = repo.commits({ALICE: "alice"})
    bobby_commits(repo)
    code, data = check(repo, "--commits", str(listed))
    assert code == 1
    assert any(
        e.startswith(f"Bobby Tables <{BOBBY_WORK}> (author of {repo.head[:12]})")
        for e in data["decisions"][0]["errors"]
    )


VERIFIED = POLICY.replace(
    "invalidateOnPush: true", "invalidateOnPush: true, requireVerifiedCommits: true"
)


def verified_list(repo: PRRepo, accounts: dict[str, str], verdicts: dict[str, str | None]) -> str:
    """GitHub's commit list with ``commit.verification`` as GitHub states it: sha ->
    None (verified) or the reason it is not; commits not named stay ``unsigned``."""
    items = github_commits(repo.root, repo.base, repo.head, accounts)
    for item in items:
        if item["sha"] in verdicts:
            reason = verdicts[item["sha"]]
            item["commit"]["verification"].update(
                verified=reason is None, reason=reason or "valid", signature="-----BEGIN PGP"
            )
    path = repo.root.parent / "verified.json"
    path.write_text(paginated(items), encoding="utf-8")
    return str(path)


def errors(data: Any) -> list[str]:
    found: list[str] = data["decisions"][0]["errors"]
    return found


def test_an_approver_committing_under_the_authors_identity_is_excluded(tmp_path: Path) -> None:
    """bobby commits under alice's noreply address and signs it with his own key: GitHub
    cannot tie that signature to alice's account (``bad_email``), so with
    ``requireVerifiedCommits`` the change does not pass on bobby's approval."""
    repo = opened(tmp_path, VERIFIED)
    alices = repo.head
    bobbys = bobby_commits(repo, email=ALICE)
    listed = verified_list(repo, {ALICE: "alice"}, {alices: None, bobbys: "bad_email"})
    code, data = check(repo, "--commits", listed)
    assert code == 1
    assert errors(data) == [
        f"commit {bobbys[:12]} is not verified by GitHub (bad_email); requireVerifiedCommits "
        "is set, so the policy fails closed (sign the commit with a key GitHub ties to the "
        "committer's account)"
    ]


def test_an_approver_signing_as_himself_is_a_committer(tmp_path: Path) -> None:
    """The only verified way for bobby to write part of it names him: he is barred."""
    repo = opened(tmp_path, VERIFIED)
    alices = repo.head
    bobbys = bobby_commits(repo)
    listed = verified_list(
        repo, {ALICE: "alice", BOBBY_WORK: "bobby"}, {alices: None, bobbys: None}
    )
    code, data = check(repo, "--commits", listed)
    assert code == 1
    assert errors(data) == []
    assert ignored(data) == EXCLUDED
    assert rule(data, "owners")["status"] == "pending"


def test_verified_commits_by_the_author_alone_pass(tmp_path: Path) -> None:
    repo = opened(tmp_path, VERIFIED)
    listed = verified_list(repo, {ALICE: "alice"}, {repo.head: None})
    code, data = check(repo, "--commits", listed)
    assert code == 0, errors(data)


def test_an_unsigned_commit_fails_closed_naming_it(tmp_path: Path) -> None:
    repo = opened(tmp_path, VERIFIED)
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 1
    assert errors(data) == [
        f"commit {repo.head[:12]} is not verified by GitHub (unsigned); requireVerifiedCommits "
        "is set, so the policy fails closed (sign the commit with a key GitHub ties to the "
        "committer's account)"
    ]


def test_a_list_without_verification_fields_is_not_verified(tmp_path: Path) -> None:
    repo = opened(tmp_path, VERIFIED)
    items = github_commits(repo.root, repo.base, repo.head, {ALICE: "alice"})
    for item in items:
        del item["commit"]["verification"]
    path = tmp_path / "bare.json"
    path.write_text(paginated(items), encoding="utf-8")
    code, data = check(repo, "--commits", str(path))
    assert code == 1
    assert errors(data)[0].startswith(
        f"commit {repo.head[:12]} is not verified by GitHub (no verification given)"
    )


def test_a_commit_the_list_lacks_fails_closed(tmp_path: Path) -> None:
    """bobby pushes after the workflow fetched the list: git has a commit GitHub's list
    does not vouch for, even though he committed it under alice's identity."""
    repo = opened(tmp_path, VERIFIED)
    listed = verified_list(repo, {ALICE: "alice"}, {repo.head: None})
    later = bobby_commits(repo, email=ALICE)
    code, data = check(repo, "--commits", listed)
    assert code == 1
    assert errors(data) == [
        f"commit {later[:12]} is not in GitHub's list of the pull request's commits, so "
        "nothing shows it is verified; the policy fails closed"
    ]


def test_verified_commits_without_the_commit_list_fail_closed(tmp_path: Path) -> None:
    repo = opened(tmp_path, VERIFIED)
    code, data = check(repo)
    assert code == 1
    assert errors(data) == [
        "requireVerifiedCommits needs GitHub's list of the pull request's commits "
        "(--commits FILE) to see which are verified; the policy fails closed"
    ]


def test_without_the_option_the_authors_identity_still_hides_the_approver(
    tmp_path: Path,
) -> None:
    """The documented residual risk (docs/security.md): git identities are claims, so
    without requireVerifiedCommits bobby's commit under alice's address counts as hers."""
    repo = opened(tmp_path)
    bobby_commits(repo, email=ALICE)
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 0
    assert rule(data, "owners")["status"] == "satisfied"


def test_the_record_refuses_a_merge_with_a_commit_under_the_authors_identity(
    tmp_path: Path,
) -> None:
    """``policy record`` judges the option as the gate does: the note says not-approved."""
    repo = opened(tmp_path, VERIFIED)
    alices = repo.head
    bobbys = bobby_commits(repo, email=ALICE)
    listed = verified_list(repo, {ALICE: "alice"}, {alices: None, bobbys: "bad_email"})
    sha = merge(repo, "2026-11-24T12:00:00+01:00")
    approved = reviews(repo, ("bobby", "APPROVED", "2026-11-24T10:00:00Z"))
    result = record(repo, sha, approved, "--commits", listed)
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "not-approved"


def test_the_record_of_verified_commits_by_the_author_is_approved(tmp_path: Path) -> None:
    repo = opened(tmp_path, VERIFIED)
    listed = verified_list(repo, {ALICE: "alice"}, {repo.head: None})
    sha = merge(repo, "2026-11-24T12:00:00+01:00")
    approved = reviews(repo, ("bobby", "APPROVED", "2026-11-24T10:00:00Z"))
    result = record(repo, sha, approved, "--commits", listed)
    assert result.exit_code == 0, result.output
    assert note(repo, sha).decision == "approved"
