"""itsm report changes through the real CLI; expected values worked out by hand."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import change_request
from tests.reports.planted import completed_change, incident, make_repo, report_json


def test_deployed_failed_and_findings(tmp_path: Path) -> None:
    review = "review: {summary: Looked at it., reviewedAt: 2026-11-04}\n"
    files = {
        "changes/2026/chg-1.yaml": completed_change("chg-1", "2026-11-20T22:50:00+01:00"),
        "changes/2026/chg-2.yaml": completed_change(
            "chg-2", "2026-11-02T22:30:00+01:00", status="failed"
        )
        + "  "
        + review,
        "changes/2026/chg-3.yaml": completed_change(
            "chg-3", "2026-11-05T22:30:00+01:00", extra=", incidents: [inc-a]"
        ),
        "changes/2026/chg-4.yaml": completed_change("chg-4", "2026-11-06T22:30:00+01:00"),
        "changes/2026/chg-5.yaml": completed_change(
            "chg-5", "2026-11-03T10:00:00+01:00", type="emergency", services="[api, web]"
        ),
        "changes/2026/chg-6.yaml": completed_change(
            "chg-6", "2026-11-28T10:00:00+01:00", type="emergency"
        ),
        "changes/2026/chg-7.yaml": change_request(
            "chg-7",
            status="cancelled",
            start="2026-11-10T22:00:00+01:00",
            end="2026-11-10T23:00:00+01:00",
        ),
        "changes/2026/chg-8.yaml": completed_change("chg-8", "2026-09-15T22:00:00+02:00"),
        "changes/2026/chg-9.yaml": change_request("chg-9", status="in-progress"),
        "incidents/2026/inc-a.yaml": incident("inc-a", "api", "P3", "2026-11-06T09:00:00+01:00"),
        "incidents/2026/inc-b.yaml": incident(
            "inc-b",
            "api",
            "P3",
            "2026-11-07T09:00:00+01:00",
            "  cause: {category: change, change: chg-4}\n",
        ),
    }
    make_repo(tmp_path, files)
    data = report_json(tmp_path, "changes", "--since", "2026-10-01", "--until", "2026-12-01")
    assert data["report"] == "changes"
    assert data["totals"] == {
        "deployed": 6,
        "failed": 3,
        "failureRate": 0.5,
        "emergency": 2,
        "cancelled": 1,
    }
    assert data["byService"] == [
        {"service": "api", "deployed": 6, "failed": 3, "failureRate": 0.5},
        {"service": "web", "deployed": 1, "failed": 0, "failureRate": 0.0},
    ]
    assert data["byType"] == [
        {"type": "emergency", "deployed": 2, "failed": 0, "failureRate": 0.0},
        {"type": "normal", "deployed": 4, "failed": 3, "failureRate": 0.75},
    ]
    # chg-5 touches api and web, both owned by payments: it counts once for the team.
    assert data["byTeam"] == [{"team": "payments", "deployed": 6, "failed": 3, "failureRate": 0.5}]
    assert data["failed"] == [
        {
            "change": "chg-2",
            "services": ["api"],
            "finishedAt": "2026-11-02T22:30:00+01:00",
            "reasons": ["status failed"],
        },
        {
            "change": "chg-3",
            "services": ["api"],
            "finishedAt": "2026-11-05T22:30:00+01:00",
            "reasons": ["caused inc-a"],
        },
        {
            "change": "chg-4",
            "services": ["api"],
            "finishedAt": "2026-11-06T22:30:00+01:00",
            "reasons": ["caused inc-b"],
        },
    ]
    summary = [
        (f["type"], f["severity"], [e["name"] for e in f["entities"]]) for f in data["findings"]
    ]
    assert summary == [
        ("change-failure-rate", "warning", ["api"]),
        ("emergency-share", "warning", ["chg-5", "chg-6"]),
        ("review-overdue", "warning", ["chg-3"]),
        ("review-overdue", "warning", ["chg-4"]),
        ("review-overdue", "warning", ["chg-5"]),
    ]
    assert data["findings"][0]["message"] == (
        "3 of 6 changes to api failed (50%), above the 15% threshold "
        "(itsm.yaml spec.reports.changeFailureRate)"
    )
    # chg-6 finished 2026-11-28 10:00: its review is due 2026-12-03, after --until.
    assert data["findings"][-1]["message"].startswith(
        "chg-5 is emergency and has no post-implementation review 5d after it finished "
        "(due 2026-11-08T10:00:00+01:00, 22d 14h ago)"
    )
    fails = report_json(
        tmp_path,
        "changes",
        "--since",
        "2026-10-01",
        "--until",
        "2026-12-01",
        "--fail-on",
        "emergency-share",
        code=1,
    )
    assert fails == data


def test_nothing_deployed_has_no_rate(tmp_path: Path) -> None:
    make_repo(tmp_path, {})
    data = report_json(tmp_path, "changes", "--since", "2026-10-01", "--until", "2026-12-01")
    assert data["totals"] == {
        "deployed": 0,
        "failed": 0,
        "failureRate": None,
        "emergency": 0,
        "cancelled": 0,
    }
    assert data["findings"] == []
