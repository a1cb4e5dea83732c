"""--every and the trend's sample dates against a slow, obvious reference: walk every day
from --since to --until and keep the days a whole number of intervals away."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itsmcode.errors import ConfigError
from itsmcode.score.interval import Interval, parse_every, sample_dates


def reference(since: date, until: date, count: int, unit: str) -> list[date]:
    kept = []
    day = since
    while day <= until:
        if unit in ("d", "w"):
            keep = (day - since).days % (count * (7 if unit == "w" else 1)) == 0
        else:
            months = (day.year - since.year) * 12 + day.month - since.month
            last = calendar.monthrange(day.year, day.month)[1]
            keep = months % count == 0 and day.day == min(since.day, last)
        if keep:
            kept.append(day)
        day += timedelta(days=1)
    if kept[-1] != until:
        kept.append(until)
    return kept


@given(
    since=st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    span=st.integers(0, 400),
    count=st.integers(1, 40),
    unit=st.sampled_from(["d", "w", "mo"]),
)
def test_sample_dates_match_the_reference(since: date, span: int, count: int, unit: str) -> None:
    until = since + timedelta(days=span)
    assert sample_dates(since, until, Interval(count, unit)) == reference(since, until, count, unit)


def test_month_steps_clamp_without_drifting() -> None:
    # From 31 January: 28 (29) February, then 31 March again, not 28 March.
    assert sample_dates(date(2027, 1, 31), date(2027, 4, 30), parse_every("1mo")) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]


@given(st.text(max_size=8))
def test_parse_every_accepts_exactly_count_and_unit(text: str) -> None:
    stripped = text.strip()
    unit = next((u for u in ("mo", "d", "w") if stripped.endswith(u)), None)
    digits = stripped[: -len(unit)] if unit else ""
    valid = (
        unit is not None
        and 1 <= len(digits) <= 4
        and all(c in "0123456789" for c in digits)
        and int(digits) > 0
    )
    if valid:
        assert unit is not None
        assert parse_every(text) == Interval(int(digits), unit)
    else:
        with pytest.raises(ConfigError, match="use a whole number and a unit"):
            parse_every(text)


@pytest.mark.parametrize("text", ["1w", "2w", "1d", "14d", "1mo", "3mo"])
def test_documented_intervals(text: str) -> None:
    assert str(parse_every(text)) == text
