"""Re-attack of policy.md property 12 (docs/security.md, "Re-attacked") by someone who
can push to main and to the notes ref: merges test_evil_merge.py, test_dates.py and
test_rewrites.py do not try. Each must show in the audit, with the reason."""

from __future__ import annotations

import os
from pathlib import Path

from tests.audit.scripted import History, Merged, controls, row, service
from tests.audit.test_evil_merge import GOLD, LEDGER, approved_merge, evil, start


def local_merge(h: History, number: int, files: dict[str, str | None]) -> tuple[str, str]:
    """alice's PR ``number`` opened and a merge started without committing: (base, head)."""
    base, head = h.open_pull_request(number, "alice", files)
    h.tick()
    h.git_ok("merge", "-q", "--no-ff", "--no-commit", f"pr-{number}")
    return base, head


def commit_merge(h: History, number: int, base: str, head: str) -> Merged:
    h.git("add", "-A")
    h.git("commit", "-q", "-m", f"Merge pull request #{number} from acme/pr-{number}", who="github")
    merged = Merged(number, base, head, h.rev("HEAD"), h.rev("HEAD^{tree}"))
    h.approve(merged, "alice", ["bob"])
    return merged


def test_merge_that_turns_an_sla_into_a_symlink(tmp_path: Path) -> None:
    """The SLA file becomes a link to a looser SLA's file: same bytes as a path, other
    content when read."""
    h = start(tmp_path)
    h.commit("bronze", {"catalog/slas/loose.yaml": "x: 1\n"})
    base, head = local_merge(h, 1, {LEDGER: service("ledger", 2)})
    os.remove(h.root / GOLD)
    os.symlink("loose.yaml", h.root / GOLD)
    merged = commit_merge(h, 1, base, head)
    (reason,) = evil(h.audit_json(), merged.merge)
    assert f"(git merge-tree): {GOLD} (SLA gold) differs from the clean merge;" in reason


def test_merge_that_only_changes_a_file_mode(tmp_path: Path) -> None:
    h = start(tmp_path)
    base, head = local_merge(h, 1, {LEDGER: service("ledger", 2)})
    os.chmod(h.root / GOLD, 0o755)
    merged = commit_merge(h, 1, base, head)
    (reason,) = evil(h.audit_json(), merged.merge)
    assert f"{GOLD} (SLA gold) differs from the clean merge" in reason


def test_an_octopus_merge_fails_closed(tmp_path: Path) -> None:
    """Two pull requests and a third branch merged in one commit: the record matches
    the tree, yet nothing says the tree is the merge of its parents."""
    h = start(tmp_path)
    base, head = h.open_pull_request(1, "alice", {LEDGER: service("ledger", 2)})
    h.open_pull_request(2, "carol", {"catalog/services/shadow.yaml": service("shadow")})
    h.tick()
    h.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1 from acme/pr-1", "pr-1", "pr-2")
    merged = Merged(1, base, head, h.rev("HEAD"), h.rev("HEAD^{tree}"))
    h.approve(merged, "alice", ["bob"])
    (reason,) = evil(h.audit_json(), merged.merge)
    assert reason == (
        f"octopus merge {merged.merge[:12]} (3 parents) cannot be compared with a clean "
        "two-way merge: its content is unverified, treat it as unapproved"
    )


def test_a_merge_with_its_parents_swapped(tmp_path: Path) -> None:
    """First parent the pull request's head, second the old main, and a genuine note on
    the merge: the pull request's own commit lands on the first-parent line, where it
    is a commit nobody approved."""
    h = start(tmp_path)
    base, head = h.open_pull_request(1, "alice", {LEDGER: service("ledger", 2)})
    h.tick()
    tree = h.rev(f"{head}^{{tree}}")
    message = "Merge pull request #1 from acme/pr-1"
    swapped = h.git("commit-tree", tree, "-p", head, "-p", base, "-m", message, who="github")
    h.git("update-ref", "refs/heads/main", swapped)
    h.git("reset", "-q", "--hard", "main")
    merged = Merged(1, base, head, swapped, tree)
    h.approve(merged, "alice", ["bob"])
    doc = h.audit_json()
    assert controls(doc, head) == ["direct-commit", "no-approval-record"]
    assert row(doc, head)["violations"][0]["reason"].startswith(
        f"commit {head[:12]} by alice <alice@example.com> names no pull request"
    )
    # The merge changes nothing against its first parent: no row of its own to approve.
    assert swapped not in [r["sha"] for r in doc["rows"]]


def test_a_squash_commit_with_content_beyond_the_approved_head(tmp_path: Path) -> None:
    """One parent, GitHub's squash message, and a shadow service the head never had; the
    note is genuine for the commit's tree."""
    h = start(tmp_path)
    base, head = h.open_pull_request(1, "alice", {LEDGER: service("ledger", 2)})
    h.tick()
    h.git("checkout", "-q", head, "--", LEDGER)
    shadow = {"catalog/services/shadow.yaml": service("shadow")}
    squash = h.commit("Add ledger (#1)", shadow, "github")
    merged = Merged(1, base, head, squash, h.rev("HEAD^{tree}"))
    h.approve(merged, "alice", ["bob"])
    doc = h.audit_json()
    reasons = [v["reason"] for v in row(doc, squash)["violations"]]
    assert any(
        r.startswith(f"the approved head {head[:12]} is not a merged parent and its tree")
        for r in reasons
    ), reasons


def test_a_second_note_written_after_the_merge_replaces_the_first(tmp_path: Path) -> None:
    """The notes ref holds one note per commit: a later note naming other approvers is
    the evidence the audit judges, and one naming the author as approver is caught."""
    h = start(tmp_path)
    merged = approved_merge(h, {LEDGER: service("ledger", 2)})
    assert controls(h.audit_json(), merged.merge) == []
    h.tick()
    h.note(merged.merge, h.record(merged, "alice", ["alice"]).to_json())
    assert "approver-is-author" in controls(h.audit_json(), merged.merge)


def test_a_note_on_another_commit_with_the_same_tree(tmp_path: Path) -> None:
    """A direct push whose tree equals an approved merge's (a revert of a revert): the
    note copied onto it still names the other merge commit."""
    h = start(tmp_path)
    merged = approved_merge(h, {LEDGER: service("ledger", 2)})
    h.commit("drop ledger", {LEDGER: None})
    h.tick()
    h.git("checkout", "-q", merged.merge, "--", LEDGER)
    again = h.commit("ledger again", {})
    assert h.rev("HEAD^{tree}") == merged.tree
    h.note(again, h.record(merged, "alice", ["bob"]).to_json())
    reasons = [v["reason"] for v in row(h.audit_json(), again)["violations"]]
    assert (
        f"the note records merge commit {merged.merge[:12]} but is attached to {again[:12]}"
    ) in reasons
