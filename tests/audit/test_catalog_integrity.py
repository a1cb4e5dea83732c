"""The audit re-judges merges with the gate's own gathering (policy/integrity.py): a
merge that left a duplicate name, an unloadable file or a link is not approved, and
the audit's incremental catalogs forget the problem once a later merge removes it."""

from __future__ import annotations

from pathlib import Path

from tests.audit.scripted import History, Merged, base_files, controls, row, service


def reasons(doc: dict[str, object], sha: str) -> list[str]:
    violations = row(doc, sha)["violations"]
    return [v["reason"] for v in violations if v["control"] == "approval-not-valid"]


def test_a_duplicate_is_flagged_until_a_later_merge_removes_it(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    # alice adds a second 'ledger' (tier 1) sorting before the real one; bob approves.
    decoy = h.pull_request(1, "alice", {"catalog/services/a-ledger.yaml": service("ledger", 1)})
    h.approve(decoy, "alice", ["bob"])
    cleanup = h.pull_request(2, "alice", {"catalog/services/a-ledger.yaml": None})
    h.approve(cleanup, "alice", ["bob"])
    edit = h.pull_request(3, "alice", {"catalog/services/cache.yaml": service("cache", 2)})
    h.approve(edit, "alice", ["bob"])
    doc = h.audit_json()
    (reason,) = reasons(doc, decoy.merge)
    assert (
        "Service 'ledger' is defined by 2 files (catalog/services/a-ledger.yaml, "
        "catalog/services/ledger.yaml)" in reason
    )
    assert controls(doc, cleanup.merge) == []
    assert controls(doc, edit.merge) == []


def test_an_unloadable_and_a_linked_file_are_flagged(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    broken = h.pull_request(
        1, "alice", {"catalog/services/cache.yaml": service("cache") + "  tier: 1\n"}
    )
    h.approve(broken, "alice", ["bob"])
    base = h.rev("main")
    h.git("checkout", "-q", "-b", "pr-2")
    (h.root / "catalog/services/mirror.yaml").symlink_to("ledger.yaml")
    head = h.commit("mirror ledger", {}, "alice")
    h.git("checkout", "-q", "main")
    h.tick()
    h.git("merge", "-q", "--no-ff", "pr-2", "-m", "Merge pull request #2 from acme/pr-2")
    linked = Merged(2, base, head, h.rev("HEAD"), h.rev("HEAD^{tree}"))
    h.approve(linked, "alice", ["bob"])
    doc = h.audit_json()
    (reason,) = reasons(doc, broken.merge)
    assert "catalog/services/cache.yaml (Service cache) does not load" in reason
    assert "(duplicate-key)" in reason
    (reason,) = reasons(doc, linked.merge)
    assert "catalog/services/mirror.yaml: symbolic link; git stores the link" in reason


def test_a_control_character_in_a_path_is_flagged_as_in_the_gate(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    odd = h.pull_request(1, "alice", {"processes/a\nb.txt": "hello\n"})
    h.approve(odd, "alice", ["bob"])
    (reason,) = reasons(h.audit_json(), odd.merge)
    assert "changed path 'processes/a\\nb.txt' holds a control character (U+000A)" in reason
