"""itsm report sla through the real CLI on planted incidents; expected values by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli
from tests.reports.planted import completed_change, incident, make_repo, report_json

PERIOD = ["--since", "2026-10-01", "--until", "2026-12-01"]

INCIDENTS = {
    # 24x7, resolved 1 minute late across the autumn DST change: 00:30 CEST is 22:30Z,
    # 03:31 CET is 02:31Z, so 4h01m elapsed although the wall clock moved 3h01m.
    "inc-dst": incident(
        "inc-dst",
        "api",
        "P1",
        "2026-10-25T00:30:00+02:00",
        '  respondedAt: "2026-10-25T00:40:00+02:00"\n  resolvedAt: "2026-10-25T03:31:00+01:00"\n',
    ),
    "inc-ontime": incident(
        "inc-ontime",
        "api",
        "P1",
        "2026-10-25T00:30:00+02:00",
        '  respondedAt: "2026-10-25T00:40:00+02:00"\n  resolvedAt: "2026-10-25T03:30:00+01:00"\n',
    ),
    # 5h30m open, 2h of it on hold: 3h30m against 4h; due 16:00 (the hold moves it 2h).
    "inc-hold": incident(
        "inc-hold",
        "api",
        "P1",
        "2026-11-16T10:00:00+01:00",
        '  respondedAt: "2026-11-16T10:10:00+01:00"\n'
        '  resolvedAt: "2026-11-16T15:30:00+01:00"\n'
        '  onHold: [{start: "2026-11-16T11:00:00+01:00", end: "2026-11-16T13:00:00+01:00",'
        " reason: Waiting for the card network}]\n"
        '  downtime: {start: "2026-11-16T10:00:00+01:00", end: "2026-11-16T11:00:00+01:00"}\n',
    ),
    # Down 22:30-23:30; chg-1's window 22:00-23:00 covers half of it.
    "inc-maint": incident(
        "inc-maint",
        "api",
        "P1",
        "2026-11-20T22:30:00+01:00",
        '  respondedAt: "2026-11-20T22:35:00+01:00"\n'
        '  resolvedAt: "2026-11-20T23:30:00+01:00"\n'
        '  downtime: {start: "2026-11-20T22:30:00+01:00", end: "2026-11-20T23:30:00+01:00"}\n',
    ),
    # Still open at --until (2026-12-01T00:00+01:00): 16 h of 24x7 time, both breached.
    "inc-open": incident("inc-open", "api", "P1", "2026-11-30T08:00:00+01:00"),
    # Office hours: Friday 17:30 CEST; 30 min left on Friday, the rest on Monday after
    # the change to CET: response due Monday 08:30, answered 08:31.
    "inc-fri": incident(
        "inc-fri",
        "web",
        "P2",
        "2026-10-23T17:30:00+02:00",
        '  respondedAt: "2026-10-26T08:31:00+01:00"\n  resolvedAt: "2026-10-26T09:00:00+01:00"\n',
    ),
    # Tuesday 10:00 + 1 business day skips the Wednesday holiday: due Thursday 10:00.
    "inc-holiday": incident(
        "inc-holiday",
        "web",
        "P2",
        "2026-11-10T10:00:00+01:00",
        '  respondedAt: "2026-11-10T10:20:00+01:00"\n  resolvedAt: "2026-11-12T09:59:00+01:00"\n',
    ),
    "inc-wiki": incident("inc-wiki", "wiki", "P3", "2026-11-05T10:00:00+01:00"),
    "inc-p4": incident("inc-p4", "web", "P4", "2026-11-05T11:00:00+01:00"),
    # Before the period: not measured.
    "inc-before": incident(
        "inc-before",
        "api",
        "P1",
        "2026-09-20T10:00:00+02:00",
        '  resolvedAt: "2026-09-21T10:00:00+02:00"\n',
    ),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {f"incidents/2026/{name}.yaml": text for name, text in INCIDENTS.items()}
    files["changes/2026/chg-1.yaml"] = completed_change("chg-1", "2026-11-20T22:50:00+01:00")
    return make_repo(tmp_path, files)


def clocked(
    target: str, seconds: int | None, elapsed: int, deadline: str, breached: bool
) -> dict[str, Any]:
    return {
        "target": target,
        "targetSeconds": seconds,
        "elapsedSeconds": elapsed,
        "deadline": deadline,
        "breached": breached,
    }


def test_measurements(repo: Path) -> None:
    data = report_json(repo, "sla", *PERIOD)
    assert data["report"] == "sla" and data["version"] == 1
    assert data["period"] == {
        "since": "2026-10-01T00:00:00+02:00",
        "until": "2026-12-01T00:00:00+01:00",
    }
    by_name = {m["incident"]: m for m in data["measurements"]}
    assert list(by_name) == [
        "inc-dst",
        "inc-fri",
        "inc-hold",
        "inc-holiday",
        "inc-maint",
        "inc-ontime",
        "inc-open",
    ]
    assert by_name["inc-dst"] == {
        "incident": "inc-dst",
        "service": "api",
        "sla": "round",
        "priority": "P1",
        "open": False,
        "response": clocked("15m", 900, 600, "2026-10-25T00:45:00+02:00", False),
        "resolution": clocked("4h", 14400, 14460, "2026-10-25T03:30:00+01:00", True),
    }
    assert by_name["inc-ontime"]["resolution"] == clocked(
        "4h", 14400, 14400, "2026-10-25T03:30:00+01:00", False
    )
    assert by_name["inc-hold"]["resolution"] == clocked(
        "4h", 14400, 12600, "2026-11-16T16:00:00+01:00", False
    )
    assert by_name["inc-open"] == {
        "incident": "inc-open",
        "service": "api",
        "sla": "round",
        "priority": "P1",
        "open": True,
        "response": clocked("15m", 900, 57600, "2026-11-30T08:15:00+01:00", True),
        "resolution": clocked("4h", 14400, 57600, "2026-11-30T12:00:00+01:00", True),
    }
    assert by_name["inc-fri"] == {
        "incident": "inc-fri",
        "service": "web",
        "sla": "office",
        "priority": "P2",
        "open": False,
        "response": clocked("1h", 3600, 3660, "2026-10-26T08:30:00+01:00", True),
        # 1 business day from Friday 17:30 (9h30m into Friday): Monday 17:30.
        "resolution": clocked("1d", None, 5400, "2026-10-26T17:30:00+01:00", False),
    }
    assert by_name["inc-holiday"]["resolution"] == clocked(
        "1d", None, 35940, "2026-11-12T10:00:00+01:00", False
    )
    assert data["unmeasured"] == [
        {"incident": "inc-p4", "service": "web", "reason": "SLA 'office' has no target for P4"},
        {"incident": "inc-wiki", "service": "wiki", "reason": "the service has no SLA"},
    ]


def test_attainment_availability_and_findings(repo: Path) -> None:
    data = report_json(repo, "sla", *PERIOD)
    assert data["attainment"] == [
        {"service": "api", "priority": "P1", "measured": 5, "breached": 2, "percent": 60.0},
        {"service": "web", "priority": "P2", "measured": 2, "breached": 1, "percent": 50.0},
    ]
    # 1 h (inc-hold) + 30 min outside chg-1's window (inc-maint) in 30 days.
    assert data["availability"] == [
        {
            "service": "api",
            "sla": "round",
            "target": 99.9,
            "window": {"start": "2026-11-01T00:00:00+01:00", "end": "2026-12-01T00:00:00+01:00"},
            "downtimeSeconds": 5400,
            "achieved": 99.7917,
            "breached": True,
            # 0.1% of 30 days is 2592 s of budget; 5400 s down overspends it by 2808 s.
            "remainingBudgetSeconds": -2808,
        }
    ]
    summary = [
        (f["type"], f["severity"], [e["name"] for e in f["entities"]]) for f in data["findings"]
    ]
    assert summary == [
        ("availability-breach", "error", ["api", "round"]),
        ("sla-breach", "error", ["inc-dst", "api"]),
        ("sla-breach", "error", ["inc-open", "api"]),
        ("sla-breach", "error", ["inc-open", "api"]),
        ("sla-breach", "warning", ["inc-fri", "web"]),
    ]
    assert data["findings"][-1]["message"] == (
        "P2 response on web (office SLA, target 1h) was due 2026-10-26T08:30:00+01:00; "
        "ended 1m late (1h 1m of business time)"
    )


def test_text_lists_worst_first_and_fail_on(repo: Path) -> None:
    result = run_cli(["report", "sla", *PERIOD, "--repo", str(repo), "--fail-on", "sla-breach"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    table = lines[lines.index("Attainment (worst first)") + 1 :][:3]
    assert [line.split()[0] for line in table] == ["service", "web", "api"]
    ok = run_cli(["report", "sla", *PERIOD, "--repo", str(repo), "--format", "markdown"])
    assert ok.exit_code == 0
    assert "| web | P2 | 2 | 1 | 50.00% |" in ok.stdout


def test_an_open_incident_is_measured_up_to_until(repo: Path) -> None:
    data = report_json(repo, "sla", "--since", "2026-11-30", "--until", "2026-11-30T08:10:00+01:00")
    assert [m["incident"] for m in data["measurements"]] == ["inc-open"]
    response = data["measurements"][0]["response"]
    assert (response["elapsedSeconds"], response["breached"]) == (600, False)
    assert data["attainment"] == []  # open and not yet breached: not counted


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-12-01", "--until", "2026-11-01"], "is not before --until"),
        (["--since", "2026-13-01"], "--since '2026-13-01': use a date (YYYY-MM-DD"),
        (["--until", "2026-11-01T10:00:00"], "timestamp with an offset"),
        (["--fail-on", "sla-breech"], "did you mean 'sla-breach'?"),
    ],
)
def test_usage_errors_exit_2(repo: Path, args: list[str], message: str) -> None:
    result = run_cli(["report", "sla", "--repo", str(repo), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_needs_the_incident_practice(tmp_path: Path) -> None:
    from tests.helpers import CONFIG

    config = CONFIG.replace(
        "practices: [catalog, sla, change, incident, problem]", "practices: [catalog, sla]"
    )
    from tests.helpers import write_repo

    write_repo(tmp_path, {}, config=config)
    result = run_cli(["report", "sla", "--repo", str(tmp_path)])
    assert result.exit_code == 2
    assert "add 'incident' to spec.practices in itsm.yaml" in result.stderr


def test_at_reports_on_the_repository_as_it_was(repo: Path) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "quarter")
    (repo / "incidents/2026/inc-dst.yaml").unlink()
    git("commit", "-qam", "drop one")
    now = report_json(repo, "sla", *PERIOD)
    before = report_json(repo, "sla", *PERIOD, "--at", "HEAD~1")
    assert "inc-dst" not in [m["incident"] for m in now["measurements"]]
    assert "inc-dst" in [m["incident"] for m in before["measurements"]]
    bad = run_cli(["report", "sla", "--repo", str(repo), "--at", "no-such-ref"])
    assert bad.exit_code == 2


def test_hostile_targets_and_windows_do_not_hang_or_crash(tmp_path: Path) -> None:
    from tests.reports.planted import OFFICE, ROUND

    files = {
        "catalog/slas/office.yaml": OFFICE.replace("resolution: 1d", "resolution: 99999999w"),
        "catalog/slas/round.yaml": ROUND.replace("window: 30d", "window: 0m"),
        "incidents/2026/inc-fri.yaml": INCIDENTS["inc-fri"],
    }
    make_repo(tmp_path, files)
    data = report_json(tmp_path, "sla", *PERIOD)
    (measured,) = data["measurements"]
    assert measured["resolution"]["deadline"] is None
    assert measured["resolution"]["breached"] is False
    assert data["availability"] == []
    far = run_cli(["report", "sla", "--repo", str(tmp_path), "--until", "9999-12-31"])
    assert far.exit_code == 2
    assert "use a year between 1900 and 9000" in far.stderr


def test_remaining_error_budget_per_service(repo: Path) -> None:
    # A second 99.9% service down 30 min in the window: 2592 s budget - 1800 s = 792 s.
    (repo / "catalog/services/pay.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: pay}\nspec:\n"
        "  type: technical\n  tier: 2\n  lifecycle: live\n  owner: payments\n  sla: round\n",
        encoding="utf-8",
    )
    (repo / "incidents/2026/inc-pay.yaml").write_text(
        incident(
            "inc-pay",
            "pay",
            "P1",
            "2026-11-10T10:00:00+01:00",
            '  respondedAt: "2026-11-10T10:05:00+01:00"\n'
            '  resolvedAt: "2026-11-10T10:30:00+01:00"\n'
            '  downtime: {start: "2026-11-10T10:00:00+01:00", end: "2026-11-10T10:30:00+01:00"}\n',
        ),
        encoding="utf-8",
    )
    rows = {
        a["service"]: a["remainingBudgetSeconds"]
        for a in report_json(repo, "sla", *PERIOD)["availability"]
    }
    assert rows == {"api": -2808, "pay": 792}
    result = run_cli(["report", "sla", *PERIOD, "--repo", str(repo)])
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["api", "round", "99.9%", "99.7917%", "1h", "30m", "overspent", "46m"] in lines
    assert ["pay", "round", "99.9%", "99.9306%", "30m", "13m"] in lines
