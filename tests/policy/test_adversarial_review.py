"""Attacks found in the security review, each a scripted pull request judged by the CLI.

Base policy and teams: tests/policy/prrepo.py (payments-api is tier 1, owned by
``payments``; tier-1 changes need the CAB; the PR author is ``pat`` of ``platform``).
"""

from __future__ import annotations

from pathlib import Path

from tests.policy.prrepo import CONFIG, FROZEN, PRRepo, change, rules, service, team

PAYMENTS = "catalog/services/payments-api.yaml"


def test_changing_a_files_kind_in_place_is_removing_the_old_entity(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    as_template = (
        "apiVersion: itsmcode/v1\nkind: StandardChange\nmetadata: {name: payments-api}\n"
        "spec: {description: gone}\n"
    )
    repo.push({PAYMENTS: as_template})
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")))
    assert code == 1
    # The tier-1 service is removed: its owners and the CAB must approve, as for a delete.
    assert rules(data)["owners"] == "pending"
    assert rules(data)["tier-1"] == "pending"


def test_changing_a_change_requests_kind_during_a_freeze_is_refused(tmp_path: Path) -> None:
    path = "changes/2026/chg-1.yaml"
    repo = PRRepo(tmp_path / "r", {path: change("chg-1", services="[wiki]")})
    repo.push({path: "apiVersion: itsmcode/v1\nkind: Team\nmetadata: {name: chg-1}\nspec: {}\n"})
    code, data, _ = repo.check(
        reviews=repo.reviews(("bobby", "APPROVED"), ("carol", "APPROVED")), now=FROZEN
    )
    assert code == 1
    assert data["decisions"][0]["freeze"]["blocked"] is True


def test_a_second_team_file_with_the_same_name_at_base_fails_closed(tmp_path: Path) -> None:
    # Merged earlier under a weak policy: a second "cab" with the attacker's friends.
    repo = PRRepo(tmp_path / "r", {"catalog/teams/0/cab.yaml": team("cab", "mallory", "bobby")})
    repo.push(
        {
            PAYMENTS: service(
                "payments-api", 1, "payments", "sla: gold\ncomponents: [{type: repo, ref: x}]\n"
            )
        }
    )
    code, data, _ = repo.check(reviews=repo.reviews(("alice", "APPROVED"), ("mallory", "APPROVED")))
    assert code == 1
    errors = data["decisions"][0]["errors"]
    assert any("Team 'cab' is defined by 2 files" in e for e in errors)


def test_moving_spec_paths_in_itsm_yaml_does_not_hide_the_head_services(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    moved = CONFIG + "  paths: {services: svc}\n"
    repo.push(
        {
            "itsm.yaml": moved,
            PAYMENTS: service("payments-api", 1, "platform", "sla: bronze\n"),
        }
    )
    reviews = repo.reviews(("gina", "APPROVED"), ("gus", "APPROVED"), ("carol", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews)
    assert code == 1
    base = rules(data)
    # The SLA was loosened and the owner changed at head: both still count.
    assert base["sla-loosened"] == "pending"
    assert base["owners"] == "pending"
