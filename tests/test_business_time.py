"""Business time (clock/business.py) against hand-computed cases and, with Hypothesis,
against a slow minute-by-minute reference that follows docs/reports.md literally."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itsmcode.clock.business import BusinessClock
from itsmcode.models import Calendar

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def calendar(
    hours: list[dict[str, Any]] | None = None,
    holidays: list[str] = (),  # type: ignore[assignment]
    zone: str = "Europe/Berlin",
) -> Calendar:
    spec: dict[str, Any] = {"timezone": zone, "holidays": [{"date": d} for d in holidays]}
    if hours:
        spec["businessHours"] = hours
    return Calendar.model_validate(
        {"apiVersion": "itsmcode/v1", "kind": "Calendar", "metadata": {"name": "c"}, "spec": spec}
    )


OFFICE = [{"days": WEEKDAYS[:5], "from": "08:00", "to": "18:00"}]


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


# -- hand-computed cases ----------------------------------------------------------------
def test_one_business_day_from_friday_evening_is_monday_close() -> None:
    clock = BusinessClock(calendar(OFFICE))
    # 2026-11-06 is a Friday.
    assert clock.deadline(berlin("2026-11-06T19:30"), 1, "d") == berlin("2026-11-09T18:00")
    assert clock.deadline(berlin("2026-11-07T11:00"), 1, "d") == berlin("2026-11-09T18:00")


def test_one_business_day_from_monday_ten_is_tuesday_ten() -> None:
    clock = BusinessClock(calendar(OFFICE))
    assert clock.deadline(berlin("2026-11-09T10:00"), 1, "d") == berlin("2026-11-10T10:00")
    # Opened at the opening itself: no business time of Monday before it, so D is Friday.
    assert clock.deadline(berlin("2026-11-09T08:00"), 1, "d") == berlin("2026-11-09T18:00")


def test_business_days_skip_a_holiday() -> None:
    clock = BusinessClock(calendar(OFFICE, holidays=["2026-11-10"]))
    assert clock.deadline(berlin("2026-11-09T10:00"), 1, "d") == berlin("2026-11-11T10:00")
    assert clock.deadline(berlin("2026-11-09T10:00"), 2, "d") == berlin("2026-11-12T10:00")


def test_a_week_on_office_hours_is_five_business_days() -> None:
    clock = BusinessClock(calendar(OFFICE))
    assert clock.deadline(berlin("2026-11-09T10:00"), 1, "w") == berlin("2026-11-16T10:00")


def test_hours_run_over_the_weekend_and_a_dst_change() -> None:
    clock = BusinessClock(calendar(OFFICE))
    # Friday 2026-10-23 17:00 + 4 business hours: 1 h on Friday, 3 h on Monday 26th,
    # the weekend in between holds the change to winter time (25 October).
    start = berlin("2026-10-23T17:00")
    assert clock.deadline(start, 4, "h") == berlin("2026-10-26T11:00")
    assert clock.elapsed(start, berlin("2026-10-26T11:00")) == 4 * 3600


def test_a_24x7_day_is_23_or_25_hours_on_dst_dates() -> None:
    clock = BusinessClock(calendar())
    spring = clock.elapsed(berlin("2026-03-29T00:00"), berlin("2026-03-30T00:00"))
    autumn = clock.elapsed(berlin("2026-10-25T00:00"), berlin("2026-10-26T00:00"))
    assert (spring, autumn) == (23 * 3600, 25 * 3600)
    # d is 24 hours of business time on 24x7: 1d from Saturday noon before spring-forward
    # ends Sunday 13:00 local (the night lost an hour).
    assert clock.deadline(berlin("2026-03-28T12:00"), 1, "d") == berlin("2026-03-29T13:00")


def test_24_00_closes_the_day_and_joins_the_next() -> None:
    hours = [
        {"days": ["fri"], "from": "20:00", "to": "24:00"},
        {"days": ["sat"], "from": "00:00", "to": "02:00"},
    ]
    clock = BusinessClock(calendar(hours))
    start = berlin("2026-11-06T23:00")
    assert clock.deadline(start, 2, "h") == berlin("2026-11-07T01:00")
    assert clock.elapsed(start, berlin("2026-11-07T05:00")) == 3 * 3600


def test_split_day_and_time_on_hold() -> None:
    hours = [
        {"days": WEEKDAYS[:5], "from": "08:00", "to": "12:00"},
        {"days": WEEKDAYS[:5], "from": "13:00", "to": "17:00"},
    ]
    clock = BusinessClock(calendar(hours))
    start = berlin("2026-11-09T11:00")
    assert clock.deadline(start, 2, "h") == berlin("2026-11-09T14:00")
    hold = [(berlin("2026-11-09T13:30").timestamp(), berlin("2026-11-09T15:00").timestamp())]
    assert clock.deadline(start, 2, "h", hold) == berlin("2026-11-09T15:30")
    assert clock.elapsed(start, berlin("2026-11-09T16:00"), hold) == 3600 + 1800 + 3600


def test_no_calendar_is_utc_wall_clock() -> None:
    clock = BusinessClock(None)
    start = datetime(2026, 3, 29, 0, 0, tzinfo=timezone.utc)
    assert clock.deadline(start, 2, "d") == start + timedelta(days=2)
    assert clock.target_seconds(2, "d") == 172800
    assert BusinessClock(calendar(OFFICE)).target_seconds(2, "d") is None


def test_a_calendar_without_business_time_never_reaches_a_deadline() -> None:
    clock = BusinessClock(
        calendar(
            [{"days": ["mon"], "from": "08:00", "to": "09:00"}],
            holidays=[f"2026-11-{d:02}" for d in (2, 9, 16, 23, 30)],
        )
    )
    assert clock.deadline(berlin("2026-11-01T10:00"), 1, "h") == berlin("2026-12-07T09:00")
    assert (
        BusinessClock(calendar([], zone="UTC")).deadline(berlin("2026-11-01T10:00"), 0, "d")
        is not None
    )


# -- the slow reference -----------------------------------------------------------------
MINUTE = 60


def _instant(day: date, clock: str, zone: ZoneInfo) -> int:
    hours, minutes = map(int, clock.split(":"))
    local = datetime.combine(day, time()) + timedelta(hours=hours, minutes=minutes)
    return int(local.replace(tzinfo=zone).timestamp())


def ref_day_minutes(cal: Calendar, day: date) -> list[int]:
    """Starts of the business minutes of one local date, by the definition."""
    zone = ZoneInfo(cal.spec.timezone)
    if day in {h.date for h in cal.spec.holidays}:
        return []
    hours = cal.spec.business_hours or None
    entries = (
        [(h.start, h.end) for h in hours if WEEKDAYS[day.weekday()] in h.days]
        if hours
        else [("00:00", "24:00")]
    )
    minutes: set[int] = set()
    for start, end in entries:
        a, b = _instant(day, start, zone), _instant(day, end, zone)
        minutes.update(range(a, b, MINUTE))
    return sorted(minutes)


def ref_is_business(cal: Calendar, t: int, cache: dict[date, set[int]]) -> bool:
    zone = ZoneInfo(cal.spec.timezone)
    own = datetime.fromtimestamp(t, zone).date()
    for day in (own - timedelta(days=1), own, own + timedelta(days=1)):
        if day not in cache:
            cache[day] = set(ref_day_minutes(cal, day))
        if t in cache[day]:
            return True
    return False


def ref_elapsed(cal: Calendar, start: int, end: int, hold: list[tuple[int, int]]) -> int:
    cache: dict[date, set[int]] = {}
    return MINUTE * sum(
        1
        for t in range(start, end, MINUTE)
        if ref_is_business(cal, t, cache) and not any(a <= t < b for a, b in hold)
    )


def ref_deadline_minutes(
    cal: Calendar, start: int, minutes: int, hold: list[tuple[int, int]]
) -> int:
    cache: dict[date, set[int]] = {}
    t, left = start, minutes
    if left == 0:
        return start
    while True:
        if ref_is_business(cal, t, cache) and not any(a <= t < b for a, b in hold):
            left -= 1
            if left == 0:
                return t + MINUTE
        t += MINUTE


def ref_deadline_days(cal: Calendar, start: int, days: int) -> int:
    zone = ZoneInfo(cal.spec.timezone)
    # D: the date of the last business minute before the start (of the dates that own it).
    own = datetime.fromtimestamp(start, zone).date()
    anchor, k = None, 0
    for back in range(0, 60):
        day = own + timedelta(days=1) - timedelta(days=back)
        minutes = [m for m in ref_day_minutes(cal, day) if m < start]
        if minutes:
            anchor, k = day, len(minutes)
            break
    assert anchor is not None
    day, found = anchor, 0
    while found < days:
        day += timedelta(days=1)
        if ref_day_minutes(cal, day):
            found += 1
    minutes = ref_day_minutes(cal, day)
    return minutes[min(k, len(minutes)) - 1] + MINUTE


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "America/Santiago"]
# Instants around the 2026 DST changes of those zones.
ANCHORS = [
    datetime(2026, 3, 27, tzinfo=timezone.utc),
    datetime(2026, 10, 23, tzinfo=timezone.utc),
    datetime(2026, 4, 3, tzinfo=timezone.utc),
    datetime(2026, 9, 4, tzinfo=timezone.utc),
    datetime(2026, 11, 19, tzinfo=timezone.utc),
]


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    zone = draw(st.sampled_from(ZONES))
    hours: list[dict[str, Any]] = []
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
            a = draw(st.integers(0, 47)) * 30
            b = draw(st.integers(a // 30 + 1, 48)) * 30
            clock = [f"{a // 60:02}:{a % 60:02}", f"{b // 60:02}:{b % 60:02}"]
            # Keep entries on a day disjoint, as calendar-valid requires.
            if any(
                set(days) & set(h["days"]) and a < _m(h["to"]) and _m(h["from"]) < b for h in hours
            ):
                continue
            hours.append({"days": days, "from": clock[0], "to": clock[1]})
    holidays = draw(st.lists(st.integers(0, 20), max_size=3, unique=True))
    anchor = draw(st.sampled_from(ANCHORS))
    return calendar(
        hours,
        holidays=[(anchor.date() + timedelta(days=d)).isoformat() for d in holidays],
        zone=zone,
    )


def _m(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


starts = st.builds(
    lambda anchor, minutes: int(anchor.timestamp()) + minutes * MINUTE,
    st.sampled_from(ANCHORS),
    st.integers(0, 6 * 24 * 60),
)
holds = st.lists(st.tuples(st.integers(0, 3 * 24 * 60), st.integers(1, 24 * 60)), max_size=2)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


@FAST
@given(calendars(), starts, st.integers(0, 4 * 24 * 60), holds)
def test_elapsed_matches_the_minute_reference(
    cal: Calendar, start: int, length: int, hold_offsets: list[tuple[int, int]]
) -> None:
    hold = [(start + a * MINUTE, start + (a + n) * MINUTE) for a, n in hold_offsets]
    end = start + length * MINUTE
    clock = BusinessClock(cal)
    got = clock.elapsed(utc(start), utc(end), [(float(a), float(b)) for a, b in hold])
    assert got == ref_elapsed(cal, start, end, hold)


def _has_business_time(cal: Calendar) -> bool:
    return not cal.spec.business_hours or any(h.start != h.end for h in cal.spec.business_hours)


@FAST
@given(calendars(), starts, st.integers(0, 3 * 24 * 60), holds)
def test_minute_and_hour_deadlines_match_the_reference(
    cal: Calendar, start: int, minutes: int, hold_offsets: list[tuple[int, int]]
) -> None:
    hold = [(start + a * MINUTE, start + (a + n) * MINUTE) for a, n in hold_offsets]
    clock = BusinessClock(cal)
    got = clock.deadline(utc(start), minutes, "m", [(float(a), float(b)) for a, b in hold])
    assert got is not None
    assert got.timestamp() == ref_deadline_minutes(cal, start, minutes, hold)
    if minutes % 60 == 0 and not hold:
        assert clock.deadline(utc(start), minutes // 60, "h") == got


@FAST
@given(calendars(), starts, st.integers(0, 4))
def test_day_deadlines_match_the_reference(cal: Calendar, start: int, days: int) -> None:
    clock = BusinessClock(cal)
    got = clock.deadline(utc(start), days, "d")
    assert got is not None
    if not cal.spec.business_hours:
        expected = ref_deadline_minutes(cal, start, days * 24 * 60, [])
    elif days == 0:
        expected = start
    else:
        expected = ref_deadline_days(cal, start, days)
    assert got.timestamp() == expected


@FAST
@given(calendars(), starts)
def test_week_deadlines_match_the_reference(cal: Calendar, start: int) -> None:
    clock = BusinessClock(cal)
    got = clock.deadline(utc(start), 1, "w")
    assert got is not None
    if not cal.spec.business_hours:
        expected = ref_deadline_minutes(cal, start, 7 * 24 * 60, [])
    else:
        weekdays = {d for h in cal.spec.business_hours for d in h.days}
        expected = ref_deadline_days(cal, start, len(weekdays))
    assert got.timestamp() == expected


@pytest.mark.parametrize("unit", ["m", "h"])
def test_zero_target_is_due_at_once(unit: str) -> None:
    start = berlin("2026-11-07T11:00")
    assert BusinessClock(calendar(OFFICE)).deadline(start, 0, unit) == start
