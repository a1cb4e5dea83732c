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
    assert [t["level"] for t in data["targets"]] == ["silver", "bronze", "silver"]


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


def test_example_targets_over_a_history(tmp_path: Path) -> None:
    """The example committed twice: four weeks ago without loyalty-program's draft
    runbook link, then as it is. Each team's roadmap: the loyalty programme's target is
    on track (1 of its 2 silver checks fixed in 28 days), the tier 1-2 silver target at
    risk (nobody else moved), the bronze target late."""
    import json
    import shutil
    from datetime import datetime, timedelta, timezone

    from tests.audit.scripted import History
    from tests.helpers import run_cli

    today = datetime.now(timezone.utc).date()
    repo = History(tmp_path / "acme")
    for part in ("itsm.yaml", "catalog", "changes", "processes"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, repo.root / part)
        else:
            shutil.copy(source, repo.root / part)
    loyalty = "catalog/services/loyalty-program.yaml"
    now_text = (repo.root / loyalty).read_text(encoding="utf-8")
    link = '  links:\n    - {title: Runbook (draft), url: "https://wiki.acme-retail.example/runbooks/loyalty-program"}\n'
    assert link in now_text
    repo.clock = datetime.now(timezone.utc) - timedelta(days=28, hours=1)
    repo.commit("example", {loyalty: now_text.replace(link, "")})
    repo.clock = datetime.now(timezone.utc) - timedelta(hours=2)
    repo.commit("loyalty-program: draft runbook", {loyalty: now_text})
    result = run_cli(["score", "--format", "json", "--repo", str(repo.root)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    statuses = {(t["level"], t["by"]): t["status"] for t in data["targets"]}
    by = datetime(2027, 6, 30).date()
    projected = today + timedelta(days=28)
    expected = "late" if today > by else "at-risk" if projected > by else "on-track"
    assert statuses == {
        ("silver", "2027-03-31"): "late" if today > datetime(2027, 3, 31).date() else "at-risk",
        ("bronze", "2026-09-30"): "late",
        ("silver", "2027-06-30"): expected,
    }
    [launch] = [t for t in data["targets"] if t["by"] == "2027-06-30"]
    assert [s["service"] for s in launch["standings"]] == ["loyalty-program"]
    if expected == "on-track":
        assert launch["standings"][0]["reason"] == (
            f"1 check fixed since {today - timedelta(days=28)}; at that pace the 1 left "
            f"(sla-present) is done by {projected}"
        )
    # What each team fixes next: the fulfilment team's on-call rota blocks four services.
    [fulfilment] = [t for t in data["teams"] if t["team"] == "fulfilment"]
    assert fulfilment["fixNext"][0] == {
        "check": "owner-oncall",
        "level": "bronze",
        "services": [
            "customer-support-portal",
            "inventory-service",
            "order-service",
            "warehouse-management",
        ],
    }
