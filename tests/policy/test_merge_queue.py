"""The approval gate on GitHub's merge queue (``merge_group`` ``checks_requested``).

Each test queues pull requests on a real repository (the queue's branch made as GitHub
makes it: a merge or a squash commit per pull request on top of the base), writes the
``merge_group`` payload and the per-pull request files the workflow assembles with
``gh api``, and runs the real ``itsm policy check``. The attacks: a group whose head
holds a commit of no pull request, an approval gone stale between enqueue and group
build, a freeze or a spent error budget in between, a pull request of the group
changing the policy, and a head_ref naming a pull request whose head differs from what
the group holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.policy.mergequeue import Pull, build_group, check_group, open_pull, queued_file
from tests.policy.prrepo import FROZEN, POLICY, POLICY_PATH, PRRepo, change

DOC_A = {"docs/a.md": "How to restart the wiki.\n"}
DOC_B = {"docs/b.md": "How to page on-call.\n"}


def approved_pull(repo: PRRepo, number: int, files: dict[str, str | None]) -> Pull:
    pull = open_pull(repo, number, files)
    pull.reviews = [("bobby", "APPROVED")]
    return pull


def verdicts(data: dict[str, object]) -> dict[int, bool]:
    pulls = data["pullRequests"]
    assert isinstance(pulls, list)
    return {p["pullRequest"]["number"]: p["approved"] for p in pulls}


@pytest.mark.parametrize("method", ["merge", "squash"])
def test_a_group_of_approved_pull_requests_passes(tmp_path: Path, method: str) -> None:
    repo = PRRepo(tmp_path / "r")
    a, b = approved_pull(repo, 11, DOC_A), approved_pull(repo, 12, DOC_B)
    head = build_group(repo, [a, b], method)
    code, data, _ = check_group(repo, [a, b], head)
    assert code == 0, data
    assert data["schema"] == "itsmcode/policy-merge-group/v1"
    assert data["problems"] == []
    assert [e["number"] for e in data["entries"]] == [11, 12]
    assert data["entries"][-1]["commit"] == head
    assert verdicts(data) == {11: True, 12: True}
    # Each pull request is judged on its own changes on top of the group's base.
    assert [c["path"] for c in data["pullRequests"][1]["changes"]] == ["docs/b.md"]
    assert data["pullRequests"][1]["pullRequest"]["base"] == data["mergeGroup"]["baseSha"]
    # The order the pull requests are given in does not matter.
    code, data, result = check_group(repo, [b, a], head, last=12, fmt="text")
    assert code == 0
    assert f"merge group {head[:12]} into main (#11, #12): APPROVED" in result.output


def test_a_commit_in_no_pull_request_fails_the_group(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    a = approved_pull(repo, 11, DOC_A)
    head = build_group(repo, [a], extra={"catalog/teams/cab.yaml": "# gone\n"})
    code, data, _ = check_group(repo, [a], head)
    assert code == 1
    assert verdicts(data) == {11: True}  # the pull request itself is fine
    assert data["problems"] == [
        f"the group's head {head[:12]} holds commits that land no queued pull request "
        f"({head[:12]}): nobody approved them, the group fails closed"
    ]


def test_a_second_pull_request_the_payload_does_not_name_is_found_out(tmp_path: Path) -> None:
    # The workflow found only #12 (the head_ref's): #11's entry is then unaccounted for.
    repo = PRRepo(tmp_path / "r")
    a, b = approved_pull(repo, 11, DOC_A), approved_pull(repo, 12, DOC_B)
    head = build_group(repo, [a, b])
    code, data, _ = check_group(repo, [b], head)
    assert code == 1
    assert any("holds commits that land no queued pull request" in p for p in data["problems"])


def test_an_approval_gone_stale_between_enqueue_and_group_build(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    a = approved_pull(repo, 11, DOC_A)
    approved_head = a.head
    a.head = repo.push({"docs/a.md": "Something else entirely.\n"})
    a.reviews = [("bobby", "APPROVED", approved_head)]
    head = build_group(repo, [a])
    code, data, _ = check_group(repo, [a], head)
    assert code == 1 and data["problems"] == []
    ignored = data["pullRequests"][0]["decisions"][0]["ignoredApprovals"]
    assert ignored == [
        {"login": "bobby", "reason": f"approved {approved_head[:12]}, not the head {a.head[:12]}"}
    ]


def test_changes_requested_after_enqueue_counts_at_group_build(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    a = approved_pull(repo, 11, DOC_A)
    head = build_group(repo, [a])
    assert check_group(repo, [a], head)[0] == 0
    a.reviews = [("bobby", "APPROVED"), ("bobby", "CHANGES_REQUESTED")]
    code, data, _ = check_group(repo, [a], head)
    assert code == 1
    assert data["pullRequests"][0]["decisions"][0]["rules"][-1]["missing"] == [
        "1 approval from any team member"
    ]


def test_a_freeze_starting_between_approval_and_group_build(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    pull = open_pull(repo, 11, {"changes/2026/chg-5.yaml": change("chg-5")})
    pull.reviews = [("bobby", "APPROVED")]
    head = build_group(repo, [pull])
    code, _, _ = check_group(repo, [pull], head)  # approved before the freeze
    assert code == 0
    code, _, result = check_group(repo, [pull], head, now=FROZEN, fmt="text")
    assert code == 1
    assert "✗ freeze change-freezes/year-end is in force: refused for ChangeRequest chg-5" in (
        result.output
    )
    assert f"merge group {head[:12]} into main (#11): NOT APPROVED" in result.output


def test_a_pull_request_changing_the_policy_does_not_judge_the_others(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    laxer = POLICY.replace("require: {teams: [cab], count: 2}", "require: {count: 1}")
    policy = open_pull(repo, 11, {POLICY_PATH: laxer})
    policy.reviews = [("gina", "APPROVED"), ("gus", "APPROVED")]
    risky = open_pull(repo, 12, {"changes/2026/chg-9.yaml": change("chg-9", risk="high")})
    risky.reviews = [("bobby", "APPROVED")]
    head = build_group(repo, [policy, risky])
    code, data, _ = check_group(repo, [policy, risky], head)
    assert code == 1 and data["problems"] == []
    assert verdicts(data) == {11: True, 12: False}
    decision = data["pullRequests"][1]["decisions"]
    assert len(decision) == 1  # the base's policy alone, not #11's
    high = next(r for r in decision[0]["rules"] if r["name"] == "high-risk")
    assert high["status"] == "pending"
    assert high["missing"] == ["2 approvals from team cab"]


def test_a_head_ref_naming_a_pull_request_whose_head_differs(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    a = approved_pull(repo, 11, DOC_A)
    head = build_group(repo, [a])
    # After the group was built, #11's head moved (and was approved there): the group
    # still holds the old head, so what would land is not what was approved.
    repo.git("checkout", "-q", "pr-11")
    a.head = repo.push({"docs/a.md": "Approved text.\n"})
    code, data, _ = check_group(repo, [a], head)
    assert code == 1
    assert data["problems"] == [
        f"pull request #11 at its current head {a.head[:12]} is not what the group holds "
        "(its head moved after it was queued, or it is no part of this group): the group "
        "fails closed",
        f"the group's head {head[:12]} holds commits that land no queued pull request "
        f"({head[:12]}): nobody approved them, the group fails closed",
    ]


def test_a_head_ref_naming_a_pull_request_not_given_fails_closed(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    a = approved_pull(repo, 11, DOC_A)
    head = build_group(repo, [a])
    code, data, _ = check_group(repo, [a], head, last=99)
    assert code == 1
    assert data["problems"][0] == (
        "the group's head_ref names pull request #99, whose data was not given (--queued): "
        "the group cannot be judged, it fails closed"
    )


def test_a_pull_request_into_another_branch_fails_the_group(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    a = approved_pull(repo, 11, DOC_A)
    a.base_ref = "release"
    head = build_group(repo, [a])
    code, data, _ = check_group(repo, [a], head)
    assert code == 1
    assert data["problems"] == [
        "pull request #11 targets release, not the group's base branch main"
    ]


def test_break_glass_works_in_the_queue_too(tmp_path: Path) -> None:
    from tests.policy.test_break_glass import EMERGENCY, GLASS_FILES, REASON

    repo = PRRepo(tmp_path / "r", GLASS_FILES)
    pull = open_pull(repo, 11, {"changes/2026/chg-1.yaml": EMERGENCY})
    pull.reviews = [("sam", "COMMENTED", None, REASON)]
    head = build_group(repo, [pull])
    code, data, _ = check_group(repo, [pull], head)
    assert code == 0
    assert data["pullRequests"][0]["approvedBy"] == "break-glass"


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    a = approved_pull(repo, 11, DOC_A)
    head = build_group(repo, [a])
    base = repo.git("rev-parse", "main")
    from tests.policy.mergequeue import merge_group_event

    event = merge_group_event(repo, 11, head, base)
    result = run_cli(["policy", "check", "--repo", str(repo.root), "--event", str(event)])
    assert result.exit_code == 2
    assert "a merge_group --event takes its pull requests from --queued FILE" in result.output
    queued = queued_file(repo, a, base)
    result = run_cli(
        [
            "policy",
            "check",
            "--repo",
            str(repo.root),
            "--event",
            str(repo.event()),
            "--queued",
            str(queued),
        ]
    )
    assert result.exit_code == 2
    assert "--queued needs a merge_group payload as --event" in result.output
    payload = json.loads(event.read_text(encoding="utf-8"))
    payload["merge_group"]["head_ref"] = "refs/heads/gh-readonly-queue/release/pr-11-" + base
    event.write_text(json.dumps(payload), encoding="utf-8")
    result = run_cli(
        [
            "policy",
            "check",
            "--repo",
            str(repo.root),
            "--event",
            str(event),
            "--queued",
            str(queued),
        ]
    )
    assert result.exit_code == 2
    assert "merge_group.head_ref: expected refs/heads/gh-readonly-queue/main/pr-<number>-<sha>" in (
        result.output
    )
    assert "Traceback" not in result.output


BUDGET_POLICY = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {name: approval-policy}
spec:
  defaultRule: {require: {count: 1}}
  rules:
    - name: budget-spent
      when: {services: {errorBudgetSpent: true}}
      require: {teams: [service-management], count: 1}
    - name: budget-left
      when: {services: {errorBudgetSpent: false}}
      require: {teams: [oncall], count: 1}
"""


def test_an_error_budget_spent_between_approval_and_group_build(tmp_path: Path) -> None:
    from tests.policy.test_risk_gate import CONFIG, INCIDENTS, NEW, new_change

    outage = "incidents/2026/inc-3.yaml"
    calm = {path: text for path, text in INCIDENTS.items() if path != outage}
    repo = PRRepo(tmp_path / "r", {"itsm.yaml": CONFIG, POLICY_PATH: BUDGET_POLICY, **calm})
    pull = open_pull(repo, 11, {NEW: new_change()})
    pull.reviews = [("olga", "APPROVED")]  # on-call: payments-api is within its budget
    assert check_group(repo, [pull], build_group(repo, [pull]))[0] == 0
    # The hour-long outage lands on main; the queue rebuilds the group on it.
    repo.git("checkout", "-q", "main")
    repo.apply({outage: INCIDENTS[outage]})
    repo.commit("record the outage", "maintainer@example.com")
    code, data, _ = check_group(repo, [pull], build_group(repo, [pull]))
    assert code == 1 and data["problems"] == []
    statuses = {r["name"]: r for r in data["pullRequests"][0]["decisions"][0]["rules"]}
    assert statuses["budget-spent"]["status"] == "pending"
    assert statuses["budget-spent"]["missing"] == ["1 approval from team service-management"]
    assert statuses["budget-left"]["status"] == "skipped"
