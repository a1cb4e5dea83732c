"""Attacks on policy.md property 10 through the audit: a merged pull request whose
commits name someone the gate would have barred, or someone nothing ties to a login,
with a forged "approved" note. The audit re-decides with the same rule as ``itsm
policy check`` (``policy.facts.with_writers``), so it must refuse what the gate refuses.

alice's pull request edits the ledger service (owned by payments: alice, bob); bob's
approval alone satisfies the policy, so each attack lets bob (or a stranger) write part
of it.
"""

from __future__ import annotations

from pathlib import Path

from tests.audit.scripted import History, Merged, controls, row, service
from tests.audit.test_evil_merge import LEDGER, start

UNTIED = "tied to no GitHub login"


def merged_with(h: History, *commit_args: str, email: str | None = None) -> Merged:
    """PR #1: alice's commit, then one more on the branch made with ``commit_args`` (as
    the committer ``bob``, with ``email`` instead of his listed one when given); merged
    and noted as approved by bob."""
    base, _ = h.open_pull_request(1, "alice", {LEDGER: service("ledger", 2)})
    h.git("checkout", "-q", "pr-1")
    h.tick()
    h.write({LEDGER: service("ledger", 1)})
    h.git("add", "-A")
    override = ("-c", f"user.email={email}") if email else ()
    h.git(*override, "commit", "-q", *commit_args, who="bob")
    head = h.rev("HEAD")
    h.git("checkout", "-q", "main")
    h.tick()
    merged = h.merge(1, base, head)
    h.approve(merged, "alice", ["bob"])
    return merged


def not_valid(h: History, merged: Merged) -> str:
    doc = h.audit_json()
    assert "approval-not-valid" in controls(doc, merged.merge)
    assert row(doc, merged.merge)["reevaluatedDecision"] == "not-approved"
    (reason,) = [
        v["reason"]
        for v in row(doc, merged.merge)["violations"]
        if v["control"] == "approval-not-valid"
    ]
    assert "the note claims 'approved'" in reason
    return reason


def test_control_alices_own_commits_approved_by_bob_are_valid(tmp_path: Path) -> None:
    h = start(tmp_path)
    merged = merged_with(
        h, "--author=alice <alice@example.com>", "-m", "more", email="alice@example.com"
    )
    doc = h.audit_json()
    assert controls(doc, merged.merge) == []
    assert row(doc, merged.merge)["reevaluatedDecision"] == "approved"


def test_a_commit_by_an_email_no_team_lists_fails_closed(tmp_path: Path) -> None:
    """(a) A stranger's commit: nothing ties mallory@evil.test to a login."""
    h = start(tmp_path)
    merged = merged_with(
        h, "--author=Mallory <mallory@evil.test>", "-m", "tweak", email="alice@example.com"
    )
    sha = h.rev(f"{merged.head}")[:12]
    reason = not_valid(h, merged)
    assert f"Mallory <mallory@evil.test> (author of {sha}): this commit identity is {UNTIED}" in (
        reason
    )
    assert "allowUnknownCommitters" in reason


def test_the_approver_as_co_author_is_not_counted(tmp_path: Path) -> None:
    """(b) alice's commit names bob in a ``Co-authored-by:`` trailer: bob wrote part of it."""
    h = start(tmp_path)
    message = "tweak\n\nCo-authored-by: Bob <bob@example.com>"
    merged = merged_with(
        h, "--author=alice <alice@example.com>", "-m", message, email="alice@example.com"
    )
    reason = not_valid(h, merged)
    assert "bob not counted (authored or committed a commit of the PR)" in reason
    assert "rule owners:" in reason


def test_the_approver_as_co_author_with_a_lowercase_key_and_unlisted_email(
    tmp_path: Path,
) -> None:
    h = start(tmp_path)
    message = "tweak\n\nco-authored-by: Bob <bob@home.test>"
    merged = merged_with(
        h, "--author=alice <alice@example.com>", "-m", message, email="alice@example.com"
    )
    sha = h.rev(merged.head)[:12]
    reason = not_valid(h, merged)
    assert f"Bob <bob@home.test> (co-author of {sha}): this commit identity is {UNTIED}" in reason


def test_the_approver_as_committer_with_an_unlisted_email_fails_closed(tmp_path: Path) -> None:
    """(c) bob commits alice's work under an e-mail no team lists."""
    h = start(tmp_path)
    merged = merged_with(
        h, "--author=alice <alice@example.com>", "-m", "tweak", email="bob@home.test"
    )
    sha = h.rev(merged.head)[:12]
    reason = not_valid(h, merged)
    assert f"bob <bob@home.test> (committer of {sha}): this commit identity is {UNTIED}" in reason


def test_the_approver_as_committer_with_his_listed_email_is_not_counted(tmp_path: Path) -> None:
    h = start(tmp_path)
    merged = merged_with(h, "--author=alice <alice@example.com>", "-m", "tweak")
    reason = not_valid(h, merged)
    assert "bob not counted (authored or committed a commit of the PR)" in reason


def test_an_untied_commit_in_a_squash_merge_fails_closed(tmp_path: Path) -> None:
    """No merge commit: the squashed commit itself is the pull request's only commit."""
    h = start(tmp_path)
    base = h.rev("main")
    squashed = h.commit(
        "Edit ledger (#1)\n\nCo-authored-by: Mallory <mallory@evil.test>",
        {LEDGER: service("ledger", 2)},
        "alice",
    )
    tree = h.rev("HEAD^{tree}")
    h.approve(Merged(1, base, squashed, squashed, tree), "alice", ["bob"])
    doc = h.audit_json()
    assert "approval-not-valid" in controls(doc, squashed)
    reasons = " ".join(v["reason"] for v in row(doc, squashed)["violations"])
    assert f"Mallory <mallory@evil.test> (co-author of {squashed[:12]})" in reasons
