"""Re-attack of policy.md property 10 (docs/security.md, "Re-attacked"): variations
test_commit_identities.py does not try. Same setting: alice's pull request edits the
wiki service (owned by platform: pat, bobby); bobby's approval alone would satisfy it,
so every attack tries to let bobby write part of it and still approve.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.policy.prrepo import (
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


@pytest.mark.xfail(
    strict=True,
    reason="git identities are claims: a commit made under the PR author's noreply address "
    "is tied to the author, by git and by GitHub alike. Barring its real writer needs "
    "verified signatures (the commit list's commit.verification) or the pusher of each "
    "head (the synchronize event's sender), a policy option; see docs/security.md",
)
def test_an_approver_committing_under_the_authors_identity_is_excluded(tmp_path: Path) -> None:
    repo = opened(tmp_path)
    bobby_commits(repo, email=ALICE)
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 1
    assert rule(data, "owners")["status"] == "pending"
