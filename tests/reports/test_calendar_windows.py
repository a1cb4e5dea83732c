"""Agreed maintenance windows in ``itsm calendar``: JSON, Markdown, the ics feed (read
back with vobject) and the change-outside-maintenance-window finding; expected values
written out by hand."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.helpers import run_cli, service, write_repo
from tests.reports.test_calendar_ics import events, feed
from tests.rules.change_files import calendar, change

vobject = pytest.importorskip("vobject")
UTC = timezone.utc
ROOT = Path(__file__).resolve().parents[2]

NIGHTS = (
    "maintenanceWindows:\n"
    '  - {name: nights, rrule: "FREQ=WEEKLY;BYDAY=WE,TH;BYHOUR=22", duration: 4h,'
    " timezone: Europe/Berlin}\n"
)
SLA = "apiVersion: itsmcode/v1\nkind: SLA\nmetadata: {name: silver}\nspec:\n  calendar: office\n"
OFFICE = calendar(
    "office",
    """
    maintenanceWindows:
      - {name: migration, start: "2026-12-05T20:00:00+01:00", end: "2026-12-06T02:00:00+01:00"}
    """,
)


def repo(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api", extra=NIGHTS),
            "catalog/services/web.yaml": service("web", extra="sla: silver\n"),
            "catalog/services/db.yaml": service("db", extra="sla: silver\n"),
            "catalog/slas/silver.yaml": SLA,
            "catalog/calendars/office.yaml": OFFICE,
            # Inside Wednesday's night: fine. Thursday afternoon on api: outside.
            "changes/2026/chg-1.yaml": change("chg-1"),
            "changes/2026/chg-2.yaml": change(
                "chg-2", start="2026-12-03T14:00:00+01:00", end="2026-12-03T15:00:00+01:00"
            ),
        },
    )


def calendar_cli(root: Path, *args: str) -> str:
    result = run_cli(
        ["calendar", "--repo", str(root), "--since", "2026-12-01", "--until", "2026-12-07", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_json_lists_each_occurrence_and_the_finding(tmp_path: Path) -> None:
    data = json.loads(calendar_cli(repo(tmp_path), "--format", "json"))
    assert data["maintenanceWindows"] == [
        {
            "source": "service api",
            "window": "nights",
            "start": "2026-12-02T22:00:00+01:00",
            "end": "2026-12-03T02:00:00+01:00",
            "services": ["api"],
        },
        {
            "source": "service api",
            "window": "nights",
            "start": "2026-12-03T22:00:00+01:00",
            "end": "2026-12-04T02:00:00+01:00",
            "services": ["api"],
        },
        {
            "source": "calendar office",
            "window": "migration",
            "start": "2026-12-05T20:00:00+01:00",
            "end": "2026-12-06T02:00:00+01:00",
            "services": ["db", "web"],
        },
    ]
    assert data["findings"] == [
        {
            "type": "change-outside-maintenance-window",
            "severity": "error",
            "entities": [{"kind": "ChangeRequest", "name": "chg-2"}],
            "message": "chg-2 (2026-12-03T14:00:00+01:00 to 2026-12-03T15:00:00+01:00) does "
            "not fit in one agreed maintenance window of service 'api'",
        }
    ]


def test_fail_on_the_finding_exits_1(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = run_cli(
        [
            "calendar",
            "--repo",
            str(root),
            "--since",
            "2026-12-01",
            "--until",
            "2026-12-07",
            "--fail-on",
            "change-outside-maintenance-window",
        ]
    )
    assert result.exit_code == 1
    assert (
        "  error: [change-outside-maintenance-window] chg-2 (2026-12-03T14:00:00+01:00 to "
        "2026-12-03T15:00:00+01:00) does not fit in one agreed maintenance window of service "
        "'api'\n" in result.output
    )


def test_markdown_lists_each_window_once(tmp_path: Path) -> None:
    out = calendar_cli(repo(tmp_path), "--format", "markdown")
    assert (
        "### Agreed maintenance windows\n\n"
        "| Window | Declared by | Binds | In the period | First |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| migration | calendar office | db, web | 1 | "
        "Sat 2026-12-05 20:00–Sun 2026-12-06 02:00 |\n"
        "| nights | service api | api | 2 | Wed 2026-12-02 22:00–Thu 2026-12-03 02:00 |\n"
    ) in out


def test_the_feed_has_one_event_per_occurrence(tmp_path: Path) -> None:
    cal = feed(repo(tmp_path), "2026-12-01", "2026-12-07")
    found = {
        uid: (e.dtstart.value, e.dtend.value, e.transp.value, e.categories.value)
        for uid, e in events(cal).items()
        if uid.startswith("window.")
    }
    assert found == {
        "window.service.api.nights.20261202T210000Z@test-org": (
            datetime(2026, 12, 2, 21, 0, tzinfo=UTC),
            datetime(2026, 12, 3, 1, 0, tzinfo=UTC),
            "TRANSPARENT",
            ["maintenance-window"],
        ),
        "window.service.api.nights.20261203T210000Z@test-org": (
            datetime(2026, 12, 3, 21, 0, tzinfo=UTC),
            datetime(2026, 12, 4, 1, 0, tzinfo=UTC),
            "TRANSPARENT",
            ["maintenance-window"],
        ),
        "window.calendar.office.migration.20261205T190000Z@test-org": (
            datetime(2026, 12, 5, 19, 0, tzinfo=UTC),
            datetime(2026, 12, 6, 1, 0, tzinfo=UTC),
            "TRANSPARENT",
            ["maintenance-window"],
        ),
    }
    migration = events(cal)["window.calendar.office.migration.20261205T190000Z@test-org"]
    assert migration.summary.value == "Maintenance window: migration (db, web)"


def test_the_example_feed_shows_the_weeknight_windows_across_dst() -> None:
    # payments-api's weeknights are 22:00 Berlin in winter (21:00Z) and summer (20:00Z).
    cal = feed(ROOT, "2027-03-22", "2027-04-02")
    starts = sorted(
        e.dtstart.value
        for uid, e in events(cal).items()
        if uid.startswith("window.service.payments-api.weeknights.")
    )
    assert starts == [
        datetime(2027, 3, 22, 21, 0, tzinfo=UTC),
        datetime(2027, 3, 23, 21, 0, tzinfo=UTC),
        datetime(2027, 3, 24, 21, 0, tzinfo=UTC),
        datetime(2027, 3, 25, 21, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 20, 0, tzinfo=UTC),
        datetime(2027, 3, 30, 20, 0, tzinfo=UTC),
        datetime(2027, 3, 31, 20, 0, tzinfo=UTC),
        datetime(2027, 4, 1, 20, 0, tzinfo=UTC),
    ]
