"""Freeze arithmetic: one-off and recurring freezes, DST, boundaries, bounded expansion."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from itsmcode.clock.freezes import (
    FreezeInterval,
    active_freeze,
    freeze_intervals,
    rrule_never_occurs,
)
from itsmcode.models import Calendar
from tests import scale_cases

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


def calendar(*freezes: dict[str, str], zone: str = "Europe/Berlin") -> Calendar:
    return Calendar.model_validate(
        {
            "apiVersion": "itsmcode/v1",
            "kind": "Calendar",
            "metadata": {"name": "change-freezes"},
            "spec": {"timezone": zone, "freezes": list(freezes)},
        }
    )


YEAR_END = {
    "name": "year-end",
    "start": "2026-12-18T00:00:00+01:00",
    "end": "2027-01-04T00:00:00+01:00",
}
FRIDAY = {"name": "friday", "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", "duration": "63h"}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_one_off_freeze_is_half_open() -> None:
    cal = calendar(YEAR_END)
    start = datetime(2026, 12, 18, tzinfo=CET)
    end = datetime(2027, 1, 4, tzinfo=CET)
    frozen = [FreezeInterval("year-end", start, end)]
    assert freeze_intervals(cal, start - timedelta(hours=2), start) == []
    assert freeze_intervals(cal, start - timedelta(hours=2), start + timedelta(minutes=1)) == frozen
    assert freeze_intervals(cal, end, end + timedelta(hours=1)) == []
    assert freeze_intervals(cal, end - timedelta(minutes=1), end + timedelta(hours=1)) == frozen
    assert active_freeze(cal, start) == "year-end"
    assert active_freeze(cal, end - timedelta(seconds=1)) == "year-end"
    assert active_freeze(cal, end) is None
    assert active_freeze(cal, start - timedelta(seconds=1)) is None


def test_weekly_freeze_keeps_local_time_across_spring_dst() -> None:
    # Clocks go forward in Berlin on Sunday 2026-03-29.
    found = freeze_intervals(calendar(FRIDAY), berlin(2026, 3, 20), berlin(2026, 4, 4))
    assert [(i.start.isoformat(), i.end.isoformat()) for i in found] == [
        ("2026-03-20T15:00:00+01:00", "2026-03-23T06:00:00+01:00"),
        # Friday 15:00 CET to Monday 06:00 CEST: the duration is read on the wall clock.
        ("2026-03-27T15:00:00+01:00", "2026-03-30T06:00:00+02:00"),
        ("2026-04-03T15:00:00+02:00", "2026-04-06T06:00:00+02:00"),
    ]


def test_weekly_freeze_across_autumn_dst() -> None:
    found = freeze_intervals(calendar(FRIDAY), berlin(2026, 10, 23), berlin(2026, 10, 31))
    assert [(i.start.isoformat(), i.end.isoformat()) for i in found] == [
        ("2026-10-23T15:00:00+02:00", "2026-10-26T06:00:00+01:00"),
        ("2026-10-30T15:00:00+01:00", "2026-11-02T06:00:00+01:00"),
    ]
    # 14:00 UTC is 15:00 CET after the change, 16:00 CEST before it.
    assert active_freeze(calendar(FRIDAY), datetime(2026, 10, 30, 14, 0, tzinfo=UTC)) == "friday"
    assert active_freeze(calendar(FRIDAY), datetime(2026, 10, 30, 13, 59, tzinfo=UTC)) is None
    assert active_freeze(calendar(FRIDAY), datetime(2026, 10, 23, 13, 0, tzinfo=UTC)) == "friday"


def test_occurrence_started_before_the_window_is_found() -> None:
    # Sunday noon is inside the freeze that began on Friday.
    found = freeze_intervals(calendar(FRIDAY), berlin(2026, 11, 29, 12), berlin(2026, 11, 29, 13))
    assert [i.start.isoformat() for i in found] == ["2026-11-27T15:00:00+01:00"]
    assert active_freeze(calendar(FRIDAY), berlin(2026, 11, 30, 5, 59)) == "friday"
    assert active_freeze(calendar(FRIDAY), berlin(2026, 11, 30, 6, 0)) is None


def test_skipped_local_time_uses_offset_before_the_gap() -> None:
    nightly = {"name": "nightly", "rrule": "FREQ=DAILY;BYHOUR=2;BYMINUTE=30", "duration": "30m"}
    found = freeze_intervals(calendar(nightly), berlin(2026, 3, 29), berlin(2026, 3, 29, 12))
    # 02:30 does not exist that night: RFC 5545 reads it as 02:30+01:00, which the clock
    # shows as 03:30 CEST; the wall-clock end (03:00) would precede it, so the freeze
    # keeps its 30 minutes.
    assert [(i.start.isoformat(), i.end.isoformat()) for i in found] == [
        ("2026-03-29T03:30:00+02:00", "2026-03-29T04:00:00+02:00")
    ]


def test_repeated_local_time_is_its_first_occurrence() -> None:
    nightly = {"name": "nightly", "rrule": "FREQ=DAILY;BYHOUR=2;BYMINUTE=30", "duration": "15m"}
    found = freeze_intervals(calendar(nightly), berlin(2026, 10, 25), berlin(2026, 10, 25, 12))
    assert [(i.start.isoformat(), i.end.isoformat()) for i in found] == [
        ("2026-10-25T02:30:00+02:00", "2026-10-25T02:45:00+02:00")
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;BYHOUR=9",
        "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,SA",
        "FREQ=DAILY;INTERVAL=3;BYHOUR=1",
        "FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR;BYHOUR=18",
        "FREQ=MONTHLY;BYMONTHDAY=1,15;BYSETPOS=-1",
        "FREQ=YEARLY;INTERVAL=3;BYMONTH=12;BYMONTHDAY=24",
        "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
        "FREQ=HOURLY;INTERVAL=7",
        "FREQ=MINUTELY;INTERVAL=45;BYHOUR=3",
        "RRULE:FREQ=WEEKLY",
    ],
)
def test_expansion_near_the_window_matches_expansion_from_1970(rule: str) -> None:
    # The reference walks the rule from its real DTSTART, 1970-01-01T00:00 local.
    reference = rrulestr(rule, dtstart=datetime(1970, 1, 1))
    lo, hi = datetime(2026, 11, 1), datetime(2028, 1, 1)
    expected = [
        datetime(*o.timetuple()[:6], tzinfo=BERLIN).astimezone(UTC)
        for o in reference.between(lo, hi, inc=True)
    ]
    freeze = {"name": "f", "rrule": rule, "duration": "1m"}
    found = freeze_intervals(calendar(freeze), lo.replace(tzinfo=BERLIN), hi.replace(tzinfo=BERLIN))
    assert [i.start.astimezone(UTC) for i in found] == expected
    assert expected  # the comparison means something


def test_far_future_query_is_bounded() -> None:
    # Walking a minutely rule from 1970 to year 9000 would take hours (and time out);
    # how fast it is, is benchmarks/bench_worst_cases.py's business.
    found = scale_cases.far_future_minutely()()
    minutes = [(i.start - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(minutes=1) for i in found]
    assert minutes and all(m % 7 == 0 for m in minutes)
    # Every 7 minutes from 1970: the first in this hour is at 00:05, the last at 00:54.
    assert [i.start.minute for i in found] == [5, 12, 19, 26, 33, 40, 47, 54]


def test_rule_that_never_occurs_yields_nothing_quickly() -> None:
    dead = {"name": "dead", "rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "duration": "1h"}
    cal = calendar(dead)
    assert rrule_never_occurs("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
    assert not rrule_never_occurs("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")
    for month in range(1, 13):
        assert freeze_intervals(cal, berlin(2026, month, 1), berlin(2026, month, 28)) == []
    assert scale_cases.dead_rule_monthly()() == [[]] * 12


def test_count_and_until_end_a_rule() -> None:
    counted = {"name": "counted", "rrule": "FREQ=YEARLY;COUNT=57;BYMONTH=12", "duration": "1d"}
    until = {"name": "until", "rrule": "FREQ=WEEKLY;UNTIL=20261231T000000", "duration": "1h"}
    cal = calendar(counted, until)
    # COUNT counts from 1970: 57 Decembers are 1970..2026.
    assert [i.name for i in freeze_intervals(cal, berlin(2026, 12, 1), berlin(2026, 12, 2))] == [
        "counted"
    ]
    assert freeze_intervals(cal, berlin(2027, 12, 1), berlin(2027, 12, 2)) == []
    assert [i.name for i in freeze_intervals(cal, berlin(2026, 12, 24), berlin(2026, 12, 25))] == [
        "until"
    ]
    assert freeze_intervals(cal, berlin(2027, 1, 7), berlin(2027, 1, 8)) == []


def test_first_per_freeze_and_order() -> None:
    cal = calendar(FRIDAY, YEAR_END)
    window = (berlin(2026, 12, 1), berlin(2027, 1, 10))
    everything = freeze_intervals(cal, *window)
    assert [i.name for i in everything].count("friday") == 6
    assert everything == sorted(everything, key=lambda i: i.start)
    first = freeze_intervals(cal, *window, first_per_freeze=True)
    assert [(i.name, i.start.isoformat()) for i in first] == [
        ("friday", "2026-12-04T15:00:00+01:00"),
        ("year-end", "2026-12-18T00:00:00+01:00"),
    ]
    assert active_freeze(cal, berlin(2026, 12, 19, 12)) == "year-end"  # starts earlier


def test_incomplete_freezes_are_skipped() -> None:
    cal = calendar(
        {"name": "half", "start": "2026-12-18T00:00:00+01:00"}, {"name": "r", "rrule": "FREQ=DAILY"}
    )
    assert freeze_intervals(cal, berlin(2026, 12, 1), berlin(2027, 1, 1)) == []


def test_rule_with_its_own_dtstart_still_expands() -> None:
    own = {
        "name": "own",
        "rrule": "DTSTART:20261201T100000\nRRULE:FREQ=DAILY;COUNT=2",
        "duration": "1h",
    }
    found = freeze_intervals(calendar(own), berlin(2026, 11, 1), berlin(2027, 1, 1))
    assert [i.start.isoformat() for i in found] == [
        "2026-12-01T10:00:00+01:00",
        "2026-12-02T10:00:00+01:00",
    ]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        freeze_intervals(calendar(FRIDAY), datetime(2026, 1, 1), datetime(2026, 1, 2))
