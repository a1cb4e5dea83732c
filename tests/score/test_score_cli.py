"""itsm score through the real CLI on services planted at each level boundary
(tests/score/scored.py); every expected value is worked out by hand there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.score.scored import make_repo, score_json

ONCALL = "owner team 'quiet' has no on-call contact (spec.contact.oncall)"
NO_SLA = "no SLA (spec.sla): agree one with the service's customers"
NO_RUNBOOK = "no link titled like 'runbook' in metadata.links: link the runbook"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("scored"))


def entry(data: dict[str, object], service: str, card: str = "basics") -> dict[str, object]:
    services = data["services"]
    assert isinstance(services, list)
    [found] = [s for s in services if s["service"] == service and s["scorecard"] == card]
    assert isinstance(found, dict)
    return found


def test_levels_at_each_boundary(repo: Path) -> None:
    data = score_json(repo)
    levels = {(s["service"], s["scorecard"]): s["level"] for s in data["services"]}
    assert levels == {
        ("a-none", "basics"): None,
        ("b-bronze", "basics"): "bronze",
        ("c-silver", "basics"): "silver",
        ("d-gold", "basics"): "gold",
        ("e-attain", "basics"): "silver",
        ("f-deprecated", "basics"): None,
        ("h-shop", "basics"): "bronze",
        ("h-shop", "shop"): "listed",
        ("i-other", "basics"): None,
    }


def test_exactly_the_minimum_attainment_reaches_gold(repo: Path) -> None:
    # 9 of 10 incidents in 30 days within target is 90%, the minimum; the 40-day-old
    # breach is outside the window.
    assert entry(score_json(repo), "d-gold") == {
        "service": "d-gold",
        "scorecard": "basics",
        "team": "ops",
        "level": "gold",
        "next": None,
        "failing": [],
    }


def test_passing_silver_but_failing_gold_names_the_reason(repo: Path) -> None:
    data = score_json(repo)
    assert entry(data, "e-attain")["failing"] == [
        {
            "check": "sla-attainment",
            "level": "gold",
            "message": "1 of 2 incidents in the last 30d met the SLA (50%), below 90%",
        }
    ]
    assert entry(data, "c-silver")["failing"] == [
        {
            "check": "dependencies-live",
            "level": "gold",
            "message": "depends on f-deprecated (deprecated)",
        }
    ]
    assert entry(data, "c-silver")["next"] == "gold"


def test_a_failing_lower_check_caps_the_level(repo: Path) -> None:
    # a-none passes every silver and gold check, but not bronze's owner-oncall.
    found = entry(score_json(repo), "a-none")
    assert found["level"] is None
    assert found["next"] == "bronze"
    assert found["failing"] == [{"check": "owner-oncall", "level": "bronze", "message": ONCALL}]


def test_failing_checks_of_every_level_are_listed_lowest_first(repo: Path) -> None:
    assert entry(score_json(repo), "f-deprecated")["failing"] == [
        {
            "check": "description",
            "level": "bronze",
            "message": "no metadata.description: say in a sentence what the service does",
        },
        {"check": "sla-present", "level": "silver", "message": NO_SLA},
        {"check": "runbook-link", "level": "silver", "message": NO_RUNBOOK},
    ]


def test_selectors_and_retired_services(repo: Path) -> None:
    data = score_json(repo)
    shop = [s["service"] for s in data["services"] if s["scorecard"] == "shop"]
    assert shop == ["h-shop"]  # i-other is business but labelled domain: other
    assert "g-retired" not in {s["service"] for s in data["services"]}


def test_rollups_per_team_and_organisation(repo: Path) -> None:
    data = score_json(repo)
    for team in data["teams"]:
        team.pop("fixNext")
    assert data["teams"] == [
        {
            "team": "ops",
            "scorecard": "basics",
            "services": 6,
            "levels": {"bronze": 2, "silver": 2, "gold": 1, "none": 1},
        },
        {"team": "ops", "scorecard": "shop", "services": 1, "levels": {"listed": 1, "none": 0}},
        {
            "team": "quiet",
            "scorecard": "basics",
            "services": 2,
            "levels": {"bronze": 0, "silver": 0, "gold": 0, "none": 2},
        },
    ]
    assert data["organisation"] == [
        {
            "scorecard": "basics",
            "services": 8,
            "levels": {"bronze": 2, "silver": 2, "gold": 1, "none": 3},
        },
        {"scorecard": "shop", "services": 1, "levels": {"listed": 1, "none": 0}},
    ]


def test_what_to_fix_next_orders_checks_by_services_blocked(repo: Path) -> None:
    ops = score_json(repo)["teams"][0]
    # Next levels: b-bronze and h-shop silver (both fail sla-present and runbook-link),
    # f-deprecated bronze (description), c-silver and e-attain gold (one check each).
    # Most services blocked first; a tie goes to the lower level, then the check id.
    assert (ops["team"], ops["scorecard"]) == ("ops", "basics")
    assert ops["fixNext"] == [
        {"check": "runbook-link", "level": "silver", "services": ["b-bronze", "h-shop"]},
        {"check": "sla-present", "level": "silver", "services": ["b-bronze", "h-shop"]},
        {"check": "description", "level": "bronze", "services": ["f-deprecated"]},
        {"check": "dependencies-live", "level": "gold", "services": ["c-silver"]},
        {"check": "sla-attainment", "level": "gold", "services": ["e-attain"]},
    ]


NO_GIT = "not a git repository: no history to judge the trend from"


def test_targets_late_and_unknown_without_history(repo: Path) -> None:
    targets = score_json(repo)["targets"]
    standings = [
        {s["service"]: (s["status"], s["reason"]) for s in t.pop("standings")} for t in targets
    ]
    assert standings[0] == {
        "b-bronze": ("late", "2020-01-01 has passed; 2 checks to fix (sla-present, runbook-link)"),
        "c-silver": ("met", "at silver"),
        "d-gold": ("met", "at gold"),
        "e-attain": ("met", "at silver"),
    }
    # The bronze target's date is ahead: without git history, on track or at risk is
    # not guessed.
    assert standings[1] == {
        "a-none": ("unknown", f"{NO_GIT}; 1 check to fix (owner-oncall)"),
        "b-bronze": ("met", "at bronze"),
        "c-silver": ("met", "at silver"),
        "d-gold": ("met", "at gold"),
        "e-attain": ("met", "at silver"),
        "f-deprecated": ("unknown", f"{NO_GIT}; 1 check to fix (description)"),
        "h-shop": ("met", "at bronze"),
        "i-other": ("unknown", f"{NO_GIT}; 1 check to fix (owner-oncall)"),
    }
    assert targets == [
        {
            "scorecard": "basics",
            "level": "silver",
            "by": "2020-01-01",
            "services": ["b-bronze", "c-silver", "d-gold", "e-attain"],
            "atLevel": 3,
            "status": "late",
            "since": None,
        },
        {
            "scorecard": "basics",
            "level": "bronze",
            "by": "2999-12-31",
            "services": [
                "a-none",
                "b-bronze",
                "c-silver",
                "d-gold",
                "e-attain",
                "f-deprecated",
                "h-shop",
                "i-other",
            ],
            "atLevel": 5,
            "status": "unknown",
            "since": None,
        },
    ]


def test_fail_on_late_exits_1(repo: Path) -> None:
    score_json(repo, "--fail-on", "late", code=1)


def test_a_met_target_is_not_late(tmp_path: Path) -> None:
    from tests.score.scored import BASICS, service

    # Only d-gold is tier 2: the silver target is met although its date has passed.
    card = BASICS.replace("tiers: [1], level: silver", "tiers: [2], level: silver")
    files = {"processes/scorecards/basics.yaml": card}
    files["catalog/services/d-gold.yaml"] = service(
        "d-gold", tier=2, runbook=True, spec="  sla: gold\n"
    )
    data = score_json(make_repo(tmp_path, files), "--fail-on", "late")
    assert data["targets"][0]["status"] == "met"
    assert data["targets"][0]["services"] == ["d-gold"]


def test_one_service_narrows_the_services_only(repo: Path) -> None:
    data = score_json(repo, "e-attain")
    assert [(s["service"], s["scorecard"]) for s in data["services"]] == [("e-attain", "basics")]
    assert len(data["targets"]) == 2


def test_text_tells_each_team_what_to_fix(repo: Path) -> None:
    result = run_cli(["score", "a-none", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    head = result.stdout.split("\nTeams\n")[0]
    assert head == (
        f"Team quiet\n  a-none [basics]: no level, next bronze\n    bronze owner-oncall: {ONCALL}\n"
    )
    assert "  quiet [basics]: 0 bronze, 0 silver, 0 gold, 2 none\n" in result.stdout
    # The targets stay the organisation's; the services listed under them are a-none's.
    assert (
        "  basics: silver by 2020-01-01: 3 of 4 services at silver or above, late "
        "(1 late, 3 met)\n"
        "  basics: bronze by 2999-12-31: 5 of 8 services at bronze or above, unknown "
        "(3 unknown, 5 met)\n"
        f"    a-none (quiet): unknown: {NO_GIT}; 1 check to fix (owner-oncall)\n" in result.stdout
    )


def test_markdown_has_a_table_per_team(repo: Path) -> None:
    result = run_cli(["score", "--format", "markdown", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    assert "### Team quiet\n" in result.stdout
    assert "| `d-gold` | basics | gold (top level) | - |\n" in result.stdout


def test_unknown_service_is_a_usage_error(repo: Path) -> None:
    result = run_cli(["score", "d-glod", "--repo", str(repo)])
    assert result.exit_code == 2
    assert "no service 'd-glod' (did you mean 'd-gold'?)" in result.stderr


def test_bad_check_parameters_are_lint_errors_and_the_scorecard_is_left_out(
    tmp_path: Path,
) -> None:
    from tests.score.scored import BASICS

    card = BASICS.replace("{min: 90, window: 30d}", "{min: 90, windw: 30d}").replace(
        "{check: description}", "{check: runbook-link, with: {title: 3}}"
    )
    make_repo(tmp_path, {"processes/scorecards/basics.yaml": card})
    result = run_cli(["lint", "processes/scorecards/basics.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "processes/scorecards/basics.yaml:7:44: error [schema] spec.levels[0].checks[0].with: "
        "parameter title: Input should be a valid string",
        "processes/scorecards/basics.yaml:13:17: error [schema] spec.levels[2].checks[0].with: "
        "unknown parameter 'windw' (did you mean 'window'?); it takes min, window",
    ]
    scored = run_cli(["score", "--format", "json", "--repo", str(tmp_path)])
    assert scored.exit_code == 0
    assert "1 file did not load and is left out of the scores" in scored.stderr
    assert {s["scorecard"] for s in json.loads(scored.stdout)["services"]} == {"shop"}


def test_unknown_check_id_is_a_lint_error_with_did_you_mean(tmp_path: Path) -> None:
    from tests.score.scored import BASICS

    card = BASICS.replace("{check: runbook-link}", "{check: runbok-link}")
    make_repo(tmp_path, {"processes/scorecards/basics.yaml": card})
    result = run_cli(["lint", "processes/scorecards/basics.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "basics.yaml:9:46: error [schema] spec.levels[1].checks[1].check: " in result.stdout
    assert "invalid value 'runbok-link' (did you mean 'runbook-link'?)" in result.stdout


def test_score_needs_the_scorecard_practice(tmp_path: Path) -> None:
    from tests.score.scored import CONFIG

    make_repo(tmp_path, {"itsm.yaml": CONFIG.replace(", scorecard]", "]")})
    result = run_cli(["score", "--repo", str(tmp_path)])
    assert result.exit_code == 2
    assert "needs the scorecard practice" in result.stderr


def test_at_scores_the_repository_as_committed(tmp_path: Path) -> None:
    from tests.diff.gitrepo import GitRepo
    from tests.score.scored import service

    repo = GitRepo(make_repo(tmp_path)).init()
    repo.commit("scorecards")
    # In the work tree only, d-gold loses its runbook link: silver's runbook-link fails.
    repo.write({"catalog/services/d-gold.yaml": service("d-gold", tier=1, spec="  sla: gold\n")})
    now = entry(score_json(tmp_path), "d-gold")
    committed = entry(score_json(tmp_path, "--at", "HEAD"), "d-gold")
    assert (now["level"], committed["level"]) == ("bronze", "gold")
    assert now["failing"] == [{"check": "runbook-link", "level": "silver", "message": NO_RUNBOOK}]
