"""Re-attack of policy.md property 12 (docs/security.md, "Re-attacked") by someone who
can push to main and to the notes ref: merges test_evil_merge.py, test_dates.py and
test_rewrites.py do not try. Each must show in the audit, with the reason."""

from __future__ import annotations

import os
from pathlib import Path

from tests.audit.scripted import History, Merged, controls, row, service
from tests.audit.test_dates import approved_by, at, change_request_pr, frozen_files, reasons
from tests.audit.test_evil_merge import GOLD, LEDGER, approved_merge, evil, start
from tests.audit.test_rewrites import audited, rewritten, run


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


# -- dates -----------------------------------------------------------------------------


def test_a_merge_dated_exactly_at_the_skew_bound_is_still_judged_when_it_landed(
    tmp_path: Path,
) -> None:
    """PR #2 merges at 13:10, inside the noon freeze, dated 11:55: exactly SKEW before its
    parent landed (12:10), before the freeze. Within the tolerance there is no
    implausible-date, yet the merge is judged at its parent's time, in the freeze."""
    h = History(tmp_path / "repo")
    h.commit("initial catalog", frozen_files())  # 10:00
    _, head = change_request_pr(h)  # 11:00
    inside = h.pull_request(
        1, "alice", {"catalog/services/cache.yaml": service("cache", 2)}, hours=1 / 6
    )
    h.approve(inside, "alice", ["bob"])  # merged 12:10, in the freeze (a service: allowed)
    h.tick()
    merged = h.merge(2, h.rev("main"), head, dated=at("2026-10-01T11:55:00"))
    approved_by(h, merged, "bob", at("2026-10-01T11:10:00"))
    doc = h.audit_json()
    assert controls(doc, merged.merge) == ["approval-not-valid"]
    (invalid,) = reasons(doc, merged.merge, "approval-not-valid")
    assert "freeze change-freezes/noon-freeze: ChangeRequest chg-1" in invalid
    assert "  landed at: 2026-10-01T12:10:00+00:00 (not its committer date)\n" in (
        h.itsm("audit").stdout
    )


def test_a_notes_commit_dated_before_the_merge_is_named(tmp_path: Path) -> None:
    """PR #2 merges honestly at 12:00, in the freeze; the record is written by a notes
    commit dated 11:30 so the merge would be judged before the freeze. The notes date
    does bound the merge (it is the trace of a forward-dated one), so the merge's own
    date is named implausible: the audit does not pass it silently."""
    h = History(tmp_path / "repo")
    h.commit("initial catalog", frozen_files())  # 10:00
    base, head = change_request_pr(h)  # 11:00
    h.tick()  # 12:00
    merged = h.merge(2, base, head)
    record = h.record(merged, "alice", ["bob"]).to_json()
    h.git(
        "notes", "--ref=itsmcode", "add", "-m", record, merged.merge, when=at("2026-10-01T11:30:00")
    )
    doc = h.audit_json()
    assert reasons(doc, merged.merge, "implausible-date") == [
        "committed at 2026-10-01T12:00:00+00:00, after the notes commit that wrote its "
        "approval record (2026-10-01T11:30:00+00:00): dated in the future, judged as landed "
        "at 2026-10-01T11:30:00+00:00"
    ]


# -- the ledger ------------------------------------------------------------------------


def test_a_head_pushed_back_and_rewritten_again_is_reported_again(tmp_path: Path) -> None:
    """The audited head is force-pushed away and the rewrite acknowledged; later main is
    reset to that very head, audited again, and force-pushed away a second time. The
    acknowledgement explained the first rewrite, not this one."""
    h, ledger, _, head = audited(tmp_path)
    h.git("reset", "-q", "--hard", "HEAD~1")
    stray = h.commit("bad push", {"catalog/services/cache.yaml": service("cache", 4)})
    (first,) = rewritten(run(h, ledger))
    assert first.startswith(f"the head {head[:12]} audited at")
    assert rewritten(run(h, ledger, "--acknowledge-rewrite", head, "--reason", "INC-1")) == []
    h.git("reset", "-q", "--hard", head)  # pushed back: the stray head leaves the line
    (back,) = rewritten(run(h, ledger))
    assert back.startswith(f"the head {stray[:12]} audited at")
    assert rewritten(run(h, ledger, "--acknowledge-rewrite", stray, "--reason", "INC-2")) == []
    assert rewritten(run(h, ledger)) == []  # head is audited again, on the line
    h.git("reset", "-q", "--hard", "HEAD~1")
    h.commit("second bad push", {"catalog/services/cache.yaml": service("cache", 2)})
    (again,) = rewritten(run(h, ledger, "--fail-on-violation"))
    assert again.startswith(f"the head {head[:12]} audited at")
    assert "is not an ancestor of main" in again
    # Acknowledged again, it is explained again.
    assert rewritten(run(h, ledger, "--acknowledge-rewrite", head, "--reason", "INC-3")) == []
    assert rewritten(run(h, ledger)) == []
