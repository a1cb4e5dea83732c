"""change-window: end after start; no window in a freeze the policy names."""

from __future__ import annotations

from pathlib import Path

from tests import scale_cases
from tests.helpers import found, lint_repo, messages, service, write_repo
from tests.rules.change_files import (
    FREEZES_PATH,
    POLICY_PATH,
    WINDOW_COLUMN,
    WINDOW_END_COLUMN,
    calendar,
    change,
    policy,
)

FREEZES = calendar(
    "change-freezes",
    """
    freezes:
      - {name: year-end, start: "2026-12-18T00:00:00+01:00", end: "2027-01-04T00:00:00+01:00"}
      - {name: friday-afternoon, rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", duration: 63h}
    """,
)
IN_YEAR_END = {"start": "2026-12-21T22:00:00+01:00", "end": "2026-12-21T23:00:00+01:00"}


def repo(tmp_path: Path, changes: dict[str, str], *, policy_text: str | None = None) -> Path:
    files = {
        "catalog/services/api.yaml": service("api"),
        FREEZES_PATH: FREEZES,
        POLICY_PATH: policy_text if policy_text is not None else policy(),
    }
    files.update({f"changes/2026/{name}.yaml": text for name, text in changes.items()})
    return write_repo(tmp_path, files)


def test_window_outside_freezes_is_clean(tmp_path: Path) -> None:
    # Wednesday 2026-12-02 22:00-23:30, before year-end and not on a Friday afternoon.
    repo(tmp_path, {"chg-1": change("chg-1")})
    assert found(lint_repo(tmp_path)) == []


def test_end_before_start(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "chg-1": change(
                "chg-1", start="2026-12-02T22:00:00+01:00", end="2026-12-02T21:00:00+01:00"
            )
        },
    )
    result = lint_repo(tmp_path)
    assert found(result, "change-window") == [
        ("changes/2026/chg-1.yaml", 9, WINDOW_END_COLUMN, "change-window")
    ]
    assert messages(result, "change-window") == [
        "the window ends at 2026-12-02T21:00:00+01:00, not after it starts at "
        "2026-12-02T22:00:00+01:00; set end after start"
    ]


def test_end_equal_to_start_is_reported_even_when_closed(tmp_path: Path) -> None:
    closed = change(
        "chg-1",
        end="2026-12-02T22:00:00+01:00",
        status="cancelled",
    )
    repo(tmp_path, {"chg-1": closed})
    assert found(lint_repo(tmp_path), "change-window") == [
        ("changes/2026/chg-1.yaml", 9, WINDOW_END_COLUMN, "change-window")
    ]


def test_window_in_one_off_freeze(tmp_path: Path) -> None:
    repo(tmp_path, {"chg-1": change("chg-1", **IN_YEAR_END)})
    result = lint_repo(tmp_path)
    assert found(result) == [("changes/2026/chg-1.yaml", 9, WINDOW_COLUMN, "change-window")]
    assert messages(result, "change-window") == [
        "the window 2026-12-21T22:00:00+01:00 to 2026-12-21T23:00:00+01:00 falls in change "
        "freeze 'year-end' of calendar 'change-freezes' (2026-12-18T00:00:00+01:00 to "
        "2027-01-04T00:00:00+01:00); move the window out of the freeze (only emergency "
        "changes are exempt)"
    ]


def test_window_in_recurring_freeze_in_another_offset(tmp_path: Path) -> None:
    # Friday 2026-11-27 14:30Z is 15:30 in Berlin: inside the Friday-afternoon freeze.
    repo(
        tmp_path,
        {"chg-1": change("chg-1", start="2026-11-27T14:30:00Z", end="2026-11-27T15:00:00Z")},
    )
    result = lint_repo(tmp_path)
    assert found(result) == [("changes/2026/chg-1.yaml", 9, WINDOW_COLUMN, "change-window")]
    assert "freeze 'friday-afternoon'" in messages(result)[0]
    assert "(2026-11-27T15:00:00+01:00 to 2026-11-30T06:00:00+01:00)" in messages(result)[0]


def test_window_touching_freeze_start_is_clean(tmp_path: Path) -> None:
    # Ends exactly at 15:00 Berlin time, when the freeze begins.
    repo(
        tmp_path,
        {"chg-1": change("chg-1", start="2026-11-27T13:00:00Z", end="2026-11-27T14:00:00Z")},
    )
    assert found(lint_repo(tmp_path)) == []


def test_window_overlapping_two_freezes_names_the_earliest(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "chg-1": change(
                "chg-1", start="2026-12-17T12:00:00+01:00", end="2026-12-19T12:00:00+01:00"
            )
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [("changes/2026/chg-1.yaml", 9, WINDOW_COLUMN, "change-window")]
    assert "freeze 'year-end'" in messages(result)[0]
    assert "(and 1 more freeze)" in messages(result)[0]


def test_exempt_type_may_run_in_a_freeze(tmp_path: Path) -> None:
    repo(tmp_path, {"chg-1": change("chg-1", type="emergency", **IN_YEAR_END)})
    assert found(lint_repo(tmp_path)) == []


def test_exemption_comes_from_the_policy(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {"chg-1": change("chg-1", type="emergency", **IN_YEAR_END)},
        policy_text=policy(exempt="[]"),
    )
    result = lint_repo(tmp_path)
    assert found(result) == [("changes/2026/chg-1.yaml", 9, WINDOW_COLUMN, "change-window")]
    assert messages(result)[0].endswith("(no change type is exempt)")


def test_closed_changes_are_history(tmp_path: Path) -> None:
    done = change(
        "chg-1",
        status="completed",
        extra='outcome: {finishedAt: "2026-12-21T22:50:00+01:00"}\n',
        **IN_YEAR_END,
    )
    repo(tmp_path, {"chg-1": done})
    assert found(lint_repo(tmp_path)) == []


def test_in_progress_change_is_checked(tmp_path: Path) -> None:
    repo(tmp_path, {"chg-1": change("chg-1", status="in-progress", **IN_YEAR_END)})
    assert found(lint_repo(tmp_path), "change-window") == [
        ("changes/2026/chg-1.yaml", 9, WINDOW_COLUMN, "change-window")
    ]


def test_only_calendars_named_by_the_policy_freeze(tmp_path: Path) -> None:
    repo(tmp_path, {"chg-1": change("chg-1", **IN_YEAR_END)}, policy_text=policy(calendars="[]"))
    assert found(lint_repo(tmp_path)) == []


def test_no_policy_no_freeze(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            FREEZES_PATH: FREEZES,
            "changes/2026/chg-1.yaml": change("chg-1", **IN_YEAR_END),
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_many_changes_are_checked(tmp_path: Path) -> None:
    reported = scale_cases.change_window_changes(tmp_path, 2000)()
    expected = {
        f"changes/2026/chg-{i}.yaml" for i in range(2000) if 1 + i % 28 in scale_cases.WEEKEND_DAYS
    }
    assert {d.location.path for d in reported} == expected
    assert len(reported) == len(expected)
