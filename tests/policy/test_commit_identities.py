"""Attacks on policy.md property 10: whoever authored, committed or co-authored a commit
of the pull request never counts as its approver, and an identity that cannot be tied
to a login fails closed unless the policy allows it.

The setting: alice opens a pull request editing the wiki service (owned by platform:
pat, bobby); bobby's approval alone would satisfy it. Then bobby writes part of the
change himself, in every way git and GitHub allow. GitHub's list of the commits is in
the REST shape (``github_commits``), paginated as ``gh api --paginate`` prints it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.policy.prrepo import POLICY, POLICY_PATH, PRRepo, github_commits, rule, service

WIKI = "catalog/services/wiki.yaml"
ALICE = "alice@users.noreply.github.com"
#: An e-mail of bobby's that no team file lists.
BOBBY_WORK = "bobby@corp.example"
LENIENT = POLICY.replace(
    "invalidateOnPush: true", "invalidateOnPush: true, allowUnknownCommitters: true"
)


def opened(tmp_path: Path, policy: str = POLICY) -> PRRepo:
    repo = PRRepo(tmp_path / "r", {POLICY_PATH: policy})
    repo.push({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: x\n")})
    return repo


def bobby_commits(repo: PRRepo, email: str = BOBBY_WORK, message: str = "tweak") -> str:
    repo.apply({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: y\n")})
    repo.head = repo.commit(message, email, "Bobby Tables")
    return repo.head


def check(repo: PRRepo, *extra: str) -> tuple[int, Any]:
    code, data, result = repo.check(*extra, reviews=repo.reviews(("bobby", "APPROVED")))
    assert code in (0, 1), result.output
    return code, data


def ignored(data: Any) -> dict[str, str]:
    return {i["login"]: i["reason"] for i in data["decisions"][0]["ignoredApprovals"]}


def test_control_bobby_approves_alices_change(tmp_path: Path) -> None:
    repo = opened(tmp_path)
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 0, data
    assert data["pullRequest"]["committers"] == ["alice"]


def test_approvers_commit_with_an_unlisted_email_github_cannot_tie_fails_closed(
    tmp_path: Path,
) -> None:
    repo = opened(tmp_path)
    sha = bobby_commits(repo)
    # GitHub knows no account with that e-mail: "author": null, "committer": null.
    commits = repo.commits({ALICE: "alice", BOBBY_WORK: None})
    code, data = check(repo, "--commits", str(commits))
    assert code == 1
    [error] = data["decisions"][0]["errors"]
    assert error.startswith(f"Bobby Tables <{BOBBY_WORK}> (author of {sha[:12]}): ")
    assert "tied to no GitHub login" in error and "allowUnknownCommitters" in error
    # The rules themselves look satisfied: only the unknown identity stops it.
    assert rule(data, "owners")["status"] == "satisfied"


def test_without_the_commit_list_an_unlisted_email_fails_closed_too(tmp_path: Path) -> None:
    repo = opened(tmp_path)
    sha = bobby_commits(repo)
    code, data = check(repo)
    assert code == 1
    assert any(
        e.startswith(f"Bobby Tables <{BOBBY_WORK}> (author of {sha[:12]})")
        for e in data["decisions"][0]["errors"]
    )


@pytest.mark.parametrize("login", ["bobby", "Bobby", "BOBBY"])
def test_approvers_commit_github_ties_to_his_account_does_not_let_him_approve(
    tmp_path: Path, login: str
) -> None:
    repo = opened(tmp_path)
    bobby_commits(repo)
    commits = repo.commits({ALICE: "alice", BOBBY_WORK: login})
    code, data = check(repo, "--commits", str(commits))
    assert code == 1
    assert data["decisions"][0]["errors"] == []
    assert data["pullRequest"]["committers"] == ["alice", "bobby"]
    assert ignored(data) == {"bobby": "authored or committed a commit of the PR"}
    assert rule(data, "owners")["status"] == "pending"
    assert rule(data, "owners")["candidates"] == ["pat"]


def test_approver_only_as_committer_is_excluded(tmp_path: Path) -> None:
    """Alice wrote the commit; bobby committed it (a rebase, a cherry-pick, git am)."""
    repo = opened(tmp_path)
    repo.apply({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: z\n")})
    repo.git("add", "-A")
    repo.git(
        "-c",
        "user.name=Bobby Tables",
        "-c",
        f"user.email={BOBBY_WORK}",
        "commit",
        "-q",
        f"--author=Alice <{ALICE}>",
        "-m",
        "rebased",
    )
    repo.head = repo.git("rev-parse", "HEAD")
    assert repo.git("log", "-1", "--format=%ae %ce") == f"{ALICE} {BOBBY_WORK}"
    commits = repo.commits({ALICE: "alice", BOBBY_WORK: "bobby"})
    code, data = check(repo, "--commits", str(commits))
    assert code == 1
    assert ignored(data) == {"bobby": "authored or committed a commit of the PR"}
    # Without GitHub's word the committer is an unknown identity: fail closed.
    code, data = check(repo)
    assert code == 1
    assert any(
        e.startswith(f"Bobby Tables <{BOBBY_WORK}> (committer of {repo.head[:12]})")
        for e in data["decisions"][0]["errors"]
    )


@pytest.mark.parametrize(
    "trailer",
    [
        "Co-authored-by: Bobby <123+bobby@users.noreply.github.com>",
        "co-authored-by: Bobby <bobby@users.noreply.github.com>",
        "CO-AUTHORED-BY:Bobby <123+Bobby@users.noreply.github.com>",
        "Co-Authored-By :  Bobby  <123+bobby@USERS.NOREPLY.GITHUB.COM>  ",
        # Two people on one line: the second is not hidden behind the first.
        "Co-authored-by: Pat <pat@users.noreply.github.com>, "
        "Bobby <1+bobby@users.noreply.github.com>",
        # A bare address.
        "Co-authored-by: 1+bobby@users.noreply.github.com",
    ],
)
def test_approver_in_a_co_authored_by_trailer_is_excluded(tmp_path: Path, trailer: str) -> None:
    repo = opened(tmp_path)
    repo.apply({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: w\n")})
    repo.head = repo.commit(f"pair work\n\nWritten together.\n\n{trailer}\n")
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 1
    assert "bobby" in data["pullRequest"]["committers"]
    assert ignored(data) == {"bobby": "authored or committed a commit of the PR"}
    assert rule(data, "owners")["status"] == "pending"
    assert data["decisions"][0]["errors"] == []


def test_several_co_authors_are_all_excluded(tmp_path: Path) -> None:
    """bob by the e-mail his team file lists, bobby by his noreply address."""
    repo = opened(tmp_path)
    repo.apply({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: v\n")})
    repo.head = repo.commit(
        "mob\n\nCo-authored-by: Bob <BOB@example.com>\n"
        "Co-authored-by: Bobby <99+bobby@users.noreply.github.com>\n"
    )
    code, data, _ = repo.check(
        "--commits",
        str(repo.commits({ALICE: "alice"})),
        reviews=repo.reviews(("bobby", "APPROVED"), ("bob", "APPROVED"), ("pat", "APPROVED")),
    )
    assert code == 0, data
    assert data["pullRequest"]["committers"] == ["alice", "bob", "bobby"]
    assert ignored(data) == {
        "bob": "authored or committed a commit of the PR",
        "bobby": "authored or committed a commit of the PR",
    }
    assert rule(data, "owners")["approvers"] == ["pat"]


@pytest.mark.parametrize(
    ("trailer", "label"),
    [
        ("Co-authored-by: Mystery <m@elsewhere.example>", "Mystery <m@elsewhere.example>"),
        ("co-authored-by: just a name", "just a name <>"),
    ],
)
def test_a_co_author_nothing_ties_fails_closed(tmp_path: Path, trailer: str, label: str) -> None:
    repo = opened(tmp_path)
    repo.apply({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: u\n")})
    repo.head = repo.commit(f"with help\n\n{trailer}")
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 1
    [error] = data["decisions"][0]["errors"]
    assert error.startswith(f"{label} (co-author of {repo.head[:12]}): ")


def test_an_unknown_identity_is_accepted_when_the_policy_says_so(tmp_path: Path) -> None:
    repo = opened(tmp_path, LENIENT)
    bobby_commits(repo)
    commits = repo.commits({ALICE: "alice", BOBBY_WORK: None})
    code, data = check(repo, "--commits", str(commits))
    assert code == 0, data
    assert data["decisions"][0]["errors"] == []
    # Accepting unknown identities never un-bars a known one.
    repo.head = repo.commit("more\n\nCo-authored-by: B <1+bobby@users.noreply.github.com>")
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 1
    assert ignored(data) == {"bobby": "authored or committed a commit of the PR"}


def test_allow_committers_makes_identities_irrelevant(tmp_path: Path) -> None:
    repo = opened(tmp_path, POLICY.replace("allowCommitters: false", "allowCommitters: true"))
    bobby_commits(repo)
    code, data = check(repo, "--commits", str(repo.commits({ALICE: "alice"})))
    assert code == 0, data


def test_a_commit_github_lists_beyond_the_git_range_still_bars_its_author(
    tmp_path: Path,
) -> None:
    """The list GitHub gives wins over a stale clone: bobby's listed commit counts."""
    repo = opened(tmp_path)
    listed = repo.commits({ALICE: "alice"})
    side = PRRepo(tmp_path / "side")
    side.push({"README.md": "x\n"}, email=BOBBY_WORK)
    items = json.loads(listed.read_text())
    items += github_commits(side.root, side.base, side.head, {BOBBY_WORK: "bobby"})
    listed.write_text(json.dumps(items))
    code, data = check(repo, "--commits", str(listed))
    assert code == 1
    assert ignored(data) == {"bobby": "authored or committed a commit of the PR"}


def test_githubs_own_committer_and_bots_are_tied(tmp_path: Path) -> None:
    """A suggestion applied on github.com (committer GitHub <noreply@github.com>) and a
    dependabot commit are no unknown identities: nothing fails closed."""
    repo = opened(tmp_path)
    repo.apply({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: s\n")})
    repo.git("add", "-A")
    repo.git(
        "-c",
        "user.name=GitHub",
        "-c",
        "user.email=noreply@github.com",
        "commit",
        "-q",
        f"--author=Alice <{ALICE}>",
        "-m",
        "Apply suggestion",
    )
    repo.head = repo.git("rev-parse", "HEAD")
    repo.apply({"README.md": "bump\n"})
    repo.head = repo.commit(
        "Bump", "49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]"
    )
    code, data = check(repo)
    assert code == 0, data
    assert data["pullRequest"]["committers"] == ["alice", "web-flow"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "expected a JSON array of commits"),
        ('[{"sha": "abc"}]', "[0].sha: expected a full commit sha"),
        ('[{"sha": "' + "a" * 40 + '", "commit": {"message": "m"}}]', "commit.author: missing"),
    ],
)
def test_a_malformed_commit_list_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    repo = opened(tmp_path)
    bad = tmp_path / "commits.json"
    bad.write_text(text)
    code, _, result = repo.check("--commits", str(bad))
    assert code == 2
    assert message in result.output
    assert "Traceback" not in result.output
