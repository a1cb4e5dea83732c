"""``itsm risk`` through the real CLI: planted situations, each score worked out by hand
from the table in docs/risk.md (tier 1: 30, tier 3: 10, tier 4: 0; 2 per dependent up to
20; freeze 30, shadow 15; out of hours 10; service failure rate 15, team 10; 5 per recent
incident up to 20; fitting standard change -20, misfit +10; medium from 30, high from 60)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import change_request, run_cli, service, write_repo
from tests.reports.planted import completed_change, incident
from tests.rules.change_files import FREEZES_PATH, POLICY_PATH, calendar, policy

OFFICE_CALENDAR = calendar(
    "office",
    """
    businessHours:
      - {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00"}
    """,
)
OFFICE_SLA = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: office}
spec:
  calendar: office
  targets:
    P2: {response: 1h, resolution: 1d}
"""
FREEZES = calendar(
    "change-freezes",
    """
    freezes:
      - name: xmas
        start: "2026-12-17T00:00:00+01:00"
        end: "2026-12-27T00:00:00+01:00"
    """,
)
TEMPLATE = """\
apiVersion: itsmcode/v1
kind: StandardChange
metadata: {name: rotate-cert}
spec:
  description: Replace a TLS certificate bundle.
  maxRisk: low
  tiers: [3, 4]
"""


def risk_json(root: Path, change: str, *extra: str) -> dict[str, Any]:
    result = run_cli(["risk", change, "--repo", str(root), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def points(data: dict[str, Any]) -> dict[str, int]:
    return {f["factor"]: f["points"] for f in data["factors"]}


def graph_files(extra: int = 0) -> dict[str, str]:
    """api (tier 1, office SLA): d1..d5 depend on it, d6 on d1: six dependents; with
    ``extra`` more that depend on d6."""
    files = {
        "catalog/calendars/office.yaml": OFFICE_CALENDAR,
        "catalog/slas/office.yaml": OFFICE_SLA,
        "catalog/services/api.yaml": service("api", tier=1, extra="sla: office\n"),
        "catalog/services/d6.yaml": service("d6", extra="dependsOn: [{service: d1}]\n"),
        POLICY_PATH: policy(),
        FREEZES_PATH: FREEZES,
    }
    for i in range(1, 6):
        files[f"catalog/services/d{i}.yaml"] = service(
            f"d{i}", extra="dependsOn: [{service: api}]\n"
        )
    for i in range(extra):
        files[f"catalog/services/e{i}.yaml"] = service(
            f"e{i}", extra="dependsOn: [{service: d6}]\n"
        )
    return files


def test_tier_one_with_dependents_just_before_a_freeze_out_of_hours(tmp_path: Path) -> None:
    # Tue 22:00-23:00 Berlin: outside 08-18, and 25 hours before xmas starts.
    change = change_request(
        "chg-big", start="2026-12-15T22:00:00+01:00", end="2026-12-15T23:00:00+01:00"
    )
    root = write_repo(tmp_path, {**graph_files(), "changes/2026/chg-big.yaml": change})
    data = risk_json(root, "chg-big")
    assert data["factors"] == [
        {"factor": "tier", "points": 30, "evidence": "api is tier 1"},
        {
            "factor": "blast-radius",
            "points": 12,
            "evidence": "6 dependent services: d1, d2, d3, d4, d5, d6",
        },
        {
            "factor": "freeze",
            "points": 15,
            "evidence": "the window ends 1d 1h before freeze 'xmas' of calendar "
            "'change-freezes' (2026-12-17T00:00:00+01:00 to 2026-12-27T00:00:00+01:00), "
            "within its 2d shadow",
        },
        {
            "factor": "out-of-hours",
            "points": 10,
            "evidence": "1h of the window (2026-12-15T22:00:00+01:00 to "
            "2026-12-15T23:00:00+01:00) is outside the business hours of calendar 'office' "
            "(api's SLA office)",
        },
    ]
    assert (data["score"], data["computed"], data["declared"]) == (67, "high", "low")
    assert data["understated"] is True
    assert data["thresholds"] == {"medium": 30, "high": 60}


def test_in_the_freeze_and_far_from_it(tmp_path: Path) -> None:
    inside = change_request(
        "chg-in", start="2026-12-21T10:00:00+01:00", end="2026-12-21T11:00:00+01:00"
    )
    # Three days after the freeze ended, in business hours (Wednesday 10:00).
    far = change_request(
        "chg-far", start="2026-12-30T10:00:00+01:00", end="2026-12-30T11:00:00+01:00"
    )
    root = write_repo(
        tmp_path,
        {**graph_files(), "changes/2026/chg-in.yaml": inside, "changes/2026/chg-far.yaml": far},
    )
    data = risk_json(root, "chg-in")
    assert points(data)["freeze"] == 30
    assert "falls in freeze 'xmas'" in data["factors"][2]["evidence"]
    # 30 tier + 12 dependents + 30 freeze; Monday 10:00 is in business hours.
    assert (data["score"], data["computed"]) == (72, "high")
    far_data = risk_json(root, "chg-far")
    assert points(far_data) == {"tier": 30, "blast-radius": 12}
    assert (far_data["score"], far_data["computed"]) == (42, "medium")


def history_files() -> dict[str, str]:
    """pay (tier 3, payments): 5 changes in the 90 days before 2026-12-10, 2 failed; a
    failed one before that; 3 incidents in the 30 days before, one older, one elsewhere."""
    files = {
        "catalog/services/pay.yaml": service("pay", tier=3),
        "catalog/services/ledger.yaml": service("ledger", tier=4),
        "catalog/services/other.yaml": service("other", tier=4, owner="ops"),
        "catalog/teams/ops.yaml": (
            "apiVersion: itsmcode/v1\nkind: Team\nmetadata: {name: ops}\nspec:\n"
            "  members:\n    - {github: carol}\n"
        ),
        "processes/standard-changes/rotate-cert.yaml": TEMPLATE,
        "changes/2026/old.yaml": completed_change(
            "old", "2026-09-01T22:30:00+02:00", status="failed", services="[pay]"
        ),
        "incidents/2026/inc-old.yaml": incident(
            "inc-old", "pay", "P3", "2026-11-09T09:00:00+01:00"
        ),
        "incidents/2026/inc-x.yaml": incident("inc-x", "other", "P3", "2026-12-01T09:00:00+01:00"),
    }
    for i, (finished, status) in enumerate(
        [
            ("2026-10-01T22:30:00+02:00", "failed"),
            ("2026-10-15T22:30:00+02:00", "rolled-back"),
            ("2026-11-01T22:30:00+01:00", "completed"),
            ("2026-11-15T22:30:00+01:00", "completed"),
            ("2026-12-01T22:30:00+01:00", "completed"),
        ]
    ):
        files[f"changes/2026/h{i}.yaml"] = completed_change(
            f"h{i}", finished, status=status, services="[pay]"
        )
    for name, opened in (
        ("inc-1", "2026-11-12T09:00:00+01:00"),
        ("inc-2", "2026-11-20T09:00:00+01:00"),
        ("inc-3", "2026-12-09T09:00:00+01:00"),
    ):
        files[f"incidents/2026/{name}.yaml"] = incident(name, "pay", "P3", opened)
    return files


WINDOW = {"start": "2026-12-10T10:00:00+01:00", "end": "2026-12-10T11:00:00+01:00"}


def test_failure_rates_and_recent_incidents(tmp_path: Path) -> None:
    change = change_request("chg-pay", services="[pay]", **WINDOW)
    root = write_repo(tmp_path, {**history_files(), "changes/2026/chg-pay.yaml": change})
    data = risk_json(root, "chg-pay")
    assert data["factors"][1:] == [
        {
            "factor": "blast-radius",
            "points": 0,
            "evidence": "no service depends on the affected services",
        },
        {
            "factor": "service-failure-rate",
            "points": 15,
            "evidence": "2 of 5 changes to pay failed (40%) in the 90 days before the window, "
            "above 15% (itsm.yaml spec.reports.changeFailureRate)",
        },
        {
            "factor": "team-failure-rate",
            "points": 10,
            "evidence": "requester alice's team: 2 of 5 changes by payments failed (40%) in "
            "the 90 days before the window, above 15% (itsm.yaml spec.reports.changeFailureRate)",
        },
        {
            "factor": "recent-incidents",
            "points": 15,
            "evidence": "3 incidents on the affected services in the 30 days before the "
            "window: inc-1, inc-2, inc-3",
        },
    ]
    # 10 tier 3 + 15 + 10 + 15 = 50: medium, above the declared low.
    assert (data["score"], data["computed"], data["understated"]) == (50, "medium", True)


def test_team_rate_alone_for_a_service_without_history(tmp_path: Path) -> None:
    change = change_request("chg-l", services="[ledger]", **WINDOW)
    root = write_repo(tmp_path, {**history_files(), "changes/2026/chg-l.yaml": change})
    assert points(risk_json(root, "chg-l")) == {
        "tier": 0,
        "blast-radius": 0,
        "team-failure-rate": 10,
    }


def test_a_fitting_standard_change_scores_lower_a_misfit_higher(tmp_path: Path) -> None:
    fits = change_request(
        "chg-fit", type="standard", services="[ledger]", extra="template: rotate-cert\n", **WINDOW
    )
    misfit = change_request(
        "chg-misfit",
        type="standard",
        services="[ledger]",
        risk="medium",
        extra="template: rotate-cert\n",
        **WINDOW,
    )
    root = write_repo(
        tmp_path,
        {
            **history_files(),
            "changes/2026/chg-fit.yaml": fits,
            "changes/2026/chg-misfit.yaml": misfit,
        },
    )
    data = risk_json(root, "chg-fit")
    assert data["factors"][-1] == {
        "factor": "standard-change",
        "points": -20,
        "evidence": "fits pre-approved standard change 'rotate-cert' (risk and tiers within it)",
    }
    # 0 + 0 + 10 team - 20: the total does not go below zero.
    assert (data["score"], data["computed"], data["understated"]) == (0, "low", False)
    data = risk_json(root, "chg-misfit")
    assert data["factors"][-1]["points"] == 10
    assert "risk medium exceeds maxRisk low" in data["factors"][-1]["evidence"]
    assert (data["score"], data["computed"]) == (20, "low")


def test_thresholds_come_from_itsm_yaml(tmp_path: Path) -> None:
    config = (
        "apiVersion: itsmcode/v1\nkind: Config\nmetadata: {name: t}\nspec:\n"
        "  timezone: Europe/Berlin\n  practices: [catalog, sla, change, incident]\n"
        "  reports: {risk: {medium: 5, high: 10}}\n"
    )
    change = change_request("chg-l", services="[ledger]", **WINDOW)
    root = write_repo(
        tmp_path, {**history_files(), "changes/2026/chg-l.yaml": change}, config=config
    )
    data = risk_json(root, "chg-l")
    assert (data["score"], data["computed"], data["thresholds"]) == (
        10,
        "high",
        {"medium": 5, "high": 10},
    )


def test_text_lists_every_factor(tmp_path: Path) -> None:
    change = change_request("chg-pay", services="[pay]", **WINDOW)
    root = write_repo(tmp_path, {**history_files(), "changes/2026/chg-pay.yaml": change})
    result = run_cli(["risk", "chg-pay", "--repo", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "chg-pay: computed risk medium (score 50; medium from 30, high from 60); declared low"
    )
    assert lines[1] == "  the declared risk low is below the evidence: review it"
    assert lines[3] == "   +10  tier                  pay is tier 3"
    assert lines[-1].startswith("   +15  recent-incidents      3 incidents")


def test_unknown_change_is_a_usage_error(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path, {**history_files(), "changes/2026/chg-pay.yaml": change_request("chg-pay")}
    )
    result = run_cli(["risk", "chg-pya", "--repo", str(root)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "itsm: error: change request 'chg-pya' is not in the catalog (did you mean 'chg-pay'?)"
    )


def test_blast_radius_is_capped_and_names_the_first_ten(tmp_path: Path) -> None:
    # 6 + 6 = 12 dependents: 24 points capped at 20; named d1..d6, e0..e3, then 2 more.
    change = change_request(
        "chg-far", start="2026-12-30T10:00:00+01:00", end="2026-12-30T11:00:00+01:00"
    )
    root = write_repo(tmp_path, {**graph_files(extra=6), "changes/2026/chg-far.yaml": change})
    factor = risk_json(root, "chg-far")["factors"][1]
    assert factor == {
        "factor": "blast-radius",
        "points": 20,
        "evidence": "12 dependent services: d1, d2, d3, d4, d5, d6, e0, e1, e2, e3 "
        "and 2 more (itsm impact)",
    }


def test_at_scores_the_change_as_the_repository_was(tmp_path: Path) -> None:
    from tests.diff.gitrepo import GitRepo

    repo = GitRepo(tmp_path / "r").init()
    change = change_request("chg-pay", services="[pay]", **WINDOW)
    write_repo(repo.root, {**history_files(), "changes/2026/chg-pay.yaml": change})
    first = repo.commit("with the incidents")
    repo.delete(
        "incidents/2026/inc-1.yaml", "incidents/2026/inc-2.yaml", "incidents/2026/inc-3.yaml"
    )
    repo.commit("incidents archived")
    # Now: 10 + 15 + 10 = 35; at the first commit the three incidents add 15 (50).
    assert risk_json(repo.root, "chg-pay")["score"] == 35
    assert risk_json(repo.root, "chg-pay", "--at", first)["score"] == 50


@settings(max_examples=200, deadline=None)
@given(
    edges=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40),
    start=st.sets(st.integers(0, 12), min_size=1, max_size=3),
)
def test_the_blast_radius_walk_reaches_what_the_impact_walk_reaches(
    edges: list[tuple[int, int]], start: set[int]
) -> None:
    """The lean walk the risk score uses against diff/graph.py's dependents_closure
    (chains and distances recorded), on random graphs with cycles and self-loops."""
    from itsmcode.diff.graph import dependents_closure
    from itsmcode.reports.graph import EdgeMap
    from itsmcode.reports.risk import _reachable

    users: dict[str, list[str]] = {}
    for user, used in edges:
        users.setdefault(f"s{used}", []).append(f"s{user}")
    names = {f"s{n}" for n in start}
    reference = set(dependents_closure(names, EdgeMap(users))) - names
    assert _reachable(names, users) - names == reference


@settings(max_examples=150, deadline=None)
@given(
    edges=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=80),
    start=st.sets(st.integers(0, 30), min_size=1, max_size=3),
)
def test_the_capped_blast_walk_gives_the_full_walks_points(
    edges: list[tuple[int, int]], start: set[int]
) -> None:
    """scores_high's early-stopping count against the full blast-radius factor."""
    from types import SimpleNamespace

    from itsmcode.reports import risk
    from itsmcode.reports.graph import EdgeMap

    users: dict[str, list[str]] = {}
    for user, used in edges:
        users.setdefault(f"s{used}", []).append(f"s{user}")
    names = sorted(f"s{n}" for n in start)
    change: Any = SimpleNamespace(spec=SimpleNamespace(services=names))
    evidence = SimpleNamespace(dependents=EdgeMap(users))
    reached = len(risk._reachable(set(names), users) - set(names))
    full = min(risk.DEPENDENT_CAP, risk.DEPENDENT_POINTS * reached)
    original = risk._evidence
    try:
        risk._evidence = lambda catalog: evidence  # type: ignore[assignment]
        assert risk._blast_points(Any, change) == full  # type: ignore[arg-type]
    finally:
        risk._evidence = original
