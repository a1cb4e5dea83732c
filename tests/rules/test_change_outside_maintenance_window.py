"""change-outside-maintenance-window: normal changes fit in one agreed window of each of
their services (their own windows and their SLA calendar's); every expectation is
written out by hand."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint_repo, messages, service, write_repo
from tests.rules.change_files import POLICY_PATH, WINDOW_COLUMN, calendar, change

RULE = "change-outside-maintenance-window"
WEEKNIGHTS = """\
maintenanceWindows:
  - {name: weeknights, rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=22", duration: 4h,
     timezone: Europe/Berlin}
"""
SLA = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: silver}
spec:
  calendar: office
"""
OFFICE = calendar(
    "office",
    """
    maintenanceWindows:
      - {name: saturday-morning, rrule: "FREQ=WEEKLY;BYDAY=SA;BYHOUR=6", duration: 6h}
      - {name: migration, start: "2026-12-05T20:00:00+01:00", end: "2026-12-06T02:00:00+01:00"}
    """,
)
BACK_TO_BACK = """\
maintenanceWindows:
  - {name: early, rrule: "FREQ=DAILY;BYHOUR=20", duration: 2h, timezone: Europe/Berlin}
  - {name: late, rrule: "FREQ=DAILY;BYHOUR=22", duration: 2h, timezone: Europe/Berlin}
"""
PAYMENTS_POLICY = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {name: approval-policy}
spec:
  maintenance: {exemptTypes: [emergency]}
  rules:
    - name: governance
      when: {paths: [".github/**", "processes/**", "itsm.yaml"]}
      require: {teams: [payments], count: 2}
"""
WED_AFTERNOON = {"start": "2026-12-02T14:00:00+01:00", "end": "2026-12-02T15:00:00+01:00"}


def repo(tmp_path: Path, changes: dict[str, str], **extra: str) -> Path:
    files = {
        "catalog/services/api.yaml": service("api", extra=WEEKNIGHTS),
        "catalog/services/db.yaml": service("db"),
        "catalog/services/web.yaml": service("web", extra="sla: silver\n"),
        "catalog/services/both.yaml": service("both", extra="sla: silver\n" + WEEKNIGHTS),
        "catalog/services/edge.yaml": service("edge", extra=BACK_TO_BACK),
        "catalog/slas/silver.yaml": SLA,
        "catalog/calendars/office.yaml": OFFICE,
        **extra,
    }
    files.update({f"changes/2026/{name}.yaml": text for name, text in changes.items()})
    return write_repo(tmp_path, files)


def test_a_change_inside_a_weeknight_window_is_clean(tmp_path: Path) -> None:
    # Wednesday 2026-12-02 22:00-23:30 Berlin, inside Wednesday 22:00-02:00.
    repo(tmp_path, {"chg-1": change("chg-1")})
    assert found(lint_repo(tmp_path)) == []


def test_a_change_in_the_afternoon_is_outside(tmp_path: Path) -> None:
    repo(tmp_path, {"chg-1": change("chg-1", **WED_AFTERNOON)})
    result = lint_repo(tmp_path)
    assert found(result, RULE) == [("changes/2026/chg-1.yaml", 9, WINDOW_COLUMN, RULE)]
    assert messages(result, RULE) == [
        "the window 2026-12-02T14:00:00+01:00 to 2026-12-02T15:00:00+01:00 does not fit in "
        "one agreed maintenance window of service 'api' (weeknights); the next is "
        "'weeknights' from 2026-12-02T22:00:00+01:00; move the window into one, or make it "
        "an exempt type (policy spec.maintenance.exemptTypes)"
    ]


def test_exactly_the_occurrence_fits_and_one_minute_more_does_not(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "chg-1": change(
                "chg-1", start="2026-12-02T22:00:00+01:00", end="2026-12-03T02:00:00+01:00"
            ),
            "chg-2": change(
                "chg-2", start="2026-12-02T21:59:00+01:00", end="2026-12-03T01:00:00+01:00"
            ),
            "chg-3": change(
                "chg-3", start="2026-12-02T23:00:00+01:00", end="2026-12-03T02:01:00+01:00"
            ),
        },
    )
    assert [p for p, *_ in found(lint_repo(tmp_path), RULE)] == [
        "changes/2026/chg-2.yaml",
        "changes/2026/chg-3.yaml",
    ]


def test_two_back_to_back_occurrences_are_not_one_window(tmp_path: Path) -> None:
    # edge: 20:00-22:00 and 22:00-24:00 every day; 21:00-23:00 spans both.
    repo(
        tmp_path,
        {
            "chg-1": change(
                "chg-1",
                services="[edge]",
                start="2026-12-02T21:00:00+01:00",
                end="2026-12-02T23:00:00+01:00",
            ),
            "chg-2": change(
                "chg-2",
                services="[edge]",
                start="2026-12-02T22:00:00+01:00",
                end="2026-12-03T00:00:00+01:00",
            ),
        },
    )
    assert found(lint_repo(tmp_path), RULE) == [("changes/2026/chg-1.yaml", 9, WINDOW_COLUMN, RULE)]


def test_services_without_windows_impose_none(tmp_path: Path) -> None:
    repo(tmp_path, {"chg-1": change("chg-1", services="[db]", **WED_AFTERNOON)})
    assert found(lint_repo(tmp_path), RULE) == []


def test_the_sla_calendar_windows_bind_its_services(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            # Saturday 2026-12-05 07:00-08:00: inside saturday-morning.
            "chg-1": change(
                "chg-1",
                services="[web]",
                start="2026-12-05T07:00:00+01:00",
                end="2026-12-05T08:00:00+01:00",
            ),
            # Saturday 23:00 to Sunday 01:00: inside the one-off migration window.
            "chg-2": change(
                "chg-2",
                services="[web]",
                start="2026-12-05T23:00:00+01:00",
                end="2026-12-06T01:00:00+01:00",
            ),
            "chg-3": change("chg-3", services="[web]", **WED_AFTERNOON),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result, RULE) == [("changes/2026/chg-3.yaml", 9, WINDOW_COLUMN, RULE)]
    assert messages(result, RULE) == [
        "the window 2026-12-02T14:00:00+01:00 to 2026-12-02T15:00:00+01:00 does not fit in "
        "one agreed maintenance window of service 'web' (saturday-morning, migration); the "
        "next is 'saturday-morning' from 2026-12-05T06:00:00+01:00; move the window into one, or "
        "make it an exempt type (policy spec.maintenance.exemptTypes)"
    ]


def test_own_and_calendar_windows_add_up(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "chg-1": change("chg-1", services="[both]"),  # weeknight (its own)
            "chg-2": change(
                "chg-2",
                services="[both]",
                start="2026-12-05T07:00:00+01:00",
                end="2026-12-05T08:00:00+01:00",
            ),  # Saturday morning (its calendar's)
        },
    )
    assert found(lint_repo(tmp_path), RULE) == []


def test_each_service_missed_is_reported(tmp_path: Path) -> None:
    repo(tmp_path, {"chg-1": change("chg-1", services="[api, db, web]", **WED_AFTERNOON)})
    result = lint_repo(tmp_path)
    assert [m.split("service ")[1].split(" ")[0] for m in messages(result, RULE)] == [
        "'api'",
        "'web'",
    ]


def test_standard_emergency_and_closed_changes_are_not_held_by_default(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "chg-1": change("chg-1", type="emergency", **WED_AFTERNOON),
            "chg-2": change(
                "chg-2",
                type="standard",
                extra="template: restart\n",
                **WED_AFTERNOON,
            ),
            "chg-3": change(
                "chg-3",
                status="completed",
                extra="outcome: {startedAt: '2026-12-02T14:00:00+01:00', "
                "finishedAt: '2026-12-02T15:00:00+01:00'}\n",
                **WED_AFTERNOON,
            ),
        },
    )
    assert found(lint_repo(tmp_path), RULE) == []


def test_the_policy_can_hold_standard_changes_too(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "chg-1": change("chg-1", type="emergency", **WED_AFTERNOON),
            "chg-2": change("chg-2", type="standard", extra="template: restart\n", **WED_AFTERNOON),
        },
        **{POLICY_PATH: PAYMENTS_POLICY},
    )
    assert [p for p, *_ in found(lint_repo(tmp_path), RULE)] == ["changes/2026/chg-2.yaml"]


def test_a_window_that_cannot_be_placed_is_a_calendar_valid_error(tmp_path: Path) -> None:
    broken = "maintenanceWindows:\n  - {name: nights, rrule: FREQ=DAILY;BYHOUR=22}\n"
    repo(tmp_path, {}, **{"catalog/services/db.yaml": service("db", extra=broken)})
    result = lint_repo(tmp_path)
    assert found(result, "calendar-valid") == [
        ("catalog/services/db.yaml", 10, 22, "calendar-valid")
    ]
    assert messages(result, "calendar-valid") == [
        "maintenance window 'nights' has rrule but no duration; add duration"
    ]
