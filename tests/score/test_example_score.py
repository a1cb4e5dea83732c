"""itsm score on the example repository (the project root): every service in use is
scored by itsm-basics, and the spread covers every level (the scorecard's purpose in the
example is to show each team something to fix)."""

from __future__ import annotations

from pathlib import Path

from tests.score.scored import score_json

ROOT = Path(__file__).resolve().parents[2]


def test_example_scores_every_service_in_use() -> None:
    data = score_json(ROOT)
    services = {s["service"] for s in data["services"]}
    in_use = {
        p.stem
        for p in (ROOT / "catalog/services").glob("*.yaml")
        if "lifecycle: retired" not in p.read_text(encoding="utf-8")
    }
    assert services == in_use
    levels = {s["level"] for s in data["services"]}
    assert {None, "bronze", "silver"} <= levels
    assert [t["level"] for t in data["targets"]] == ["silver", "bronze"]


def test_init_with_the_scorecard_practice_scores_the_starter_services(tmp_path: Path) -> None:
    from tests.helpers import run_cli
    from tests.test_init import PIN

    repo = tmp_path / "acme"
    assert run_cli(["init", str(repo), "--practices", "scorecard", *PIN]).exit_code == 0
    data = score_json(repo)
    # The starter team has an email and chat, no on-call rota: bronze's owner-oncall
    # fails for both starter services, and with it every level.
    assert [
        (s["service"], s["level"], [f["check"] for f in s["failing"]]) for s in data["services"]
    ] == [
        ("database", None, ["owner-oncall", "runbook-link"]),
        ("website", None, ["owner-oncall", "runbook-link"]),
    ]
    # A new repository has no history: whether the target will be made is not guessed.
    target = data["targets"][0]
    assert target["status"] == "unknown"
    assert target["since"] is None
    assert {s["status"] for s in target["standings"]} == {"unknown"}
    assert target["standings"][0]["reason"] == (
        "not a git repository: no history to judge the trend from; 1 check to fix (owner-oncall)"
    )
