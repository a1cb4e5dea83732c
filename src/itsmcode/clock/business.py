"""Business time: the clock of an SLA (docs/reports.md, "Business time").

Business time is, for each local date of the calendar's zone that is not a holiday, the
union of that date's ``businessHours`` intervals (``to: "24:00"`` is the end of the day);
a calendar without ``businessHours`` (or no calendar at all) is open 00:00-24:00 on every
non-holiday date. Intervals are half-open. Local times become instants with ``fold=0``,
as freezes do: a time skipped by a spring-forward change is read with the offset before
the gap, a repeated one as its first occurrence. So a 08:00-18:00 day stays 10 hours
across DST changes while a 24x7 day is 23 or 25 hours on those dates.

Arithmetic is per local day, never per minute: a day's intervals (and its total) are
computed once per clock and cached, so a measurement costs one step per day it spans.
Instants are POSIX seconds (floats) inside this module; the API takes aware datetimes.

Targets (``m``, ``h``, ``d``, ``w``):

- ``m`` and ``h`` are business minutes and hours; on a 24x7 calendar ``d`` is 24 and
  ``w`` 168 business hours (holidays, if listed, stop the clock).
- On a calendar with business hours ``d`` counts business days: with D the local date of
  the last business time strictly before the start and k the business time of D elapsed
  by the start (all of D's when the start is not inside D's business day), the deadline
  is the earliest instant of the N-th business day after D by which k of its business
  time has elapsed (that day's close if it has less). ``w`` there is as many business
  days as the calendar has weekdays with business hours (``1w`` on Monday-Friday hours is
  five business days): what people mean by "a working week".
- Time on hold does not count: the deadline moves later by the business time on hold
  before it (the target's business-time budget is spent outside the hold spans only).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from itsmcode.models.calendar import Calendar

Span = tuple[float, float]

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_ONE_DAY = timedelta(days=1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
#: Longer targets (ten years) are not searched for: they bound the work a hostile SLA
#: (``resolution: 99999999w``) can cause.
MAX_TARGET_SECONDS = 10 * 366 * 86400
_VARIES = float("inf")  # marks an hour whose UTC offset changes within it


class BusinessClock:
    """Business time of one calendar (``None``: 24x7 in UTC without holidays)."""

    def __init__(self, calendar: Calendar | None) -> None:
        spec = calendar.spec if calendar is not None else None
        self.zone = ZoneInfo(spec.timezone) if spec is not None else ZoneInfo("UTC")
        self.holidays = (
            frozenset(h.date for h in spec.holidays) if spec is not None else frozenset()
        )
        hours = spec.business_hours if spec is not None else []
        self.has_business_hours = bool(hours)
        # Per weekday (0 = Monday): (from, to) as minutes of the day, to up to 1440.
        self._hours: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for entry in hours:
            span = (_minutes(entry.start), _minutes(entry.end))
            for day in entry.days:
                self._hours[_WEEKDAYS.index(day)].append(span)
        if not hours:
            self._hours = [[(0, 1440)] for _ in range(7)]
        self.days_per_week = sum(1 for spans in self._hours if any(a < b for a, b in spans))
        self._days: dict[date, tuple[tuple[Span, ...], float]] = {}
        self._offsets: dict[int, float] = {}
        # No business time for this many consecutive days means none ever comes again:
        # every week holds a business weekday unless a holiday falls on it.
        self._horizon = 7 * (len(self.holidays) + 1) + 1

    # -- the day table -------------------------------------------------------------
    def day(self, local: date) -> tuple[tuple[Span, ...], float]:
        """The business intervals of one local date (sorted, disjoint) and their total."""
        cached = self._days.get(local)
        if cached is not None:
            return cached
        spans: list[Span] = []
        if local not in self.holidays:
            for start, end in self._hours[local.weekday()]:
                a, b = self._instant(local, start), self._instant(local, end)
                if a < b:  # a span lost in a spring-forward gap is empty
                    spans.append((a, b))
        merged = merge_spans(spans)
        found = (merged, sum(b - a for a, b in merged))
        self._days[local] = found
        return found

    def local_date(self, instant: float) -> date:
        """The calendar-zone date of a POSIX instant.

        Hot (several calls per measurement): the zone's offset is looked up once per UTC
        hour and reused when it is the same at both ends of that hour; an hour holding a
        transition is computed exactly.
        """
        hour = int(instant // 3600)
        offset = self._offsets.get(hour)
        if offset is None:
            first = self._offset_at(hour * 3600)
            offset = first if first == self._offset_at(hour * 3600 + 3599) else _VARIES
            self._offsets[hour] = offset
        if offset == _VARIES:
            return datetime.fromtimestamp(instant, self.zone).date()
        return date.fromordinal(_EPOCH_ORDINAL + int((instant + offset) // 86400))

    def _offset_at(self, instant: float) -> float:
        shown = datetime.fromtimestamp(instant, self.zone).utcoffset()
        return shown.total_seconds() if shown is not None else 0.0

    def _instant(self, local: date, minutes: int) -> float:
        moment = datetime.combine(local, time()) + timedelta(minutes=minutes)
        return moment.replace(tzinfo=self.zone).timestamp()

    # -- measuring -----------------------------------------------------------------
    def elapsed(self, start: datetime, end: datetime, hold: Iterable[Span] = ()) -> float:
        """Business seconds in ``[start, end)`` outside the ``hold`` spans (0 if end <= start)."""
        return self.elapsed_ts(start.timestamp(), end.timestamp(), hold)

    def elapsed_ts(self, start: float, end: float, hold: Iterable[Span] = ()) -> float:
        if end <= start:
            return 0.0
        total = 0.0
        first, last = self.local_date(start), self.local_date(end)
        # One day either side: a local day's spans can reach past its own midnight.
        day = first - _ONE_DAY
        while day <= last + _ONE_DAY:
            spans, length = self.day(day)
            if spans and start <= spans[0][0] and spans[-1][1] <= end:
                total += length
            else:
                total += sum(_overlap(span, start, end) for span in spans)
            day += _ONE_DAY
        for span in merge_spans([h for h in hold if h[0] < h[1]]):
            a, b = max(span[0], start), min(span[1], end)
            if a < b:
                total -= self.elapsed_ts(a, b)
        return total

    def deadline(
        self, start: datetime, amount: int, unit: str, hold: Sequence[Span] = ()
    ) -> datetime | None:
        """When a target of ``amount`` ``unit`` (m, h, d, w) started at ``start`` is due."""
        found = self.deadline_ts(start.timestamp(), amount, unit, hold)
        return None if found is None else _aware(found)

    def deadline_ts(
        self, start: float, amount: int, unit: str, hold: Sequence[Span] = ()
    ) -> float | None:
        """``deadline`` on POSIX seconds (what a report measuring many incidents uses).

        None also for a target longer than ``MAX_TARGET_SECONDS`` or a deadline past the
        year 9999: such a target is never breached in practice.
        """
        if amount * _UNIT_SECONDS[unit] > MAX_TARGET_SECONDS:
            return None
        try:
            return self._deadline_ts(start, amount, unit, hold)
        except (OverflowError, ValueError):  # beyond what datetime can represent
            return None

    def _deadline_ts(
        self, start: float, amount: int, unit: str, hold: Sequence[Span]
    ) -> float | None:
        holes = merge_spans(h for h in hold if h[0] < h[1])
        if unit in ("d", "w") and self.has_business_hours:
            days = amount if unit == "d" else amount * self.days_per_week
            plain = self._business_days_deadline(start, days)
            if plain is None or not holes:
                return plain
            return self._forward(start, self.elapsed_ts(start, plain), holes)
        return self._forward(start, amount * _UNIT_SECONDS[unit], holes)

    def target_seconds(self, amount: int, unit: str) -> int | None:
        """A target's length in business seconds; None for business days and weeks."""
        if unit in ("d", "w") and self.has_business_hours:
            return None
        return amount * _UNIT_SECONDS[unit]

    # -- internals -----------------------------------------------------------------
    def _forward(self, start: float, budget: float, hold: Sequence[Span]) -> float | None:
        if budget <= 0:
            return start
        day, idle = self.local_date(start) - _ONE_DAY, 0
        holds = [h[0] for h in hold]
        while idle <= self._horizon:
            spans, _ = self.day(day)
            idle = 0 if spans else idle + 1
            for a, b in spans:
                for piece in _minus(max(a, start), b, hold, holds):
                    length = piece[1] - piece[0]
                    if length <= 0:
                        continue
                    if length >= budget:
                        return piece[0] + budget
                    budget -= length
            day += _ONE_DAY
        return None

    def _business_days_deadline(self, start: float, days: int) -> float | None:
        if days == 0:
            return start
        anchor = self._anchor(start)
        if anchor is None:
            return None
        day, k = anchor
        for _ in range(days):
            found = self._next_business_day(day)
            if found is None:
                return None
            day = found
        spans, length = self.day(day)
        if k >= length:
            return spans[-1][1]
        return self._forward(spans[0][0], k, ())

    def _anchor(self, start: float) -> tuple[date, float] | None:
        """(D, k): the date of the last business time strictly before ``start`` and how
        much of D's business time had elapsed by then."""
        own = self.local_date(start)
        for offset in (1, 0, -1):  # a day's spans may reach past its midnight
            day = own + timedelta(days=offset)
            spans, length = self.day(day)
            if spans and spans[0][0] < start:
                k = sum(_overlap(span, spans[0][0], start) for span in spans)
                return day, min(k, length)
        day = own
        for _ in range(self._horizon):
            day -= _ONE_DAY
            spans, length = self.day(day)
            if spans:
                return day, length
        return None

    def _next_business_day(self, day: date) -> date | None:
        for _ in range(self._horizon):
            day += _ONE_DAY
            if self.day(day)[0]:
                return day
        return None


def parse_target(text: str) -> tuple[int, str]:
    """``"5d"`` -> ``(5, "d")``."""
    return int(text[:-1]), text[-1]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _overlap(span: Span, start: float, end: float) -> float:
    return max(0.0, min(span[1], end) - max(span[0], start))


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """The union of ``spans`` (POSIX-second pairs), sorted and disjoint."""
    merged: list[Span] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


def minus_spans(a: float, b: float, holes: Sequence[Span]) -> list[Span]:
    """``[a, b)`` without ``holes`` (merged and sorted, as ``merge_spans`` returns them)."""
    return _minus(a, b, holes, [h[0] for h in holes])


def _minus(a: float, b: float, hold: Sequence[Span], starts: list[float]) -> list[Span]:
    """``[a, b)`` without the (merged, sorted) hold spans."""
    if not hold or a >= b:
        return [(a, b)]
    pieces: list[Span] = []
    i = max(bisect_right(starts, a) - 1, 0)
    cursor = a
    while i < len(hold) and hold[i][0] < b:
        h0, h1 = hold[i]
        if h1 > cursor:
            if h0 > cursor:
                pieces.append((cursor, h0))
            cursor = max(cursor, h1)
        i += 1
    if cursor < b:
        pieces.append((cursor, b))
    return pieces


def _aware(instant: float) -> datetime:
    return datetime.fromtimestamp(instant, timezone.utc)
