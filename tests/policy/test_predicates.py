"""Each ``when`` predicate and ``require`` form, on real commits through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.policy.prrepo import (
    CONFIG,
    FROZEN,
    POLICY_PATH,
    PRRepo,
    change,
    rule,
    rules,
    service,
)

HEADER = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {name: approval-policy}
spec:
  defaultRule: {require: {count: 1}}
  freeze: {calendars: [change-freezes], exemptTypes: [emergency]}
  rules:
"""
WIKI = "catalog/services/wiki.yaml"


def with_rules(tmp_path: Path, body: str) -> PRRepo:
    return PRRepo(tmp_path / "r", {POLICY_PATH: HEADER + body})


def test_fields_predicate_matches_the_dotted_path_and_below(tmp_path: Path) -> None:
    repo = with_rules(
        tmp_path,
        """\
    - name: tier-field
      when: {fields: [spec.tier]}
      require: {teams: [cab]}
    - name: deps
      when: {fields: [spec.dependsOn]}
      require: {teams: [cab]}
""",
    )
    repo.push(
        {WIKI: service("wiki", 3, "platform", "sla: bronze\ndependsOn:\n  - {service: checkout}\n")}
    )
    _, data, _ = repo.check()
    assert rules(data)["tier-field"] == "pending" and rules(data)["deps"] == "pending"
    assert rules(data)["defaultRule"] == "skipped"


def test_change_predicate_and_removed_entities(tmp_path: Path) -> None:
    repo = with_rules(
        tmp_path,
        """\
    - name: deletions
      when: {change: [removed]}
      require: {teams: [governance], count: 2}
""",
    )
    repo.push({WIKI: None})
    _, data, _ = repo.check()
    assert rule(data, "deletions")["matched"] == ["Service wiki"]


def test_impacted_widens_the_services_predicate(tmp_path: Path) -> None:
    # checkout (tier 2) depends on payments-api; editing payments-api impacts checkout.
    repo = with_rules(
        tmp_path,
        """\
    - name: tier-2-affected
      when: {services: {tier: [2]}}
      require: {teams: [cab]}
    - name: tier-2-impacted
      when: {services: {tier: [2], impacted: true}}
      require: {teams: [cab]}
""",
    )
    repo.push(
        {
            "catalog/services/payments-api.yaml": service(
                "payments-api", 1, "payments", "sla: gold\ncomponents: [{type: repo, ref: x}]\n"
            )
        }
    )
    _, data, _ = repo.check()
    assert rules(data)["tier-2-affected"] == "skipped"
    assert rules(data)["tier-2-impacted"] == "pending"


def test_change_request_transition_and_author_teams(tmp_path: Path) -> None:
    repo = PRRepo(
        tmp_path / "r",
        {
            POLICY_PATH: HEADER
            + """\
    - name: closing
      when: {changeRequest: {transition: ["in-progress->*"]}}
      require: {teams: [cab]}
    - name: new-ones
      when: {changeRequest: {transition: ["new->planned"]}}
      require: {teams: [oncall]}
    - name: by-platform
      when: {author: {teams: [platform]}}
      require: {teams: [governance]}
""",
            "changes/2026/chg-5.yaml": change("chg-5", status="in-progress"),
        },
    )
    repo.push(
        {
            "changes/2026/chg-5.yaml": change("chg-5", status="completed").replace(
                "status: completed",
                'status: completed\n  outcome: {finishedAt: "2027-02-02T22:30:00+01:00"}',
            ),
            "changes/2026/chg-6.yaml": change("chg-6"),
        }
    )
    _, data, _ = repo.check(event=repo.event(author="pat"))
    assert rule(data, "closing")["matched"] == ["ChangeRequest chg-5"]
    assert rule(data, "new-ones")["matched"] == ["ChangeRequest chg-6"]
    assert rules(data)["by-platform"] == "pending"
    _, data, _ = repo.check(event=repo.event(author="carol"))
    assert rules(data)["by-platform"] == "skipped"


def test_users_and_pooled_teams(tmp_path: Path) -> None:
    repo = with_rules(
        tmp_path,
        """\
    - name: pooled
      when: {}
      require: {teams: [cab, governance], users: [Outsider], count: 2}
""",
    )
    repo.push({"README.md": "x\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("gina", "APPROVED"), ("outsider", "APPROVED")))
    assert code == 0, data
    assert rule(data, "pooled")["approvers"] == ["gina", "outsider"]


def test_rule_naming_an_unknown_team_stays_pending(tmp_path: Path) -> None:
    repo = with_rules(
        tmp_path,
        """\
    - name: ghosts
      when: {}
      require: {teams: [nobody-team]}
""",
    )
    repo.push({"README.md": "x\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("gina", "APPROVED")))
    assert code == 1
    assert "team nobody-team does not exist at the base commit" in rule(data, "ghosts")["missing"]


def test_ghost_user_reviews_are_ignored(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"README.md": "x\n"})
    reviews = repo.reviews(("sven", "APPROVED"))
    items = json.loads(reviews.read_text())
    items.append({**items[0], "id": 999, "user": None})
    reviews.write_text(json.dumps(items))
    code, _, _ = repo.check(reviews=reviews)
    assert code == 0


def test_change_request_left_invalid_is_refused_during_a_freeze(tmp_path: Path) -> None:
    repo = PRRepo(
        tmp_path / "r",
        {"changes/2026/chg-7.yaml": change("chg-7", type="emergency", status="in-progress")},
    )
    repo.push(
        {
            "changes/2026/chg-7.yaml": change("chg-7", type="emergency", status="in-progress")
            + "  bogus: 1\n"
        }
    )
    _, data, _ = repo.check(
        now=FROZEN, reviews=repo.reviews(("bobby", "APPROVED"), ("olga", "APPROVED"))
    )
    assert data["decisions"][0]["freeze"]["blocking"] == ["ChangeRequest chg-7"]


def test_commits_merged_in_from_the_target_do_not_make_committers(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"README.md": "x\n"})
    # bob lands a commit on main; the PR branch merges main in.
    repo.git("checkout", "-q", "main")
    repo.apply({"NOTES.md": "y\n"})
    repo.base = repo.commit("bob on main", "bob@example.com")
    repo.git("checkout", "-q", "pr")
    repo.git(
        "-c",
        "user.name=A",
        "-c",
        "user.email=alice@users.noreply.github.com",
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge main",
        "main",
    )
    repo.head = repo.git("rev-parse", "HEAD")
    code, data, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED")))
    assert data["pullRequest"]["committers"] == ["alice"]
    assert code == 0


def test_itsm_yaml_pointing_at_another_policy_is_governed_by_the_base(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    weak = HEADER.replace("  rules:\n", "  rules: []\n")
    repo.push(
        {
            "itsm.yaml": CONFIG + "  paths: {approvalPolicy: processes/lenient.yaml}\n",
            "processes/lenient.yaml": weak,
        }
    )
    code, data, _ = repo.check(reviews=repo.reviews(("sven", "APPROVED")))
    assert code == 1
    assert rules(data)["governance"] == "pending"
    assert data["decisions"][1]["policy"]["path"] == "processes/lenient.yaml"


def test_workflow_edit_needs_governance(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({".github/workflows/approval.yml": "on: push\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("sven", "APPROVED")))
    assert code == 1
    assert rule(data, "governance")["matched"] == [".github/workflows/approval.yml"]


def test_misspelt_transition_fails_closed(tmp_path: Path) -> None:
    repo = with_rules(
        tmp_path,
        """\
    - name: closing
      when: {changeRequest: {transition: ["in_progress->completed"]}}
      require: {teams: [cab]}
""",
    )
    repo.push({"README.md": "x\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("sven", "APPROVED")))
    assert code == 1
    assert "transition 'in_progress->completed'" in data["decisions"][0]["errors"][0]
