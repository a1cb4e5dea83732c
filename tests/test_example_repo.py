"""The example repository at the project root: lint-clean through the CLI, and big enough.

The README's quick start runs ``itsm lint`` there, so a rule that starts to flag the
example is caught here first.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from itsmcode.load.catalog import Catalog
from itsmcode.load.config import load_config
from itsmcode.load.snapshot import load_worktree
from itsmcode.models import (
    SLA,
    ApprovalPolicy,
    Calendar,
    ChangeRequest,
    Service,
    StandardChange,
    Team,
)
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_worktree(ROOT, load_config(ROOT))


def test_quick_start_lint_exits_0_at_the_project_root() -> None:
    result = run_cli(["lint"], cwd=ROOT)
    assert result.exit_code == 0, result.output
    assert "error" not in result.output


def test_example_has_no_findings_at_all() -> None:
    # Pinned clock: reviewBy dates are the only time-dependent findings.
    result = run_cli(["lint", "--strict", "--format", "json", "--now", "2026-11-24"], cwd=ROOT)
    report = json.loads(result.output)
    assert report["diagnostics"] == []
    assert result.exit_code == 0
    assert report["summary"]["files"] >= 50


def test_services_cover_every_tier_and_lifecycle(catalog: Catalog) -> None:
    services = catalog.all(Service)
    assert len(services) >= 15
    assert {s.spec.tier for s in services} == {1, 2, 3, 4}
    assert {s.spec.lifecycle for s in services} >= {"planned", "live", "deprecated", "retired"}
    assert sum(len(s.spec.depends_on) for s in services) >= 15
    assert {d.type for s in services for d in s.spec.depends_on} == {"hard", "soft"}


def test_nothing_live_depends_on_a_retired_service(catalog: Catalog) -> None:
    retired = {s.name for s in catalog.all(Service) if s.spec.lifecycle == "retired"}
    for service in catalog.all(Service):
        if service.spec.lifecycle != "retired":
            assert not retired & {d.service for d in service.spec.depends_on}, service.name


def test_teams_include_the_ones_the_policy_names(catalog: Catalog) -> None:
    teams = {t.name: t for t in catalog.all(Team)}
    assert len(teams) >= 5
    for name in ("service-management", "cab", "oncall-leads", "governance"):
        assert name in teams
    # Rules that need two approvals need at least two people besides the author.
    assert len(teams["cab"].spec.members) >= 3
    assert len(teams["governance"].spec.members) >= 3


def test_three_slas_and_two_calendars_one_with_freezes(catalog: Catalog) -> None:
    assert sorted(s.name for s in catalog.all(SLA)) == ["bronze", "gold", "silver"]
    calendars = catalog.all(Calendar)
    assert len(calendars) == 2
    freezes = [f for c in calendars for f in c.spec.freezes]
    assert any(f.rrule for f in freezes), "a recurring freeze"
    assert any(
        f.start
        and f.start.date().isoformat() == "2026-12-18"
        and f.end
        and f.end.date().isoformat() == "2027-01-04"
        for f in freezes
    ), "the year-end freeze"
    policy = catalog.all(ApprovalPolicy)
    assert len(policy) == 1
    frozen = {c.name for c in calendars if c.spec.freezes}
    assert set(policy[0].spec.freeze.calendars) == frozen
    assert [r.name for r in policy[0].spec.rules] == [
        "owners",
        "sla-loosened",
        "high-risk",
        "tier-1",
        "outside-maintenance-window",
        "emergency",
        "teams-and-calendars",
        "governance",
    ]


def test_change_requests_in_varied_states(catalog: Catalog) -> None:
    changes = catalog.all(ChangeRequest)
    assert len(changes) >= 10
    statuses = Counter(c.spec.status for c in changes)
    assert len(statuses) >= 5
    assert set(statuses) >= {"planned", "completed", "failed", "rolled-back", "cancelled"}
    assert {c.spec.type for c in changes} == {"standard", "normal", "emergency"}
    for change in changes:
        if change.spec.status in ("failed", "rolled-back") or change.spec.type == "emergency":
            assert change.spec.review is not None, change.name
    records = {r.name: r.path for r in catalog.records if r.kind == "ChangeRequest"}
    assert all(path.startswith("changes/2026/") for path in records.values())


def test_three_standard_changes_used_by_standard_changes(catalog: Catalog) -> None:
    templates = {s.name for s in catalog.all(StandardChange)}
    assert len(templates) == 3
    used = {c.spec.template for c in catalog.all(ChangeRequest) if c.spec.type == "standard"}
    assert used == templates


def test_maintenance_windows_hold_the_planned_normal_changes(catalog: Catalog) -> None:
    from itsmcode.clock.maintenance import window_index

    index = window_index(
        catalog.all(Service), catalog.sla, catalog.calendar, catalog.config.spec.timezone
    )
    # Own windows on the two payment services; the business-hours calendar's for every
    # silver and bronze service.
    assert {s for s, ws in index.by_service.items() if ws[0].source.startswith("service")} == {
        "payments-api",
        "checkout-api",
    }
    assert "data-warehouse" in index.by_service
    planned = [c for c in catalog.changes if c.spec.status == "planned"]
    normal = [c for c in planned if c.spec.type == "normal"]
    assert {c.name for c in normal if set(c.spec.services) & set(index.by_service)} == {
        "chg-2026-0040",
        "chg-2026-0042",
    }
    assert all(index.outside(c) == [] for c in normal)


def test_the_cab_minutes_decide_on_changes_of_the_catalog(catalog: Catalog) -> None:
    from itsmcode.models import CabMinutes

    minutes = catalog.all(CabMinutes)
    assert [m.name for m in minutes] == ["cab-2026-11-30"]
    names = {c.name for c in catalog.changes}
    assert {d.change for d in minutes[0].spec.decisions} <= names
