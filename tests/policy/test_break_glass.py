"""Attacks on break-glass (docs/break-glass.md): the emergency override of the rules.

The base policy is tests/policy/prrepo.py's plus ``breakGlass`` for the ``sre-oncall``
team (sam, alice, pat) and emergency changes, owing a retrospective approval from the
CAB (carol, dave, sam) or alice within 72 hours. The pull request is alice's: it adds
an emergency change to the tier-1 payments-api, which the rules would have the owners,
the CAB and on-call approve. Each attack runs the real CLI on a real repository and
asserts the verdict and the reason shown; the ones that reach main are also recorded
(``policy record``) and audited (``itsm audit``).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from itsmcode.policy.approval_record import ApprovalRecord, BreakGlassFacts
from tests.helpers import run_cli
from tests.policy.attack import MERGED_QUIETLY, audit_row, forge_note, record, violation
from tests.policy.prrepo import POLICY, POLICY_PATH, PRRepo, change, merge, rules, team

BREAK_GLASS = """\
  breakGlass:
    teams: [sre-oncall]
    changeTypes: [emergency]
    retrospective:
      within: 72h
      require: {teams: [cab], users: [alice], count: 1}
"""
GLASS_FILES = {
    POLICY_PATH: POLICY + BREAK_GLASS,
    "catalog/teams/sre-oncall.yaml": team("sre-oncall", "sam", "alice", "pat:pat@example.com"),
    "catalog/teams/cab.yaml": team("cab", "carol", "dave", "sam"),
}
CHANGE = "changes/2026/chg-1.yaml"
EMERGENCY = change("chg-1", type="emergency", services="[payments-api]")
REASON = "break-glass: payments down for every customer, INC-4711"


def glass_repo(tmp_path: Path, **files: str | None) -> PRRepo:
    repo = PRRepo(tmp_path / "r", {**GLASS_FILES, **files})
    repo.push({CHANGE: EMERGENCY})
    return repo


def glass(
    login: str, body: str = REASON, state: str = "COMMENTED", commit: str | None = None
) -> tuple[str, str, str | None, str]:
    """A review invoking break-glass (on the head unless ``commit``)."""
    return (login, state, commit, body)


def breakglass(data: Any, source: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = data["decisions"][source]["breakGlass"]
    return found


def refused(data: Any, source: int = 0) -> dict[str, str]:
    return {r["login"]: r["reason"] for r in breakglass(data, source)["refused"]}


# -- it works, and says so ------------------------------------------------------------
def test_a_member_breaks_the_glass_with_a_reason(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews())
    assert code == 1 and data["approvedBy"] is None
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 0
    assert data["approvedBy"] == "break-glass"
    used = breakglass(data)["used"]
    assert used["invoker"] == "sam"
    assert used["reason"] == "payments down for every customer, INC-4711"
    assert used["retrospectiveWithin"] == "3d"
    # The rules are still what they were: the override is visible, not hidden.
    assert rules(data)["tier-1"] == "pending"
    _, _, text = repo.check(reviews=repo.reviews(glass("sam", state="APPROVED")), fmt="text")
    assert text.exit_code == 0
    assert (
        "pull request #7 by alice: APPROVED BY BREAK-GLASS, invoked by sam: "
        "'payments down for every customer, INC-4711'" in text.output
    )
    _, _, md = repo.check(reviews=repo.reviews(glass("sam")), fmt="markdown")
    assert "approved by break-glass" in md.output and "invoked by sam" in md.output


def test_not_needed_when_the_rules_are_met(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    approvals = [("bob", "APPROVED"), ("carol", "APPROVED"), ("olga", "APPROVED")]
    code, data, _ = repo.check(reviews=repo.reviews(*approvals, glass("sam")))
    assert code == 0 and data["approvedBy"] == "rules"
    assert breakglass(data)["used"] is None


# -- who may break it ---------------------------------------------------------------------
def test_the_author_cannot_break_the_glass_for_their_own_change(tmp_path: Path) -> None:
    # alice is in sre-oncall, and the policy would even let her approve her own change.
    allow = (POLICY + BREAK_GLASS).replace("allowAuthor: false", "allowAuthor: true")
    repo = glass_repo(tmp_path, **{POLICY_PATH: allow})
    code, data, _ = repo.check(reviews=repo.reviews(glass("alice"), glass("ALICE")))
    assert code == 1 and data["approvedBy"] is None
    assert refused(data)["alice"].startswith("is the pull request's author")
    assert refused(data)["ALICE"].startswith("is the pull request's author")


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("pat@example.com", "fix"),  # pat wrote a commit
        ("alice@users.noreply.github.com", "fix\n\nCo-authored-by: Pat <pat@example.com>"),
        ("alice@users.noreply.github.com", "fix\n\nco-authored-by:   Pat <PAT@example.com>"),
    ],
)
def test_a_writer_of_the_pull_request_cannot_break_the_glass(
    tmp_path: Path, email: str, message: str
) -> None:
    repo = glass_repo(tmp_path)
    repo.push({"docs/runbook.md": "restart it\n"}, message, email=email)
    code, data, _ = repo.check(reviews=repo.reviews(glass("pat")))
    assert code == 1
    assert refused(data)["pat"] == "authored, committed or co-authored a commit of the pull request"


def test_a_committer_tied_to_no_login_refuses_break_glass(tmp_path: Path) -> None:
    # Whoever "ghost@example.com" is, it might be sam: the override is refused (and the
    # policy fails closed on the unknown identity anyway).
    allow = (POLICY + BREAK_GLASS).replace(
        "invalidateOnPush: true", "invalidateOnPush: true, allowUnknownCommitters: true"
    )
    repo = glass_repo(tmp_path, **{POLICY_PATH: allow})
    repo.push({"docs/runbook.md": "x\n"}, email="ghost@example.com")
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 1
    assert any("tied to no login" in p for p in breakglass(data)["problems"])


def test_a_non_member_cannot_break_the_glass(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("carol"), glass("samm")))
    assert code == 1
    assert refused(data)["carol"] == "is not a member of sre-oncall at the base commit"
    assert refused(data)["samm"] == "is not a member of sre-oncall at the base commit"


def test_a_member_added_by_the_pull_request_itself_does_not_count(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    repo.push({"catalog/teams/sre-oncall.yaml": team("sre-oncall", "sam", "alice", "bob")})
    code, data, _ = repo.check(reviews=repo.reviews(glass("bob")))
    assert code == 1
    assert refused(data)["bob"] == "is not a member of sre-oncall at the base commit"


# -- the policy it is judged by -----------------------------------------------------------
def test_a_pull_request_adding_break_glass_to_the_policy_gains_nothing(tmp_path: Path) -> None:
    repo = PRRepo(
        tmp_path / "r",
        {"catalog/teams/sre-oncall.yaml": GLASS_FILES["catalog/teams/sre-oncall.yaml"]},
    )
    repo.push({CHANGE: EMERGENCY, POLICY_PATH: POLICY + BREAK_GLASS})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 1
    assert refused(data, 0)["sam"] == "the base policy has no breakGlass: no override is possible"
    # The head policy has it, but break-glass never lets a policy change through.
    assert any("change to the approval policy" in p for p in breakglass(data, 1)["problems"])


def test_a_pull_request_widening_break_glass_gains_nothing(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    wider = (POLICY + BREAK_GLASS).replace("teams: [sre-oncall]", "teams: [sre-oncall, cab]")
    wider = wider.replace("changeTypes: [emergency]", "changeTypes: [emergency, normal]")
    repo.push({POLICY_PATH: wider})
    code, data, _ = repo.check(reviews=repo.reviews(glass("carol"), glass("sam")))
    assert code == 1 and data["approvedBy"] is None
    assert refused(data)["carol"] == "is not a member of sre-oncall at the base commit"
    # sam is a member, but the pull request edits the policy.
    problems = breakglass(data)["problems"]
    assert any(p.startswith("ApprovalPolicy approval-policy: break-glass cannot") for p in problems)


def test_a_normal_change_cannot_break_the_glass(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r", GLASS_FILES)
    repo.push({CHANGE: change("chg-1", services="[payments-api]")})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 1
    assert breakglass(data)["problems"] == [
        "ChangeRequest chg-1 is of type normal; break-glass allows emergency"
    ]


def test_a_pull_request_without_a_change_request_cannot_break_the_glass(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r", GLASS_FILES)
    repo.push({"docs/runbook.md": "restart\n"})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 1
    assert "it has none" in breakglass(data)["problems"][0]


def test_turning_a_normal_change_into_an_emergency_does_not_allow_break_glass(
    tmp_path: Path,
) -> None:
    normal = change("chg-1", services="[payments-api]")
    repo = PRRepo(tmp_path / "r", {**GLASS_FILES, CHANGE: normal})
    repo.push({CHANGE: EMERGENCY})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 1
    assert breakglass(data)["problems"] == [
        "ChangeRequest chg-1 is of type normal at the base commit: a pull request cannot "
        "make its own change emergency to invoke break-glass"
    ]


# -- the review that invokes it -------------------------------------------------------------
@pytest.mark.parametrize("body", ["break-glass:", "break-glass:    \n\t ", "break-glass: urgent"])
def test_a_reason_is_required(tmp_path: Path, body: str) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", body)))
    assert code == 1
    assert refused(data)["sam"].startswith("the reason is empty or shorter than 12 characters")


@pytest.mark.parametrize(
    "body",
    [
        "LGTM. break-glass: payments down for every customer",
        "> break-glass: payments down for every customer",
        "Break-Glass: payments down for every customer",
        "BREAK-GLASS: payments down for every customer",
        "break-glass - payments down for every customer",
    ],
)
def test_the_marker_must_open_the_body_exactly(tmp_path: Path, body: str) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", body)))
    assert code == 1
    assert refused(data)["sam"] == (
        "the review does not start with the exact marker 'break-glass:' (lower case)"
    )


def test_leading_blank_lines_before_the_marker_are_fine(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", "\n\n  " + REASON)))
    assert code == 0 and data["approvedBy"] == "break-glass"


def test_break_glass_on_an_old_head_is_stale_after_a_push(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    old = repo.head
    repo.push({"docs/runbook.md": "and one more thing\n"})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", commit=old)))
    assert code == 1
    assert refused(data)["sam"] == (
        f"invoked on {old[:12]}, not the head {repo.head[:12]}: invoke it again on the head"
    )


def test_a_dismissed_or_withdrawn_break_glass_does_not_count(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", state="DISMISSED")))
    assert code == 1
    assert refused(data)["sam"] == "the break-glass review was dismissed"
    code, data, _ = repo.check(
        reviews=repo.reviews(glass("sam", state="APPROVED"), ("sam", "CHANGES_REQUESTED"))
    )
    assert code == 1
    assert refused(data)["sam"] == "withdrawn by a later CHANGES_REQUESTED review of the invoker"
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", state="CHANGES_REQUESTED")))
    assert code == 1
    assert refused(data)["sam"] == "a CHANGES_REQUESTED review cannot invoke break-glass"


def test_break_glass_does_not_lift_a_freeze_or_a_closed_failure(tmp_path: Path) -> None:
    # A normal change in the year-end freeze: blocked whatever is invoked.
    policy = (POLICY + BREAK_GLASS).replace("changeTypes: [emergency]", "changeTypes: [normal]")
    repo = PRRepo(tmp_path / "r", {**GLASS_FILES, POLICY_PATH: policy})
    repo.push({CHANGE: change("chg-1", services="[payments-api]")})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")), now="2026-12-20T12:00:00+01:00")
    assert code == 1 and data["approvedBy"] is None
    assert data["decisions"][0]["freeze"]["blocking"] == ["ChangeRequest chg-1"]
    assert breakglass(data)["used"] is None


# -- record and audit -----------------------------------------------------------------------
def test_break_glass_is_recorded_and_audited_with_its_retrospective_due(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    reviews = repo.reviews(glass("sam"))
    sha = merge(repo, MERGED_QUIETLY)
    note = record(repo, sha, reviews)
    assert note.decision == "approved"
    assert note.break_glass is not None
    assert note.break_glass.invoker == "sam"
    assert note.break_glass.reason == "payments down for every customer, INC-4711"
    assert note.break_glass.within == "3d"
    assert note.break_glass.deadline.isoformat() == "2026-11-27T12:00:00+01:00"
    # Within the deadline the audit shows the use, its retrospective pending.
    row = audit_row(repo, sha, now="2026-11-25T00:00:00Z")
    assert row["reevaluatedDecision"] == "approved"
    assert row["breakGlass"]["invoker"] == "sam"
    assert row["breakGlass"]["valid"] is True
    assert row["breakGlass"]["deadline"] == "2026-11-27T12:00:00+01:00"
    assert row["breakGlass"]["retrospective"]["status"] == "pending"
    assert [v["control"] for v in row["violations"]] == []
    # After it, with no retrospective, it is overdue.
    row = audit_row(repo, sha)
    assert row["breakGlass"]["retrospective"]["status"] == "overdue"
    reason = violation(row, "break-glass-retrospective-overdue")
    assert reason.startswith(
        "break-glass by sam merged 2026-11-24T12:00:00+01:00; no retrospective"
    )
    assert "1 from any of team cab, user alice" in reason
    assert "deadline 2026-11-27T12:00:00+01:00" in reason


def test_a_refused_break_glass_is_recorded_as_not_approved(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    reviews = repo.reviews(glass("alice"))
    sha = merge(repo, MERGED_QUIETLY)
    note = record(repo, sha, reviews)
    assert note.decision == "not-approved" and note.break_glass is None


def retrospective(repo: PRRepo, when: str, *approvers: str) -> str:
    """A later pull request by bob that adds chg-1's spec.review, approved by
    ``approvers`` and merged (and recorded) at ``when``."""
    repo.git("checkout", "-q", "-B", "pr", "main")
    repo.base = repo.head = repo.git("rev-parse", "HEAD")
    review = "review: {summary: Restarted the pool; add an alert., reviewedAt: 2026-11-25}\n"
    repo.push(
        {CHANGE: EMERGENCY.replace("  status: planned\n", "  status: planned\n  " + review)},
        email="bob@example.com",
    )
    reviews = repo.reviews(*[(a, "APPROVED") for a in approvers])
    sha = merge(repo, when)
    record(repo, sha, reviews, repo.event(author="bob"))
    return sha


def glass_merged(tmp_path: Path) -> tuple[PRRepo, str]:
    repo = glass_repo(tmp_path)
    reviews = repo.reviews(glass("sam"))
    sha = merge(repo, MERGED_QUIETLY)
    record(repo, sha, reviews)
    return repo, sha


def test_a_retrospective_in_time_closes_the_clock(tmp_path: Path) -> None:
    repo, sha = glass_merged(tmp_path)
    retro = retrospective(repo, "2026-11-25T09:00:00+01:00", "carol", "alice")
    row = audit_row(repo, sha)
    status = row["breakGlass"]["retrospective"]
    assert status["status"] == "approved"
    assert status["approvedIn"] == retro
    # alice wrote the break-glass change: her approval of the retrospective is not counted.
    assert status["approvedBy"] == ["carol"]
    assert "break-glass-retrospective-overdue" not in [v["control"] for v in row["violations"]]


@pytest.mark.parametrize("approver", ["sam", "alice"])
def test_the_invoker_or_the_author_cannot_approve_the_retrospective(
    tmp_path: Path, approver: str
) -> None:
    # sam is in the CAB and alice is named: both are in require's pool, both are barred.
    repo, sha = glass_merged(tmp_path)
    retro = retrospective(repo, "2026-11-25T09:00:00+01:00", approver)
    notes = json.loads(repo.git("notes", "--ref=itsmcode", "show", retro))
    assert [a["login"] for a in notes["approvers"]] == [approver]  # it was recorded
    row = audit_row(repo, sha)
    assert row["breakGlass"]["retrospective"]["status"] == "overdue"
    reason = violation(row, "break-glass-retrospective-overdue")
    assert "1 later change(s) added spec.review without them" in reason


def test_a_retrospective_after_the_deadline_is_reported(tmp_path: Path) -> None:
    repo, sha = glass_merged(tmp_path)
    retro = retrospective(repo, "2026-11-28T09:00:00+01:00", "carol")
    row = audit_row(repo, sha)
    assert row["breakGlass"]["retrospective"]["status"] == "late"
    reason = violation(row, "break-glass-retrospective-overdue")
    assert reason == (
        "break-glass by sam merged 2026-11-24T12:00:00+01:00; its retrospective approval "
        f"landed in {retro[:12]} at 2026-11-28T09:00:00+01:00, after the 3d deadline "
        "2026-11-27T12:00:00+01:00"
    )


def forge_glass(repo: PRRepo, sha: str, invoker: str) -> None:
    """A note claiming the merge passed on break-glass by ``invoker``."""
    forge_note(repo, sha, [])
    note = ApprovalRecord.from_json(repo.git("notes", "--ref=itsmcode", "show", sha))
    claimed = BreakGlassFacts(
        invoker=invoker,
        reason="payments down for every customer",
        submitted_at=note.evaluated_at - timedelta(hours=1),
        commit=repo.head,
        within="72h",
        deadline=note.evaluated_at + timedelta(hours=72),
    )
    forged = note.model_copy(update={"break_glass": claimed})
    identity = ["-c", "user.name=Mallory", "-c", "user.email=mallory@example.com"]
    repo.git(*identity, "notes", "--ref=itsmcode", "add", "-f", "-m", forged.to_json(), sha)


@pytest.mark.parametrize(
    ("policy", "invoker", "why"),
    [
        (POLICY, "sam", "the base policy has no breakGlass: no override is possible"),
        (POLICY + BREAK_GLASS, "alice", "is the pull request's author"),
        (POLICY + BREAK_GLASS, "carol", "is not a member of sre-oncall at the base commit"),
    ],
)
def test_a_break_glass_the_policy_did_not_allow_is_not_valid(
    tmp_path: Path, policy: str, invoker: str, why: str
) -> None:
    repo = PRRepo(tmp_path / "r", {**GLASS_FILES, POLICY_PATH: policy})
    repo.push({CHANGE: EMERGENCY})
    sha = merge(repo, MERGED_QUIETLY)
    forge_glass(repo, sha, invoker)
    row = audit_row(repo, sha)
    assert row["reevaluatedDecision"] == "not-approved"
    assert row["breakGlass"]["valid"] is False
    assert row["breakGlass"]["retrospective"]["status"] == "not-applicable"
    reason = violation(row, "approval-not-valid")
    assert f"break-glass by {invoker} not counted ({why}" in reason


def test_the_audit_text_names_the_use(tmp_path: Path) -> None:
    repo, sha = glass_merged(tmp_path)
    result = run_cli(["audit", "--now", "2026-11-25T00:00:00Z"], cwd=repo.root)
    assert result.exit_code == 0, result.output
    assert sha[:12] in result.output
    assert (
        "  break-glass by sam: 'payments down for every customer, INC-4711'; retrospective "
        "pending, due 2026-11-27T12:00:00+01:00\n"
    ) in result.output
