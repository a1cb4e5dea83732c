"""Was the change authorized *before* it went in? (security review, finding 3)

An approval submitted after the merge commit's committer date authorized nothing: the
audit leaves it out of the re-evaluation and names it under ``approved-after-merge``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from itsmcode.policy.approval_record import Approval, ApprovalRecord
from tests.audit.scripted import History, Merged, base_files, controls, row, service


def history(tmp_path: Path) -> tuple[History, Merged]:
    """alice changes ledger (owned by payments: alice, bob): bob must approve."""
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    merged = h.pull_request(1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)})
    return h, merged


def merged_at(h: History, merged: Merged) -> datetime:
    return datetime.fromisoformat(h.git("log", "-1", "--format=%cI", merged.merge))


def noted(h: History, merged: Merged, *approvals: tuple[str, datetime | None]) -> None:
    """A record listing these approvals (as itsmcode before the fix wrote them)."""
    listed = [
        Approval(login=login, submitted_at=when, commit=merged.head) for login, when in approvals
    ]
    record = h.record(merged, "alice", []).model_copy(update={"approvers": listed})
    h.note(merged.merge, record.to_json())


def reasons(doc: dict[str, Any], sha: str, control: str) -> list[str]:
    return [v["reason"] for v in row(doc, sha)["violations"] if v["control"] == control]


def test_the_only_approval_after_the_merge_is_flagged(tmp_path: Path) -> None:
    h, merged = history(tmp_path)
    landed = merged_at(h, merged)
    # The repro: merged, then bob approves three days later, and the note says approved.
    noted(h, merged, ("bob", landed + timedelta(days=3, hours=2, minutes=30)))
    doc = h.audit_json()
    r = row(doc, merged.merge)
    assert r["recordedDecision"] == "approved"
    assert r["reevaluatedDecision"] == "not-approved"
    assert controls(doc, merged.merge) == ["approval-not-valid", "approved-after-merge"]
    late = reasons(doc, merged.merge, "approved-after-merge")
    assert late == [
        "recorded approvals of pull request #1 that did not authorize it before it merged: "
        f"bob (approved at {(landed + timedelta(days=3, hours=2, minutes=30)).isoformat()}, "
        f"after the merge at {landed.isoformat()})"
    ]
    (invalid,) = reasons(doc, merged.merge, "approval-not-valid")
    assert "owners" in invalid and "bob not counted (approved at" in invalid
    # The evidence still shows what the note claims.
    assert [a["login"] for a in r["approvers"]] == ["bob"]


def test_an_approval_before_the_merge_passes(tmp_path: Path) -> None:
    h, merged = history(tmp_path)
    landed = merged_at(h, merged)
    noted(h, merged, ("bob", landed - timedelta(minutes=5)))
    doc = h.audit_json()
    assert controls(doc, merged.merge) == []
    assert row(doc, merged.merge)["reevaluatedDecision"] == "approved"


def test_an_approval_at_the_merge_second_passes(tmp_path: Path) -> None:
    h, merged = history(tmp_path)
    noted(h, merged, ("bob", merged_at(h, merged)))
    assert controls(h.audit_json(), merged.merge) == []


def test_an_approval_without_a_time_is_flagged(tmp_path: Path) -> None:
    h, merged = history(tmp_path)
    noted(h, merged, ("bob", None))
    doc = h.audit_json()
    assert controls(doc, merged.merge) == ["approval-not-valid", "approved-after-merge"]
    (late,) = reasons(doc, merged.merge, "approved-after-merge")
    assert "bob (approval without a submission time" in late


def test_a_late_approval_beside_enough_early_ones_is_still_named(tmp_path: Path) -> None:
    h, merged = history(tmp_path)
    landed = merged_at(h, merged)
    noted(h, merged, ("bob", landed - timedelta(hours=1)), ("carol", landed + timedelta(hours=1)))
    doc = h.audit_json()
    assert row(doc, merged.merge)["reevaluatedDecision"] == "approved"
    assert controls(doc, merged.merge) == ["approved-after-merge"]
    (late,) = reasons(doc, merged.merge, "approved-after-merge")
    assert "carol (approved at" in late and "bob" not in late


def test_a_time_without_an_offset_is_utc_not_a_crash(tmp_path: Path) -> None:
    h, merged = history(tmp_path)
    landed = merged_at(h, merged).astimezone(timezone.utc).replace(tzinfo=None)
    text = h.record(merged, "alice", []).to_json()
    data = json.loads(text)
    data["approvers"] = [
        {"login": "bob", "commit": merged.head, "submittedAt": f"{landed:%Y-%m-%dT%H:%M:%S}"},
        {"login": "carol", "commit": merged.head, "submittedAt": "2026-12-01T00:00:00"},
    ]
    h.note(merged.merge, json.dumps(data))
    doc = h.audit_json()
    assert controls(doc, merged.merge) == ["approved-after-merge"]


def test_policy_record_then_audit(tmp_path: Path) -> None:
    """End to end: the record job sees only a late approval; the audit agrees."""
    h, merged = history(tmp_path)
    landed = merged_at(h, merged)
    event = tmp_path / "pull.json"
    event.write_text(
        json.dumps(
            {
                "number": 1,
                "user": {"login": "alice"},
                "base": {"ref": "main", "sha": merged.base},
                "head": {"ref": "pr-1", "sha": merged.head},
                "merged": True,
                "merge_commit_sha": merged.merge,
            }
        )
    )
    reviews = tmp_path / "reviews.json"
    record_args = ("policy", "record", "--merge", merged.merge, "--event", str(event), "--reviews")
    late = (landed + timedelta(days=3)).isoformat()
    reviews.write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "user": {"login": "bob"},
                    "state": "APPROVED",
                    "commit_id": merged.head,
                    "submitted_at": late,
                }
            ]
        )
    )
    result = h.itsm(*record_args, str(reviews))
    assert result.exit_code == 0, result.output
    written = ApprovalRecord.from_json(result.stdout)
    assert written.decision == "not-approved" and written.approvers == []
    assert "approval by 'bob'" in result.stderr
    doc = h.audit_json()
    assert row(doc, merged.merge)["recordedDecision"] == "not-approved"
    assert controls(doc, merged.merge) == ["approval-not-valid"]
    # Had bob approved before the merge, both would say approved.
    reviews.write_text(reviews.read_text().replace(late, (landed - timedelta(hours=1)).isoformat()))
    again = h.itsm(*record_args, str(reviews))
    assert again.exit_code == 0, again.output
    assert ApprovalRecord.from_json(again.stdout).decision == "approved"
    assert controls(h.audit_json(), merged.merge) == []


def test_a_record_with_an_invalid_author_fails_closed(tmp_path: Path) -> None:
    # Finding 7 in the audit: a forged note whose author is no valid login would let the
    # author's own approval count, and approver-is-author could not see it either.
    h, merged = history(tmp_path)
    record = h.record(merged, " alice", ["alice"])
    h.note(merged.merge, record.to_json())
    doc = h.audit_json()
    assert "approval-not-valid" in controls(doc, merged.merge)
    (invalid,) = reasons(doc, merged.merge, "approval-not-valid")
    assert "' alice' is not a valid GitHub login" in invalid
