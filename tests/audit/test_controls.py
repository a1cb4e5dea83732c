"""Every control of ``itsm audit`` on one scripted history (one scenario per change)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.audit.scripted import (
    STRICT_POLICY,
    History,
    Merged,
    base_files,
    change,
    controls,
    row,
    service,
)


class Scenario:
    """The history and the sha of each scripted change."""

    def __init__(self, root: Path) -> None:
        h = self.h = History(root)
        self.initial = h.commit("initial catalog", dict(base_files()))
        # 1. An approved pull request: an owner (bob) approves alice's change.
        self.approved = h.pull_request(
            1, "alice", {"catalog/services/ledger.yaml": service("ledger", tier=2)}
        )
        h.approve(self.approved, "alice", ["bob"])
        # 2. Self-approved: alice approves her own pull request.
        self.self_approved = h.pull_request(
            2, "alice", {"catalog/services/cache.yaml": service("cache", tier=2)}
        )
        h.approve(self.self_approved, "alice", ["alice"])
        # 3. A direct push to main.
        self.direct = h.commit(
            "hotfix straight on main",
            {"catalog/services/cache.yaml": service("cache", tier=1)},
            who="bob",
        )
        # 4. A merged pull request without any note.
        self.missing = h.pull_request(
            4, "alice", {"catalog/services/ledger.yaml": service("ledger", tier=1)}
        )
        # 5. A note that is not an approval record at all.
        self.malformed = h.pull_request(
            5, "bob", {"catalog/services/cache.yaml": service("cache", tier=3)}
        )
        h.note(self.malformed.merge, '{"decision": "approved"}')
        # 6. A validly shaped note naming someone who cannot approve (not in any team).
        self.forged = h.pull_request(
            6, "alice", {"catalog/services/ledger.yaml": service("ledger", tier=3)}
        )
        h.approve(self.forged, "alice", ["mallory"])
        # 7. The policy tightens (governance approves, as the old policy demands) ...
        self.policy_change = h.pull_request(
            7, "gina", {"processes/approval-policy.yaml": STRICT_POLICY}
        )
        h.approve(self.policy_change, "gina", ["hank", "ivan"])
        # ... so the same kind of approval as #1 is no longer enough.
        self.after_policy = h.pull_request(
            8, "alice", {"catalog/services/ledger.yaml": service("ledger", tier=2)}
        )
        h.approve(self.after_policy, "alice", ["bob"])
        self.after_policy_ok = h.pull_request(
            9, "alice", {"catalog/services/ledger.yaml": service("ledger", tier=3)}
        )
        h.approve(self.after_policy_ok, "alice", ["bob", "carol"])
        # 10. An emergency change whose review comes five days later (due within 48h).
        self.emergency = h.pull_request(
            10,
            "alice",
            {
                "changes/2026/chg-10.yaml": change(
                    "chg-10",
                    type_="emergency",
                    status="completed",
                    extra="""
            outcome: {finishedAt: "2026-10-05T22:30:00+00:00"}
            """,
                )
            },
        )
        h.approve(self.emergency, "alice", ["bob", "erin"])
        h.tick(24 * 5)
        self.late_review = h.pull_request(
            11,
            "carol",
            {
                "changes/2026/chg-10.yaml": change(
                    "chg-10",
                    type_="emergency",
                    status="completed",
                    extra="""
            outcome: {finishedAt: "2026-10-05T22:30:00+00:00"}
            review: {summary: Looked at it., reviewedAt: 2026-10-20}
            """,
                )
            },
        )
        h.approve(self.late_review, "carol", ["bob", "erin"])
        # 12. An emergency change reviewed in time, and one never reviewed.
        self.emergency_ok = h.pull_request(
            12,
            "alice",
            {"changes/2026/chg-12.yaml": change("chg-12", type_="emergency", status="in-progress")},
        )
        h.approve(self.emergency_ok, "alice", ["bob", "erin"])
        self.timely_review = h.pull_request(
            13,
            "carol",
            {
                "changes/2026/chg-12.yaml": change(
                    "chg-12",
                    type_="emergency",
                    status="in-progress",
                    extra="""
            review: {summary: Fine., reviewedAt: 2026-10-21}
            """,
                )
            },
        )
        h.approve(self.timely_review, "carol", ["bob", "erin"])
        self.never_reviewed = h.pull_request(
            14,
            "alice",
            {"changes/2026/chg-14.yaml": change("chg-14", type_="emergency", status="in-progress")},
        )
        h.approve(self.never_reviewed, "alice", ["bob", "erin"])
        # 15. Implemented outside its window: finished a day after the window closed.
        self.outside = h.pull_request(
            15,
            "alice",
            {
                "changes/2026/chg-15.yaml": change(
                    "chg-15",
                    status="completed",
                    extra="""
            outcome: {finishedAt: "2026-10-06T23:30:00+00:00"}
            """,
                )
            },
        )
        h.approve(self.outside, "alice", ["bob"])
        # 16. A note copied from another merge: it describes different content.
        self.mismatch = h.pull_request(
            16, "alice", {"catalog/services/cache.yaml": service("cache", tier=4)}
        )
        copied = h.record(self.approved, "alice", ["bob"])
        h.note(self.mismatch.merge, copied.to_json())
        # 17. A squash-merged pull request, found from "(#17)" in the message.
        self.squash = h.commit(
            "Tidy cache (#17)",
            {"catalog/services/cache.yaml": service("cache", tier=3)},
            who="alice",
        )


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return Scenario(tmp_path_factory.mktemp("audit") / "repo")


@pytest.fixture(scope="module")
def doc(scenario: Scenario) -> dict[str, Any]:
    return scenario.h.audit_json()


def merge(m: Merged) -> str:
    return m.merge


def test_population_is_every_first_parent_commit(scenario: Scenario, doc: dict[str, Any]) -> None:
    shas = scenario.h.git("rev-list", "--first-parent", "--reverse", "main").split()
    assert [r["sha"] for r in doc["rows"]] == shas
    assert doc["summary"]["changes"] == 18
    # The pull requests' own commits are not rows: they reached main through merges.
    assert scenario.approved.head not in {r["sha"] for r in doc["rows"]}


def test_approved_pull_request_has_full_evidence_and_no_violation(
    scenario: Scenario, doc: dict[str, Any]
) -> None:
    r = row(doc, merge(scenario.approved))
    assert r["violations"] == []
    assert r["pullRequest"] == 1 and r["pullRequestSource"] == "note"
    assert r["author"] == "github <github@example.com>"
    assert [a["login"] for a in r["approvers"]] == ["bob"]
    assert r["approvers"][0]["submittedAt"].startswith("2026-10-01")
    assert r["recordedDecision"] == "approved" and r["reevaluatedDecision"] == "approved"
    assert r["entities"] == [
        {
            "status": "modified",
            "kind": "Service",
            "name": "ledger",
            "path": "catalog/services/ledger.yaml",
            "oldPath": None,
            "oldName": None,
            "summary": "spec.tier 3 -> 2",
        }
    ]
    assert r["signature"] == "unsigned"
    assert {
        "policy": "base",
        "name": "owners",
        "status": "satisfied",
        "approvedBy": ["bob"],
        "missing": [],
    } in r["rules"]


def test_self_approval(scenario: Scenario, doc: dict[str, Any]) -> None:
    sha = merge(scenario.self_approved)
    assert controls(doc, sha) == ["approval-not-valid", "approver-is-author"]
    reasons = " ".join(v["reason"] for v in row(doc, sha)["violations"])
    assert "alice approved pull request #2, which they authored" in reasons
    assert "alice not counted (is the pull request's author)" in reasons


def test_direct_push(scenario: Scenario, doc: dict[str, Any]) -> None:
    assert controls(doc, scenario.direct) == ["direct-commit", "no-approval-record"]
    assert row(doc, scenario.direct)["kind"] == "direct-commit"
    assert controls(doc, scenario.initial) == ["direct-commit", "no-approval-record"]


def test_missing_note(scenario: Scenario, doc: dict[str, Any]) -> None:
    r = row(doc, merge(scenario.missing))
    assert controls(doc, merge(scenario.missing)) == ["no-approval-record"]
    assert r["pullRequest"] == 4 and r["pullRequestSource"] == "merge-message"


def test_malformed_note_is_no_record(scenario: Scenario, doc: dict[str, Any]) -> None:
    r = row(doc, merge(scenario.malformed))
    assert controls(doc, merge(scenario.malformed)) == ["no-approval-record"]
    assert "not a valid approval record" in r["violations"][0]["reason"]
    assert "forged" in r["violations"][0]["reason"]


def test_forged_approvers_are_re_evaluated(scenario: Scenario, doc: dict[str, Any]) -> None:
    r = row(doc, merge(scenario.forged))
    assert r["recordedDecision"] == "approved"  # the note lies ...
    assert r["reevaluatedDecision"] == "not-approved"  # ... the policy does not
    assert controls(doc, merge(scenario.forged)) == ["approval-not-valid"]
    assert "owners" in r["violations"][0]["reason"]


def test_policy_in_force_at_the_parent_decides(scenario: Scenario, doc: dict[str, Any]) -> None:
    assert controls(doc, merge(scenario.policy_change)) == []
    after = row(doc, merge(scenario.after_policy))
    assert controls(doc, merge(scenario.after_policy)) == ["approval-not-valid"]
    assert "cab-for-services" in after["violations"][0]["reason"]
    assert controls(doc, merge(scenario.after_policy_ok)) == []
    # The same approval as #1 (bob alone) was enough under the earlier policy.
    assert controls(doc, merge(scenario.approved)) == []


def test_policy_change_needs_the_old_policys_approvers(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    weakened = h.pull_request(
        1,
        "gina",
        {
            "processes/approval-policy.yaml": (
                "apiVersion: itsmcode/v1\nkind: ApprovalPolicy\nmetadata: {name: approval-policy}\n"
                "spec:\n  defaultRule: {require: {count: 1}}\n"
            )
        },
    )
    h.approve(weakened, "gina", ["bob"])
    doc = h.audit_json()
    r = row(doc, weakened.merge)
    assert controls(doc, weakened.merge) == ["approval-not-valid"]
    assert "governance" in r["violations"][0]["reason"]


def test_emergency_review_overdue(scenario: Scenario, doc: dict[str, Any]) -> None:
    late = row(doc, merge(scenario.emergency))
    assert controls(doc, merge(scenario.emergency)) == ["emergency-review-overdue"]
    assert "after the 2d deadline" in late["violations"][0]["reason"]
    assert controls(doc, merge(scenario.late_review)) == []
    assert controls(doc, merge(scenario.emergency_ok)) == []
    never = row(doc, merge(scenario.never_reviewed))
    assert controls(doc, merge(scenario.never_reviewed)) == ["emergency-review-overdue"]
    assert "no later merged change adds its spec.review" in never["violations"][0]["reason"]


def test_emergency_not_yet_due_is_not_a_violation(scenario: Scenario) -> None:
    doc = scenario.h.itsm("audit", "--format", "json", "--now", "2026-10-01T00:00:00Z")
    import json

    data = json.loads(doc.stdout)
    assert "emergency-review-overdue" not in controls(data, merge(scenario.never_reviewed))


def test_implemented_outside_window(scenario: Scenario, doc: dict[str, Any]) -> None:
    r = row(doc, merge(scenario.outside))
    assert controls(doc, merge(scenario.outside)) == ["implemented-outside-window"]
    assert (
        "chg-15 finished at 2026-10-06T23:30:00+00:00, after its window"
        in (r["violations"][0]["reason"])
    )
    assert r["changeRequests"] == ["chg-15"]
    # chg-10 finished inside its window.
    assert "implemented-outside-window" not in controls(doc, merge(scenario.emergency))


def test_note_head_mismatch(scenario: Scenario, doc: dict[str, Any]) -> None:
    r = row(doc, merge(scenario.mismatch))
    found = controls(doc, merge(scenario.mismatch))
    # Merge sha, merged tree and approved head all differ; the approvals were given to
    # another head, so with invalidateOnPush they do not count either.
    assert found == ["approval-not-valid"] + ["note-head-mismatch"] * 3
    reasons = " ".join(v["reason"] for v in r["violations"])
    assert "is attached to" in reasons and "merged tree" in reasons
    assert "is not a merged parent" in reasons


def test_squash_merge_pr_number_from_message(scenario: Scenario, doc: dict[str, Any]) -> None:
    r = row(doc, scenario.squash)
    assert r["pullRequest"] == 17 and r["pullRequestSource"] == "squash-message"
    assert controls(doc, scenario.squash) == ["no-approval-record"]


def test_exit_status(scenario: Scenario) -> None:
    assert scenario.h.itsm("audit", "--format", "csv").exit_code == 0
    failing = scenario.h.itsm("audit", "--fail-on-violation", "--format", "csv")
    assert failing.exit_code == 1
    clean = scenario.h.itsm(
        "audit",
        "--fail-on-violation",
        "--range",
        f"{scenario.approved.base}..{scenario.approved.merge}",
    )
    assert clean.exit_code == 0, clean.output
    assert "1 change (1 pull request, 0 direct commits), 0 violations" in clean.stdout


def test_since_until_and_range_select_the_population(scenario: Scenario) -> None:
    h = scenario.h
    doc = h.audit_json("--since", "2026-10-01T12:30:00Z", "--until", "2026-10-01T14:30:00Z")
    dates = [r["date"] for r in doc["rows"]]
    assert dates and all("2026-10-01T12:30" <= d[:16] <= "2026-10-01T14:30" for d in dates)
    assert doc["header"]["since"] == "2026-10-01T12:30:00+00:00"
    ranged = h.audit_json("--range", f"{scenario.forged.merge}..{scenario.after_policy.merge}")
    assert [r["pullRequest"] for r in ranged["rows"]] == [7, 8]
    assert ranged["header"]["range"] == f"{scenario.forged.merge}..{scenario.after_policy.merge}"


def test_the_merger_may_approve_but_a_commit_author_may_not(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    # bob approves and presses "merge": the merge commit's author is bob. Fine.
    base = h.rev("main")
    h.git("checkout", "-q", "-b", "pr-1")
    head = h.commit(
        "alice's change", {"catalog/services/ledger.yaml": service("ledger", 2)}, who="alice"
    )
    h.git("checkout", "-q", "main")
    h.git("merge", "-q", "--no-ff", "pr-1", "-m", "Merge pull request #1 from acme/pr-1", who="bob")
    merged = Merged(1, base, head, h.rev("HEAD"), h.rev("HEAD^{tree}"))
    h.approve(merged, "alice", ["bob"])
    # alice opens #2, but the commit in it is bob's, and bob approves it.
    coauthored = h.pull_request(2, "bob", {"catalog/services/cache.yaml": service("cache", 2)})
    h.approve(coauthored, "alice", ["bob"])
    doc = h.audit_json()
    assert controls(doc, merged.merge) == []
    found = row(doc, coauthored.merge)["violations"]
    assert [v["control"] for v in found] == ["approval-not-valid", "approver-is-author"]
    assert "bob approved a change whose commit they authored" in found[1]["reason"]
    assert "authored or committed a commit of the PR" in found[0]["reason"]
