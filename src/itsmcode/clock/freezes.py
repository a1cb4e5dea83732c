"""Calendar time arithmetic: when a calendar's change freezes are in force.

A freeze is either one-off (``start``/``end``, absolute instants) or recurring
(``rrule``/``duration``). A recurring freeze follows data-model.md: the RFC 5545 RRULE
is read in the calendar's IANA zone from a DTSTART of 1970-01-01T00:00 *local* time,
so a rule ``FREQ=WEEKLY;BYDAY=FR;BYHOUR=15`` starts every Friday at 15:00 on the wall
clock, in winter and in summer alike. Semantics decided here, where data-model.md is
silent (users need them in the Calendar reference):

- ``duration`` is added on the calendar's wall clock: ``BYHOUR=15`` on Friday with
  ``duration: 63h`` ends Monday 06:00 local time in every week, including the weekends
  on which the clocks change (what people mean by "Friday afternoon to Monday morning").
  Only when that would leave an occurrence empty (a start skipped by spring-forward with
  an end just after the gap) is the duration counted as elapsed time instead.
- A local time that does not exist (skipped by a spring-forward change) is read with
  the offset before the gap, and an ambiguous one (repeated in autumn) as its first
  occurrence, as RFC 5545 prescribes.
- Intervals are half-open, ``[start, end)``: a change window ending exactly when a
  freeze begins does not overlap it.
- Incomplete freezes (``start`` without ``end``, ``rrule`` without ``duration``) cannot be
  placed in time and are skipped here; the ``calendar-valid`` rule reports them. A freeze
  that gives both forms is treated as both (erring towards "frozen").

Expansion is bounded: rather than iterating from 1970, a rule without COUNT restarts at
an aligned period (a whole number of INTERVAL periods after 1970, which yields exactly
the same occurrences) just before the query window, and only the window is walked. A
rule with COUNT counts from 1970, so it is expanded from there: once and cached up to
10,000 occurrences, lazily beyond (COUNT itself bounds the walk). A rule that can never
occur (``BYMONTH=2;BYMONTHDAY=30``) would make dateutil search up to the year 9999; it
is detected once per rule with a cheap probe and yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

from itsmcode.models.calendar import Calendar

#: DTSTART of every recurring freeze, in the calendar's local time (data-model.md).
EPOCH = datetime(1970, 1, 1)
#: Room for the difference between local wall-clock and absolute time around a query.
_SLACK = timedelta(days=1)
#: COUNT rules cannot restart mid-series (COUNT counts from 1970); up to this many
#: occurrences they are expanded once and cached, beyond it walked from 1970.
_MAX_CACHED_COUNT = 10_000
#: The Gregorian calendar repeats every 400 years, so a rule with no occurrence in a
#: 400-year stretch never occurs.
_PROBE_YEARS = 400
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
_FIXED_PERIOD = {
    "WEEKLY": timedelta(weeks=1),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1),
    "SECONDLY": timedelta(seconds=1),
}


class Occurring(Protocol):
    """What expands like a freeze: a freeze or an agreed maintenance window."""

    @property
    def name(self) -> str: ...
    @property
    def start(self) -> datetime | None: ...
    @property
    def end(self) -> datetime | None: ...
    @property
    def rrule(self) -> str | None: ...
    @property
    def duration(self) -> timedelta | None: ...


class FreezeInterval(NamedTuple):
    """One occurrence of a freeze: its name and when it holds, ``[start, end)``.

    ``start`` and ``end`` carry the fixed UTC offset in force in the calendar's zone at
    that instant (e.g. ``+01:00`` in a Berlin winter), so they print as local time and
    compare correctly.
    """

    name: str
    start: datetime
    end: datetime


def freeze_intervals(
    calendar: Calendar, start: datetime, end: datetime, *, first_per_freeze: bool = False
) -> list[FreezeInterval]:
    """The freeze occurrences of ``calendar`` that overlap ``[start, end)``, by start.

    ``start == end`` asks about one instant: the occurrences that contain it. With
    ``first_per_freeze`` only the earliest overlapping occurrence of each freeze is
    returned (enough to tell a user *that* a window is frozen, and cheap for long
    windows over frequent rules). Both bounds must be timezone-aware.
    """
    _require_aware(start, end)
    zone = ZoneInfo(calendar.spec.timezone)
    found: list[FreezeInterval] = []
    for freeze in calendar.spec.freezes:
        occurrences = _freeze_occurrences(freeze, zone, start, end)
        if first_per_freeze:
            first = next(occurrences, None)
            if first is not None:
                found.append(first)
        else:
            found.extend(occurrences)
    return sorted(found, key=lambda i: (i.start, i.end, i.name))


def active_freeze(calendar: Calendar, instant: datetime) -> str | None:
    """The name of the freeze in force at ``instant`` (the earliest-starting one), if any."""
    found = freeze_intervals(calendar, instant, instant, first_per_freeze=True)
    return found[0].name if found else None


def first_local_start(text: str) -> datetime | None:
    """The first wall-clock start of a freeze rrule (naive, in the calendar's zone), or
    None when it never occurs or is not a single plain RRULE (its DTSTART is then its own).

    An iCalendar feed needs it: RFC 5545 counts COUNT from DTSTART, so a feed that is to
    show the same occurrences must start the rule where data-model.md does.
    """
    parsed = _parse(text)
    if parsed is None or parsed.dead or parsed.fields is None:
        return None
    return next(iter(parsed.rule), None)


def rrule_never_occurs(text: str) -> bool:
    """True when a (valid) freeze rrule can produce no occurrence at all."""
    parsed = _parse(text)
    return parsed is not None and parsed.dead


def _require_aware(*instants: datetime) -> None:
    for instant in instants:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"{instant.isoformat()} has no UTC offset; pass aware datetimes")


def _overlaps(start: datetime, end: datetime, lo: datetime, hi: datetime) -> bool:
    """Does the occurrence [start, end) overlap the query [lo, hi) (or contain lo if lo == hi)?"""
    if not start < end:
        return False
    if lo == hi:
        return start <= lo < end
    return start < hi and lo < end


def occurrences(
    freeze: Occurring, zone: ZoneInfo, lo: datetime, hi: datetime
) -> Iterator[FreezeInterval]:
    """Occurrences of one freeze (or maintenance window, read on ``zone``'s wall clock)
    overlapping ``[lo, hi)`` (containing ``lo`` when ``lo == hi``), in chronological
    order, lazily. Both bounds must be timezone-aware."""
    _require_aware(lo, hi)
    return _freeze_occurrences(freeze, zone, lo, hi)


def _freeze_occurrences(
    freeze: Occurring, zone: ZoneInfo, lo: datetime, hi: datetime
) -> Iterator[FreezeInterval]:
    """Occurrences of one freeze overlapping the query, in chronological order."""
    start, end = freeze.start, freeze.end
    if start is not None and end is not None and _overlaps(start, end, lo, hi):
        yield FreezeInterval(freeze.name, start, end)
    if freeze.rrule is None or freeze.duration is None or freeze.duration <= timedelta(0):
        return
    parsed = _parse(freeze.rrule)
    if parsed is None or parsed.dead:
        return
    duration = freeze.duration
    # Candidate local starts: any occurrence overlapping [lo, hi) starts after
    # lo - duration and before hi on the wall clock, give or take a DST shift.
    local_lo = _saturating_add(_to_local(lo, zone), -(duration + _SLACK))
    local_hi = _saturating_add(_to_local(hi, zone), _SLACK)
    for local_start in parsed.between(local_lo, local_hi):
        start = _aware(local_start, zone)
        if start > hi or (start == hi and lo != hi):
            return  # ascending: nothing later can overlap
        end = _aware(_saturating_add(local_start, duration), zone)
        if end <= start:
            # A start skipped by spring-forward (read as after the gap) with an end on
            # the wall clock just past it would be empty: keep the elapsed length.
            end = _saturating_add(start, duration)
        if _overlaps(start, end, lo, hi):
            yield FreezeInterval(freeze.name, start, end)


def _to_local(instant: datetime, zone: tzinfo) -> datetime:
    """The naive wall-clock time of an aware instant in ``zone``."""
    try:
        return instant.astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # within hours of year 1 or 9999
        return datetime.min if instant.year < 5000 else datetime.max


def _aware(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in ``zone`` as an instant with its fixed offset.

    fold=0 reads a skipped time with the offset before the gap and a repeated one as
    its first occurrence (RFC 5545). Going through UTC and back normalises a skipped
    02:30 to the 03:30 the clock actually showed. A fixed-offset tzinfo also keeps
    comparisons exact: Python compares two datetimes sharing one ZoneInfo by wall time.
    """
    try:
        utc = local.replace(tzinfo=zone).astimezone(timezone.utc)
        shown = utc.astimezone(zone)
    except OverflowError:
        offset = local.replace(tzinfo=zone).utcoffset() or timedelta(0)
        return local.replace(tzinfo=timezone(offset))
    return shown.replace(tzinfo=timezone(shown.utcoffset() or timedelta(0)))


def _saturating_add(moment: datetime, delta: timedelta) -> datetime:
    try:
        return moment + delta
    except OverflowError:
        return datetime.max if delta > timedelta(0) else datetime.min


class _Recurrence:
    """A parsed freeze rrule that can list its occurrences in a window cheaply."""

    def __init__(self, rule: rrule | rruleset, fields: dict[str, str] | None) -> None:
        self.rule = rule
        # fields is None when the text is more than one plain RRULE (a DTSTART, EXDATE
        # or RDATE line): such a rule is walked from its own start (calendar-valid
        # rejects it, but the freeze must still hold until it is fixed).
        self.fields = fields
        self.freq = fields.get("FREQ", "") if fields else ""
        self.interval = _positive_int(fields.get("INTERVAL", "1")) if fields else 1
        self.counted = bool(fields and "COUNT" in fields)
        self.dead = (
            isinstance(rule, rrule)
            and fields is not None
            and self.freq in _FREQS
            and _never_occurs(rule, self.freq, self.interval)
        )
        self._all: list[datetime] | None = None

    def between(self, lo: datetime, hi: datetime) -> Iterator[datetime]:
        """Local starts within [lo, hi], ascending, lazily."""
        lo = max(lo, EPOCH)
        if hi < lo:
            return iter(())
        if isinstance(self.rule, rrule) and self.freq in _FREQS and not self.counted:
            rule = _restarted(self.rule, _aligned_start(self.freq, self.interval, lo))
            return _walk(rule, lo, hi)
        if self.counted and isinstance(self.rule, rrule):
            count = _positive_int(self.fields.get("COUNT", "0") if self.fields else "0")
            if count <= _MAX_CACHED_COUNT:
                if self._all is None:
                    self._all = list(self.rule)
                return (s for s in self._all if lo <= s <= hi)
        return _walk(self.rule, lo, hi)


def _walk(rule: rrule | rruleset, lo: datetime, hi: datetime) -> Iterator[datetime]:
    for occurrence in rule:
        if occurrence.tzinfo is not None:  # a DTSTART with a zone in the text itself
            occurrence = occurrence.replace(tzinfo=None)
        if occurrence > hi:
            return
        if occurrence >= lo:
            yield occurrence


@lru_cache(maxsize=512)
def _parse(text: str) -> _Recurrence | None:
    try:
        rule = rrulestr(text, dtstart=EPOCH)
    except (ValueError, TypeError):  # the model rejects these; nothing to expand
        return None
    return _Recurrence(rule, _plain_fields(text))


@lru_cache(maxsize=4096)
def _restarted(rule: rrule, dtstart: datetime) -> rrule:
    # Windows close together share an aligned start, so the restarted rule is reused.
    return rule.replace(dtstart=dtstart)


def _plain_fields(text: str) -> dict[str, str] | None:
    """NAME=VALUE parts of a single-line RRULE (``RRULE:`` prefix allowed), else None."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) != 1:
        return None
    line = lines[0].strip()
    if line.upper().startswith("RRULE:"):
        line = line[len("RRULE:") :]
    if ":" in line:
        return None
    fields: dict[str, str] = {}
    for part in line.split(";"):
        if "=" in part:
            name, _, value = part.partition("=")
            fields[name.strip().upper()] = value.strip().upper()
    return fields


def _positive_int(text: str) -> int:
    try:
        return max(int(text), 1)
    except ValueError:
        return 1


def _aligned_start(freq: str, interval: int, moment: datetime) -> datetime:
    """The latest DTSTART <= ``moment`` a whole number of INTERVAL periods after 1970.

    Restarting there changes nothing about the occurrences from ``moment`` on: the time
    of day (00:00:00), weekday (Thursday), day of month (1st) and month (January) that
    RFC 5545 takes from DTSTART are the same as 1970-01-01's, and so is the position in
    the INTERVAL cycle. Occurrences before the restart are dropped, but they lie before
    ``moment``.
    """
    if moment <= EPOCH:
        return EPOCH
    if freq == "YEARLY":
        years = (moment.year - EPOCH.year) // interval * interval
        return EPOCH.replace(year=EPOCH.year + years)
    if freq == "MONTHLY":
        months = ((moment.year - EPOCH.year) * 12 + moment.month - 1) // interval * interval
        return EPOCH.replace(year=EPOCH.year + months // 12, month=months % 12 + 1)
    period = _FIXED_PERIOD[freq] * interval
    return EPOCH + period * ((moment - EPOCH) // period)


def _never_occurs(rule: rrule, freq: str, interval: int) -> bool:
    """Probe the last 400 years before 9999 for any occurrence (COUNT/UNTIL ignored).

    dateutil searches period by period up to year 9999 for a rule that never matches
    (seconds of work for a daily rule); probing one 400-year Gregorian cycle once per
    rule, and skipping dead rules afterwards, keeps every later query cheap. A rule
    alive in that cycle is alive in every cycle, as its periods repeat with it.
    """
    probe_from = datetime(datetime.max.year - _PROBE_YEARS - 1, 1, 1)
    dtstart = _aligned_start(freq, interval, probe_from)
    probe = rule.replace(dtstart=dtstart, count=None, until=None)
    return next(iter(probe), None) is None
