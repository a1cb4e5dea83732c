"""Containment in agreed maintenance windows (clock/maintenance.py): hand-checked
boundary and DST cases, and Hypothesis against a slow, obvious reference that expands
the rule from 1970 with dateutil and steps the change window minute by minute."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.clock.maintenance import AgreedWindow, fits
from itsmcode.models.calendar import MaintenanceWindow

UTC = timezone.utc
MINUTE = timedelta(minutes=1)


def recurring(rule: str, duration: str, zone: str = "Europe/Berlin") -> list[AgreedWindow]:
    window = MaintenanceWindow.model_validate(
        {"name": "w", "rrule": rule, "duration": duration, "timezone": zone}
    )
    return [AgreedWindow(window, zone, "service s")]


def local(zone: str, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)  # type: ignore[misc]


def test_exactly_the_occurrence_fits_its_edges_do_not() -> None:
    nights = recurring("FREQ=WEEKLY;BYDAY=WE;BYHOUR=22", "4h")
    start, end = local("Europe/Berlin", 2026, 12, 2, 22), local("Europe/Berlin", 2026, 12, 3, 2)
    assert fits(nights, start, end)
    assert not fits(nights, start - MINUTE, end - MINUTE)
    assert not fits(nights, start + MINUTE, end + MINUTE)
    # Starting exactly when the occurrence ends is outside it (half-open).
    assert not fits(nights, end, end + MINUTE)


def test_a_change_spanning_two_occurrences_does_not_fit() -> None:
    daily = recurring("FREQ=DAILY;BYHOUR=20", "4h")  # 20:00-24:00 every day
    start = local("Europe/Berlin", 2026, 12, 2, 23)
    assert not fits(daily, start, start + timedelta(hours=22))  # to 21:00 next day
    assert fits(daily, start, start + timedelta(hours=1))


def test_spring_forward_inside_the_window_shortens_it_on_the_wall_clock() -> None:
    # 01:00 + 3h on the wall clock is 04:00 local, two elapsed hours on 2027-03-28.
    early = recurring("FREQ=DAILY;BYHOUR=1", "3h")
    start = local("Europe/Berlin", 2027, 3, 28, 1)
    assert start.astimezone(UTC) == datetime(2027, 3, 28, 0, 0, tzinfo=UTC)
    assert fits(early, start, datetime(2027, 3, 28, 2, 0, tzinfo=UTC))  # 04:00 CEST
    assert not fits(early, start, datetime(2027, 3, 28, 2, 1, tzinfo=UTC))


def test_fall_back_inside_the_window_lengthens_it() -> None:
    # 2026-10-25: 01:00 CEST + 3h wall clock = 04:00 CET, four elapsed hours.
    early = recurring("FREQ=DAILY;BYHOUR=1", "3h")
    start = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert fits(early, start, datetime(2026, 10, 25, 3, 0, tzinfo=UTC))
    assert not fits(early, start, datetime(2026, 10, 25, 3, 1, tzinfo=UTC))


def test_a_window_starting_in_the_spring_gap_starts_after_it() -> None:
    # 02:30 does not exist on 2027-03-28: read with the offset before the gap, 03:30 CEST.
    gap = recurring("FREQ=DAILY;BYHOUR=2;BYMINUTE=30", "1h")
    assert fits(
        gap, datetime(2027, 3, 28, 1, 30, tzinfo=UTC), datetime(2027, 3, 28, 2, 0, tzinfo=UTC)
    )
    assert not fits(
        gap, datetime(2027, 3, 28, 1, 29, tzinfo=UTC), datetime(2027, 3, 28, 1, 45, tzinfo=UTC)
    )


def test_the_zone_of_the_window_decides_the_wall_clock() -> None:
    rule = "FREQ=WEEKLY;BYDAY=WE;BYHOUR=22"
    start = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # 22:30 Berlin, 16:30 New York
    assert fits(recurring(rule, "1h", "Europe/Berlin"), start, start + MINUTE)
    assert not fits(recurring(rule, "1h", "America/New_York"), start, start + MINUTE)


def test_a_one_off_window() -> None:
    window = MaintenanceWindow.model_validate(
        {"name": "m", "start": "2026-12-05T20:00:00+01:00", "end": "2026-12-06T02:00:00+01:00"}
    )
    agreed = [AgreedWindow(window, "Europe/Berlin", "calendar c")]
    assert fits(agreed, window.start, window.end)  # type: ignore[arg-type]
    assert not fits(
        agreed, datetime(2026, 12, 6, 0, 30, tzinfo=UTC), datetime(2026, 12, 6, 1, 1, tzinfo=UTC)
    )


# -- the reference -----------------------------------------------------------------


def reference_occurrences(
    rule: str, duration: timedelta, zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """Every occurrence starting in [lo - duration - 2 days, hi], by expanding the rule
    from 1970-01-01T00:00 local (data-model.md) with no shortcut, then reading each local
    start and end as docs/calendar.md says: fold=0, the wall-clock end, the elapsed
    duration only when that end is not after the start."""
    naive_lo = lo.astimezone(zone).replace(tzinfo=None) - duration - timedelta(days=2)
    naive_hi = hi.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    found = []
    for start_local in rrulestr(rule, dtstart=datetime(1970, 1, 1)).between(
        naive_lo, naive_hi, inc=True
    ):
        start = start_local.replace(tzinfo=zone).astimezone(UTC)
        end = (start_local + duration).replace(tzinfo=zone).astimezone(UTC)
        if end <= start:
            end = start + duration
        found.append((start, end))
    return found


def reference_fits(
    occurrences: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> bool:
    """Minute stepping: some single occurrence holds every minute of [start, end)."""
    minutes = []
    moment = start
    while moment < end:
        minutes.append(moment)
        moment += MINUTE
    return any(all(lo <= m < hi for m in minutes) for lo, hi in occurrences)


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
#: Around the DST changes of those zones in 2026/2027, where the arithmetic is hardest.
AROUND = [
    datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 5, 0, tzinfo=UTC),
    datetime(2027, 3, 14, 6, 0, tzinfo=UTC),
    datetime(2027, 3, 28, 0, 0, tzinfo=UTC),
    datetime(2027, 4, 3, 14, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 0, tzinfo=UTC),
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    hour = draw(st.integers(0, 23))
    minute = draw(st.sampled_from([0, 15, 30, 45]))
    if draw(st.booleans()):
        return f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute}"
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
    return f"FREQ=WEEKLY;BYDAY={','.join(days)};BYHOUR={hour};BYMINUTE={minute}"


@settings(max_examples=150, deadline=None)
@given(
    rule=rules(),
    zone=st.sampled_from(ZONES),
    minutes=st.integers(15, 600),
    around=st.sampled_from(AROUND),
    offset=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    length=st.integers(1, 360),
)
def test_fits_matches_minute_stepping(
    rule: str, zone: str, minutes: int, around: datetime, offset: int, length: int
) -> None:
    duration = timedelta(minutes=minutes)
    start = around + timedelta(minutes=offset)
    end = start + timedelta(minutes=length)
    expected = reference_fits(
        reference_occurrences(rule, duration, ZoneInfo(zone), start, end), start, end
    )
    assert fits(recurring(rule, f"{minutes}m", zone), start, end) == expected


@settings(max_examples=60, deadline=None)
@given(
    rule=rules(),
    zone=st.sampled_from(ZONES),
    minutes=st.integers(15, 600),
    around=st.sampled_from(AROUND),
    offset=st.integers(-2 * 24 * 60, 2 * 24 * 60),
)
def test_an_occurrence_fits_itself_and_not_one_minute_beyond(
    rule: str, zone: str, minutes: int, around: datetime, offset: int
) -> None:
    # Targets the boundaries: pick a real occurrence and probe exactly its edges.
    duration = timedelta(minutes=minutes)
    moment = around + timedelta(minutes=offset)
    found = reference_occurrences(
        rule, duration, ZoneInfo(zone), moment, moment + timedelta(days=8)
    )
    windows = recurring(rule, f"{minutes}m", zone)
    for lo, hi in found[2:4]:  # past the slack before ``moment``
        assert fits(windows, lo, hi)
        assert reference_fits(found, lo, hi)
        assert fits(windows, lo, hi + MINUTE) == reference_fits(found, lo, hi + MINUTE)
        assert fits(windows, lo - MINUTE, hi) == reference_fits(found, lo - MINUTE, hi)
