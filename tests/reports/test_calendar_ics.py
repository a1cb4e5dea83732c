"""``itsm calendar --format ics`` read back by vobject, a parser that shares no code with
the writer (icalendar): every change and freeze is where itsmcode says it is, and the
recurring freezes expand, across both DST changes, to exactly lint's occurrences."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from itsmcode.clock.freezes import freeze_intervals
from itsmcode.load.config import load_config
from itsmcode.load.snapshot import load_worktree
from tests.helpers import run_cli, service, write_repo
from tests.rules.change_files import FREEZES_PATH, POLICY_PATH, calendar, change, policy

vobject = pytest.importorskip("vobject")

ROOT = Path(__file__).resolve().parents[2]
UTC = timezone.utc


def feed(root: Path, since: str, until: str) -> Any:
    result = run_cli(
        ["calendar", "--repo", str(root), "--format", "ics", "--since", since, "--until", until]
    )
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    # RFC 5545 3.1: CRLF line ends, content lines folded at 75 octets.
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    return vobject.readOne(data.decode("utf-8"))


def events(cal: Any) -> dict[str, Any]:
    """Events by UID, without the overrides of single occurrences (RECURRENCE-ID)."""
    return {e.uid.value: e for e in cal.vevent_list if not hasattr(e, "recurrence_id")}


def test_example_feed_has_every_change_and_freeze_of_the_period() -> None:
    cal = feed(ROOT, "2026-11-01", "2027-01-01")
    found = events(cal)
    changes = {uid: e for uid, e in found.items() if uid.startswith("chg-")}
    assert {
        uid: (e.dtstart.value, e.dtend.value, e.status.value) for uid, e in changes.items()
    } == {
        "chg-2026-0035@acme-retail": (
            datetime(2026, 11, 4, 13, 0, tzinfo=UTC),
            datetime(2026, 11, 4, 14, 0, tzinfo=UTC),
            "CANCELLED",
        ),
        "chg-2026-0036@acme-retail": (
            datetime(2026, 11, 13, 18, 30, tzinfo=UTC),
            datetime(2026, 11, 13, 19, 15, tzinfo=UTC),
            "CONFIRMED",
        ),
        "chg-2026-0037@acme-retail": (
            datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
            datetime(2026, 11, 17, 9, 20, tzinfo=UTC),
            "CONFIRMED",
        ),
        "chg-2026-0038@acme-retail": (
            datetime(2026, 11, 23, 7, 0, tzinfo=UTC),
            datetime(2026, 11, 25, 17, 0, tzinfo=UTC),
            "CONFIRMED",
        ),
        "chg-2026-0039@acme-retail": (
            datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
            datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
            "TENTATIVE",
        ),
        "chg-2026-0040@acme-retail": (
            datetime(2026, 12, 9, 21, 0, tzinfo=UTC),
            datetime(2026, 12, 10, 0, 0, tzinfo=UTC),
            "TENTATIVE",
        ),
        "chg-2026-0041@acme-retail": (
            datetime(2026, 12, 15, 13, 0, tzinfo=UTC),
            datetime(2026, 12, 15, 13, 30, tzinfo=UTC),
            "TENTATIVE",
        ),
        "chg-2026-0042@acme-retail": (
            datetime(2026, 12, 16, 19, 0, tzinfo=UTC),
            datetime(2026, 12, 16, 22, 0, tzinfo=UTC),
            "TENTATIVE",
        ),
        "chg-2026-0043@acme-retail": (
            datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
            datetime(2026, 12, 2, 11, 0, tzinfo=UTC),
            "TENTATIVE",
        ),
    }
    assert changes["chg-2026-0040@acme-retail"].summary.value == (
        "chg-2026-0040: Move card payments to the new acquirer"
    )
    berlin = ZoneInfo("Europe/Berlin")
    year_end = found["freeze.change-freezes.year-end-2026@acme-retail"]
    assert year_end.dtstart.value.astimezone(UTC) == datetime(2026, 12, 17, 23, 0, tzinfo=UTC)
    assert year_end.dtend.value.astimezone(UTC) == datetime(2027, 1, 3, 23, 0, tzinfo=UTC)
    # vobject turns TZID into a tzinfo built from the feed's own VTIMEZONE.
    assert year_end.dtstart.value.tzname() == "CET"
    weekend = found["freeze.change-freezes.weekend@acme-retail"]
    assert weekend.dtstart.value.replace(tzinfo=None) == datetime(1970, 1, 2, 15, 0)
    assert weekend.duration.value == timedelta(days=2, hours=15)
    assert weekend.rrule.value == "FREQ=WEEKLY;BYMINUTE=0;BYHOUR=15;BYDAY=FR"
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Europe/Berlin"]
    first = weekend.getrruleset().after(datetime(2026, 12, 1, tzinfo=berlin))
    assert first.astimezone(UTC) == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)


def expand(
    event: Any, others: list[Any], zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """Occurrences of a recurring VEVENT overlapping [lo, hi), by vobject's expansion.

    vobject expands the RRULE on the wall clock correctly, but its tzinfo built from an
    RDATE-style VTIMEZONE (what icalendar writes) has the winter offset all year; so the
    wall-clock starts are read in the IANA zone the TZID names, as mail clients do.
    """
    length: timedelta = event.duration.value
    out = []

    def read(value: datetime) -> datetime:
        return value.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)

    overrides = {
        read(o.recurrence_id.value): (read(o.dtstart.value), read(o.dtend.value)) for o in others
    }
    # vobject compares with its own (winter-offset) reading of the wall clock, which can
    # be a DST hour off the zone's: ask a day beyond each bound, then filter exactly.
    for naive in event.getrruleset().between(lo - timedelta(days=8), hi + timedelta(days=1)):
        start = read(naive).astimezone(zone)
        # RFC 5545 3.3.6: days are nominal (same wall-clock time), the rest exact.
        wall = (start.replace(tzinfo=None) + timedelta(days=length.days)).replace(tzinfo=zone)
        end = (wall.astimezone(UTC) + timedelta(seconds=length.seconds)).astimezone(zone)
        if start.astimezone(UTC) in overrides:  # RFC 5545 3.8.4.4: this instance replaced
            start, end = overrides[start.astimezone(UTC)]
        if start < hi and lo < end:
            out.append((start.astimezone(UTC), end.astimezone(UTC)))
    return out


RULES = [
    ("weekend", "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15;BYMINUTE=0", "63h"),
    ("nightly", "FREQ=DAILY;BYHOUR=1;BYMINUTE=30", "3h"),
    ("month-end", "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=18", "1d"),
    ("quarterly", "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYHOUR=6", "30m"),
]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney"])
def test_recurring_freezes_expand_to_lints_occurrences_over_a_year(
    tmp_path: Path, zone: str
) -> None:
    spec = "freezes:\n" + "".join(
        f'  - {{name: {name}, rrule: "{rule}", duration: {length}}}\n'
        for name, rule, length in RULES
    )
    root = write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            POLICY_PATH: policy(),
            FREEZES_PATH: calendar("change-freezes", spec, timezone=zone),
            "changes/2026/chg-a.yaml": change("chg-a"),
        },
    )
    # The feed corrects occurrences from --since to a year past it (RECURRENCE-ID).
    ics = feed(root, "2026-01-01", "2026-01-02")
    found = events(ics)
    overrides = [e for e in ics.vevent_list if hasattr(e, "recurrence_id")]
    assert [tz.tzid.value for tz in ics.vtimezone_list] == [zone]
    catalog = load_worktree(root, load_config(root))
    cal = catalog.calendar("change-freezes")
    assert cal is not None
    # A year from January to January crosses both DST changes of both hemispheres.
    lo, hi = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    for name, _, _ in RULES:
        expected = [
            (i.start.astimezone(UTC), i.end.astimezone(UTC))
            for i in freeze_intervals(cal, lo, hi)
            if i.name == name
        ]
        assert len(expected) >= 4
        event = found[f"freeze.change-freezes.{name}@test-org"]
        mine = [o for o in overrides if o.uid.value == event.uid.value]
        assert expand(event, mine, ZoneInfo(zone), lo, hi) == expected, name


def test_text_is_escaped_and_folded(tmp_path: Path) -> None:
    title = "Swap; the, db\\ cache — with a very long title that must be folded " * 2
    root = write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            "changes/2026/chg-a.yaml": change("chg-a").replace(
                "metadata: {name: chg-a}", f"metadata: {{name: chg-a, title: '{title}'}}"
            ),
        },
    )
    cal = feed(root, "2026-12-01", "2026-12-03")
    assert events(cal)["chg-a@test-org"].summary.value == f"chg-a: {title}"


@settings(max_examples=6, deadline=None)
# Found by Hypothesis: the year's last occurrence, in Sydney's summer time, lies before
# the period's end in UTC but after it in vobject's winter-offset reading.
@example(zone="Australia/Sydney", hour=10, minute=0, days=0, hours=0, minutes=0, freq="DAILY")
@given(
    zone=st.sampled_from(
        [
            "Europe/Berlin",
            "America/New_York",
            "Australia/Sydney",
            "Europe/London",
            "America/Santiago",
        ]
    ),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    days=st.integers(0, 3),
    hours=st.integers(0, 23),
    minutes=st.sampled_from([0, 30]),
    freq=st.sampled_from(["DAILY", "WEEKLY;BYDAY=SA,SU", "MONTHLY;BYDAY=-1SU"]),
)
def test_any_recurring_freeze_reads_back_as_lint_expands_it(
    tmp_path_factory: pytest.TempPathFactory,
    zone: str,
    hour: int,
    minute: int,
    days: int,
    hours: int,
    minutes: int,
    freq: str,
) -> None:
    """Around the DST changes of zones in both hemispheres, any start time and any
    duration: the feed (with its RECURRENCE-ID overrides) says what lint says."""
    length = f"{days * 24 + hours}h" if not minutes else f"{(days * 24 + hours) * 60 + minutes}m"
    if days == hours == minutes == 0:
        length = "15m"
    rule = f"FREQ={freq};BYHOUR={hour};BYMINUTE={minute}"
    root = write_repo(
        tmp_path_factory.mktemp("repo"),
        {
            "catalog/services/api.yaml": service("api"),
            POLICY_PATH: policy(),
            FREEZES_PATH: calendar(
                "change-freezes",
                f'freezes:\n  - {{name: f, rrule: "{rule}", duration: {length}}}\n',
                timezone=zone,
            ),
        },
    )
    ics = feed(root, "2026-01-01", "2026-01-02")
    event = events(ics)["freeze.change-freezes.f@test-org"]
    mine = [e for e in ics.vevent_list if hasattr(e, "recurrence_id")]
    cal = load_worktree(root, load_config(root)).calendar("change-freezes")
    assert cal is not None
    lo, hi = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    expected = [
        (i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in freeze_intervals(cal, lo, hi)
    ]
    assert expand(event, mine, ZoneInfo(zone), lo, hi) == expected
