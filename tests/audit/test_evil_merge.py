"""Evil merges (issue 16, item 5): a merge commit carrying content of its own.

The pull request is approved for its head and the record genuinely matches the merge's
tree; what the merge adds, drops or resolves beyond ``git merge-tree`` of its parents
was never reviewed. Each variation must show as ``evil-merge`` naming the paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.audit.scripted import History, Merged, base_files, controls, row, service
from tests.policy.prrepo import SLA_GOLD

GOLD = "catalog/slas/gold.yaml"
LEDGER = "catalog/services/ledger.yaml"
CACHE = "catalog/services/cache.yaml"


def start(tmp_path: Path) -> History:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", {**base_files(), GOLD: SLA_GOLD})
    return h


def evil(doc: dict[str, Any], sha: str) -> list[str]:
    return [v["reason"] for v in row(doc, sha)["violations"] if v["control"] == "evil-merge"]


def approved_merge(
    h: History, files: dict[str, str | None], extra: dict[str, str | None] | None = None
) -> Merged:
    """alice's PR #1 with ``files``, merged locally, and bob's genuine approval record."""
    base, head = h.open_pull_request(1, "alice", files)
    h.tick()
    merged = h.merge(1, base, head, extra=extra)
    h.approve(merged, "alice", ["bob"])
    return merged


def test_a_clean_merge_is_no_finding(tmp_path: Path) -> None:
    h = start(tmp_path)
    merged = approved_merge(h, {LEDGER: service("ledger", 2)})
    assert controls(h.audit_json(), merged.merge) == []


def test_merge_that_loosens_an_sla_of_its_own(tmp_path: Path) -> None:
    h = start(tmp_path)
    loose = SLA_GOLD.replace("resolution: 4h", "resolution: 3d")
    merged = approved_merge(h, {LEDGER: service("ledger", 2)}, extra={GOLD: loose})
    doc = h.audit_json()
    # The record matches the tree and bob may approve: only the merge's own change fails.
    assert controls(doc, merged.merge) == ["evil-merge"]
    assert evil(doc, merged.merge) == [
        f"the tree of merge {merged.merge[:12]} is not the clean merge of its parents "
        f"(git merge-tree): {GOLD} (SLA gold) differs from the clean merge; a change of its "
        "own that no approval covers"
    ]


def test_merge_that_adds_a_file_of_its_own(tmp_path: Path) -> None:
    h = start(tmp_path)
    shadow = "catalog/services/shadow.yaml"
    merged = approved_merge(h, {LEDGER: service("ledger", 2)}, extra={shadow: service("shadow")})
    (reason,) = evil(h.audit_json(), merged.merge)
    assert f"{shadow} (Service shadow) added by the merge" in reason


def test_merge_that_drops_part_of_the_pull_request(tmp_path: Path) -> None:
    h = start(tmp_path)
    merged = approved_merge(
        h,
        {LEDGER: service("ledger", 2), CACHE: service("cache", 1)},
        extra={CACHE: service("cache")},  # the cache change is silently left out
    )
    doc = h.audit_json()
    (reason,) = evil(doc, merged.merge)
    assert f": {CACHE} differs from the clean merge;" in reason
    assert LEDGER not in reason
    assert [e["name"] for e in row(doc, merged.merge)["entities"]] == ["ledger"]


def test_merge_that_deletes_a_file_of_its_own(tmp_path: Path) -> None:
    h = start(tmp_path)
    merged = approved_merge(h, {LEDGER: service("ledger", 2)}, extra={CACHE: None})
    (reason,) = evil(h.audit_json(), merged.merge)
    assert f"{CACHE} (Service cache) removed by the merge" in reason


def test_a_conflicted_merge_is_not_a_free_pass(tmp_path: Path) -> None:
    h = start(tmp_path)
    base, head = h.open_pull_request(1, "alice", {LEDGER: service("ledger", 2)})
    h.commit("meanwhile on main", {LEDGER: service("ledger", 1)})
    h.tick()
    # The merge stops on the conflict; the resolution keeps tier 4, which nobody asked for.
    merged = h.merge(1, base, head, extra={LEDGER: service("ledger", 4)})
    h.approve(merged, "alice", ["bob"])
    (reason,) = evil(h.audit_json(), merged.merge)
    assert f"(git merge-tree): {LEDGER} (Service ledger) conflict resolved in the merge;" in (
        reason
    )


def test_an_evil_merge_outside_the_itsm_files_is_out_of_scope(tmp_path: Path) -> None:
    h = start(tmp_path)
    merged = approved_merge(h, {LEDGER: service("ledger", 2)}, extra={"src/app.py": "x = 1\n"})
    assert controls(h.audit_json(), merged.merge) == []
    everything = h.audit_json("--scope", "all")
    (reason,) = evil(everything, merged.merge)
    assert "src/app.py added by the merge" in reason


def test_merge_that_drops_the_whole_pull_request_is_still_a_row(tmp_path: Path) -> None:
    # The merge's tree is its first parent's: it changes nothing, yet it is in scope.
    h = start(tmp_path)
    merged = approved_merge(h, {LEDGER: service("ledger", 2)}, extra={LEDGER: service("ledger")})
    doc = h.audit_json()
    assert row(doc, merged.merge)["entities"] == []
    (reason,) = evil(doc, merged.merge)
    assert f"{LEDGER} differs from the clean merge" in reason


def test_merge_of_an_unrelated_history_is_checked_too(tmp_path: Path) -> None:
    h = start(tmp_path)
    h.git("checkout", "-q", "--orphan", "elsewhere")
    h.git("rm", "-q", "-r", "-f", ".")
    h.commit("unrelated", {"catalog/services/orphan.yaml": service("orphan")})
    h.git("checkout", "-q", "main")
    h.tick()
    h.git_ok("merge", "-q", "--no-ff", "--no-commit", "--allow-unrelated-histories", "elsewhere")
    h.write({GOLD: SLA_GOLD.replace("resolution: 4h", "resolution: 9d")})
    h.git("add", "-A")
    h.git("commit", "-q", "-m", "Merge branch 'elsewhere'")
    doc = h.audit_json()
    (reason,) = evil(doc, h.rev("HEAD"))
    assert f"{GOLD} (SLA gold) differs from the clean merge" in reason
    assert "orphan" not in reason
