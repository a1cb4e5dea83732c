"""``changeRequest.computedRisk`` and ``services.errorBudgetSpent`` in the real gate.

The base holds the evidence: payments-api (tier 1, gold 99.9 % over 30 days) with
checkout depending on it, five changes in the autumn of which two failed, three recent
incidents, one with an hour of downtime. A pull request adding a change on payments-api
for 2026-11-30 22:00 scores, by hand (docs/risk.md): tier 1 30 + one dependent 2 +
service failure rate 2/5 15 + three incidents 15 = 62, high. Every attack below edits
that evidence in the pull request and must leave the score (and the verdict) alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.policy.prrepo import POLICY_PATH, PRRepo, rule, rules, service
from tests.reports.planted import completed_change, incident

CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: test-org}
spec:
  timezone: Europe/Berlin
  practices: [catalog, sla, change, incident]
"""
POLICY = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {name: approval-policy}
spec:
  defaultRule: {require: {count: 1}}
  freeze: {calendars: [change-freezes], exemptTypes: [emergency]}
  rules:
    - name: computed-high
      when: {changeRequest: {computedRisk: [high]}}
      require: {teams: [cab], count: 1}
    - name: computed-low-or-medium
      when: {changeRequest: {computedRisk: [low, medium]}}
      require: {teams: [oncall], count: 1}
    - name: budget-spent
      when: {services: {errorBudgetSpent: true}}
      require: {teams: [service-management], count: 1}
    - name: budget-left
      when: {services: {errorBudgetSpent: false}}
      require: {teams: [oncall], count: 1}
"""
DOWNTIME = '  downtime: {start: "2026-11-20T09:00:00+01:00", end: "2026-11-20T10:00:00+01:00"}\n'
INCIDENTS = {
    "incidents/2026/inc-1.yaml": incident(
        "inc-1", "payments-api", "P2", "2026-11-05T09:00:00+01:00"
    ),
    "incidents/2026/inc-2.yaml": incident(
        "inc-2", "payments-api", "P2", "2026-11-10T09:00:00+01:00"
    ),
    "incidents/2026/inc-3.yaml": incident(
        "inc-3", "payments-api", "P1", "2026-11-20T09:00:00+01:00", DOWNTIME
    ),
}
HISTORY = {
    f"changes/2026/h{i}.yaml": completed_change(
        f"h{i}", finished, status=status, services="[payments-api]"
    )
    for i, (finished, status) in enumerate(
        [
            ("2026-09-10T22:30:00+02:00", "failed"),
            ("2026-09-20T22:30:00+02:00", "completed"),
            ("2026-10-10T22:30:00+02:00", "rolled-back"),
            ("2026-10-20T22:30:00+02:00", "completed"),
            ("2026-11-01T22:30:00+01:00", "completed"),
        ]
    )
}
NEW = "changes/2026/chg-new.yaml"


def new_change(name: str = "chg-new", services: str = "[payments-api]") -> str:
    return f"""\
apiVersion: itsmcode/v1
kind: ChangeRequest
metadata: {{name: {name}}}
spec:
  type: normal
  services: {services}
  requester: pat
  risk: low
  window: {{start: "2026-11-30T22:00:00+01:00", end: "2026-11-30T23:00:00+01:00"}}
  plan: {{implementation: Do it., backout: Undo it.}}
  status: planned
"""


def evidence_repo(tmp_path: Path, **extra: str | None) -> PRRepo:
    files: dict[str, str | None] = {
        "itsm.yaml": CONFIG,
        POLICY_PATH: POLICY,
        **INCIDENTS,
        **HISTORY,
    }
    files.update(extra)
    return PRRepo(tmp_path / "r", files)


def computed(data: Any, name: str = "chg-new") -> str | None:
    found: str | None = next(c for c in data["changes"] if c["name"] == name)["computedRisk"]
    return found


def test_a_change_the_evidence_calls_high_needs_the_cab(tmp_path: Path) -> None:
    repo = evidence_repo(tmp_path)
    repo.push({NEW: new_change()})
    code, data, _ = repo.check()
    assert code == 1
    assert computed(data) == "high"
    assert rules(data)["computed-high"] == "pending"
    assert rules(data)["computed-low-or-medium"] == "skipped"
    assert rule(data, "computed-high")["matched"] == ["ChangeRequest chg-new"]


def test_without_the_incidents_the_same_change_is_medium(tmp_path: Path) -> None:
    # 30 + 2 + 15 = 47: the incidents are what makes it high (the attacks can fail).
    repo = evidence_repo(tmp_path, **{path: None for path in INCIDENTS})
    repo.push({NEW: new_change()})
    _, data, _ = repo.check()
    assert computed(data) == "medium"
    assert rules(data)["computed-high"] == "skipped"
    assert rules(data)["computed-low-or-medium"] == "pending"


def test_a_change_on_wiki_is_low_and_other_items_have_none(tmp_path: Path) -> None:
    repo = evidence_repo(tmp_path)
    repo.push(
        {
            NEW: new_change(services="[wiki]"),
            "catalog/services/wiki.yaml": service("wiki", 4, "platform", "sla: bronze\n")
            + "  description: The wiki.\n",
        }
    )
    _, data, _ = repo.check()
    assert computed(data) == "low"
    assert computed(data, "wiki") is None


ATTACKS: dict[str, dict[str, str | None]] = {
    "delete the incidents": {path: None for path in INCIDENTS},
    "backdate the incidents": {
        path: text.replace("2026-11-", "2026-08-") for path, text in INCIDENTS.items()
    },
    "dilute the failure rate": {
        f"changes/2026/ok{i}.yaml": completed_change(
            f"ok{i}", "2026-11-15T22:30:00+01:00", services="[payments-api]"
        )
        for i in range(20)
    },
    "lower the tier": {
        "catalog/services/payments-api.yaml": service("payments-api", 4, "payments", "sla: gold\n")
    },
    "raise the thresholds": {
        "itsm.yaml": CONFIG + "  reports: {risk: {medium: 500, high: 1000}}\n",
    },
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_pull_request_cannot_lower_its_own_computed_risk(tmp_path: Path, attack: str) -> None:
    repo = evidence_repo(tmp_path)
    repo.push({NEW: new_change(), **ATTACKS[attack]})
    _, data, _ = repo.check()
    assert computed(data) == "high"
    assert rules(data)["computed-high"] == "pending"
    assert rules(data)["computed-low-or-medium"] == "skipped"


def test_all_attacks_at_once_in_two_commits(tmp_path: Path) -> None:
    repo = evidence_repo(tmp_path)
    for files in ATTACKS.values():
        repo.push(files)
    repo.push({NEW: new_change()})
    _, data, _ = repo.check()
    assert computed(data) == "high"


def test_error_budget_spent_from_the_base(tmp_path: Path) -> None:
    # payments-api: 1 h down in the 30 days before now (2026-11-24 10:00), budget 43m 12s.
    repo = evidence_repo(tmp_path)
    repo.push({NEW: new_change()})
    _, data, _ = repo.check()
    assert rules(data)["budget-spent"] == "pending"
    assert rules(data)["budget-left"] == "skipped"


def test_error_budget_left_on_wiki(tmp_path: Path) -> None:
    repo = evidence_repo(tmp_path)
    repo.push({NEW: new_change(services="[wiki]")})
    _, data, _ = repo.check()
    assert rules(data)["budget-spent"] == "skipped"
    assert rules(data)["budget-left"] == "pending"


def test_error_budget_recovers_when_the_outage_leaves_the_window(tmp_path: Path) -> None:
    # 30 days after 2026-11-20 10:00 the hour has left the window: budget intact again.
    repo = evidence_repo(tmp_path)
    repo.push({NEW: new_change()})
    _, data, _ = repo.check(now="2026-12-21T12:00:00+01:00")
    assert rules(data)["budget-spent"] == "skipped"
    assert rules(data)["budget-left"] == "pending"


@pytest.mark.parametrize(
    "mend",
    [
        {"incidents/2026/inc-3.yaml": None},
        {"incidents/2026/inc-3.yaml": INCIDENTS["incidents/2026/inc-3.yaml"].replace(DOWNTIME, "")},
        {"catalog/slas/gold.yaml": None},
    ],
    ids=["delete the outage", "erase its downtime", "delete the SLA"],
)
def test_a_pull_request_cannot_mend_the_spent_budget(
    tmp_path: Path, mend: dict[str, str | None]
) -> None:
    repo = evidence_repo(tmp_path)
    repo.push({NEW: new_change(), **mend})
    _, data, _ = repo.check()
    assert rules(data)["budget-spent"] == "pending"
