"""calendar-valid: zone, rrule (from the loader), business hours, holidays, freezes."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint_repo, messages, write_repo
from tests.rules.change_files import calendar

PATH = "catalog/calendars/ops.yaml"
RULE = "calendar-valid"


def lint_calendar(tmp_path: Path, spec: str, *, timezone: str = "Europe/Berlin") -> list[str]:
    write_repo(tmp_path, {PATH: calendar("ops", spec, timezone=timezone)})
    result = lint_repo(tmp_path)
    assert {row[3] for row in found(result)} <= {RULE}, found(result)
    return messages(result)


def positions(tmp_path: Path) -> list[tuple[int, int]]:
    return [(line, column) for _, line, column, _ in found(lint_repo(tmp_path), RULE)]


def test_valid_calendar_is_clean(tmp_path: Path) -> None:
    spec = """
    businessHours:
      - {days: [mon, tue, wed, thu, fri], from: "08:00", to: "12:00"}
      - {days: [mon, tue, wed, thu, fri], from: "13:00", to: "24:00"}
    holidays:
      - {date: 2026-12-25, name: Christmas Day}
      - {date: 2026-12-26}
    freezes:
      - {name: year-end, start: "2026-12-18T00:00:00+01:00", end: "2027-01-04T00:00:00+01:00"}
      - {name: friday, rrule: "RRULE:FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", duration: 63h}
    """
    assert lint_calendar(tmp_path, spec) == []


def test_unknown_zone_is_reported_under_this_rule(tmp_path: Path) -> None:
    found_messages = lint_calendar(tmp_path, "holidays: []\n", timezone="Europe/Berlinn")
    assert positions(tmp_path) == [(5, 13)]
    assert found_messages == [
        "spec.timezone: unknown time zone 'Europe/Berlinn' (did you mean 'Europe/Berlin'?); "
        "use an IANA name such as 'Europe/Berlin'"
    ]


def test_invalid_rrule_is_reported_under_this_rule(tmp_path: Path) -> None:
    spec = """
    freezes:
      - {name: friday, rrule: "FREQ=FORTNIGHTLY;BYDAY=FR", duration: 1h}
    """
    found_messages = lint_calendar(tmp_path, spec)
    assert positions(tmp_path) == [(7, 29)]
    assert found_messages[0].startswith(
        "spec.freezes[0].rrule: invalid rrule 'FREQ=FORTNIGHTLY;BYDAY=FR'"
    )


def test_business_hours_must_end_after_they_start(tmp_path: Path) -> None:
    spec = """
    businessHours:
      - {days: [mon], from: "18:00", to: "08:00"}
      - {days: [tue], from: "09:00", to: "09:00"}
    """
    found_messages = lint_calendar(tmp_path, spec)
    assert positions(tmp_path) == [(7, 40), (8, 40)]
    assert found_messages[0] == (
        "business hours end at 08:00, not after they start at 18:00; set 'to' later than "
        "'from' (use 24:00 for midnight, and a second entry for hours that run past midnight)"
    )


def test_day_repeated_in_an_entry(tmp_path: Path) -> None:
    spec = """
    businessHours:
      - {days: [mon, tue, mon], from: "08:00", to: "18:00"}
    """
    assert lint_calendar(tmp_path, spec) == ["'mon' is listed twice in this entry; remove one"]
    assert positions(tmp_path) == [(7, 25)]


def test_entries_overlapping_on_a_day(tmp_path: Path) -> None:
    spec = """
    businessHours:
      - {days: [mon, tue], from: "08:00", to: "12:00"}
      - {days: [wed, tue], from: "11:00", to: "18:00"}
    """
    assert lint_calendar(tmp_path, spec) == [
        "'tue' 11:00-18:00 overlaps businessHours[0] (08:00-12:00) on the same day; "
        "merge the two entries"
    ]
    assert positions(tmp_path) == [(8, 20)]


def test_duplicate_holiday(tmp_path: Path) -> None:
    spec = """
    holidays:
      - {date: 2026-12-25, name: Christmas Day}
      - {date: 2026-12-26}
      - {date: 2026-12-25, name: Xmas}
    """
    assert lint_calendar(tmp_path, spec) == [
        "holiday 2026-12-25 is already listed as holidays[0]; remove the duplicate"
    ]
    assert positions(tmp_path) == [(9, 14)]


def test_freeze_mixing_one_off_and_recurring(tmp_path: Path) -> None:
    spec = """
    freezes:
      - {name: year-end, start: "2026-12-18T00:00:00+01:00", duration: 2w}
    """
    assert lint_calendar(tmp_path, spec) == [
        "freeze 'year-end' mixes a one-off period (start/end) with a recurring one "
        "(rrule/duration); use start and end, or rrule and duration, not both"
    ]
    # At the key where the second form begins.
    assert positions(tmp_path) == [(7, 60)]


def test_freeze_with_half_a_form(tmp_path: Path) -> None:
    spec = """
    freezes:
      - {name: a, start: "2026-12-18T00:00:00+01:00"}
      - {name: b, end: "2026-12-18T00:00:00+01:00"}
      - {name: c, rrule: "FREQ=DAILY"}
      - {name: d, duration: 1h}
      - {name: e}
    """
    assert lint_calendar(tmp_path, spec) == [
        "freeze 'a' has start but no end; add end",
        "freeze 'b' has end but no start; add start",
        "freeze 'c' has rrule but no duration; add duration",
        "freeze 'd' has duration but no rrule; add rrule",
        "freeze 'e' has no time: give start and end (one-off) or rrule and duration (recurring)",
    ]
    assert positions(tmp_path) == [(7, 17), (8, 17), (9, 17), (10, 17), (11, 7)]


def test_freeze_end_after_start_and_positive_duration(tmp_path: Path) -> None:
    spec = """
    freezes:
      - {name: a, start: "2026-12-18T00:00:00+01:00", end: "2026-12-17T23:00:00Z"}
      - {name: b, rrule: "FREQ=DAILY", duration: 0h}
    """
    assert lint_calendar(tmp_path, spec) == [
        "freeze 'a' ends at 2026-12-17T23:00:00+00:00, not after it starts at "
        "2026-12-18T00:00:00+01:00; set end after start",
        "freeze 'b' has a zero duration; give each occurrence a length",
    ]
    assert positions(tmp_path) == [(7, 58), (8, 48)]


def test_rrule_must_be_a_single_rule(tmp_path: Path) -> None:
    spec = """
    freezes:
      - {name: a, rrule: "DTSTART:20260101T000000\\nRRULE:FREQ=DAILY", duration: 1h}
    """
    found_messages = lint_calendar(tmp_path, spec)
    assert positions(tmp_path) == [(7, 24)]
    assert "without DTSTART, EXDATE or RDATE lines" in found_messages[0]


def test_rrule_that_never_occurs(tmp_path: Path) -> None:
    spec = """
    freezes:
      - {name: a, rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", duration: 1d}
    """
    assert lint_calendar(tmp_path, spec) == [
        "freeze 'a': rrule 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' never occurs (its BY parts "
        "exclude every date), so this freeze never applies; fix the rule"
    ]
    assert positions(tmp_path) == [(7, 24)]
