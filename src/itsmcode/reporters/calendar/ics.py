"""``itsm calendar --format ics``: the schedule as an RFC 5545 feed to subscribe to.

Written with the ``icalendar`` library, which folds lines at 75 octets, escapes text
and writes VTIMEZONE components from the IANA database; none of that is done by hand.

- Every change with a window is a VEVENT with ``UID:<change>@<repository name>``, so a
  subscribed calendar updates the event when the change moves or is cancelled instead
  of adding a second one. DTSTART/DTEND are the window, in UTC (exact instants).
  STATUS: planned → TENTATIVE; in-progress, completed, failed, rolled-back →
  CONFIRMED (the window was used); cancelled → CANCELLED.
- Every freeze lint enforces is a VEVENT with ``UID:freeze.<calendar>.<freeze>@<repository
  name>``. A recurring freeze is *one* event with its RRULE, DTSTART at its first
  occurrence in the calendar's zone (``TZID``), as data-model.md reads the rule, and a
  DURATION: the whole days of the freeze's duration as nominal days (``P2D``: the same
  wall-clock time two days later, whatever DST does), the rest as exact time. A naive
  UNTIL is the calendar's local time, written in UTC as RFC 5545 requires.
- Every occurrence of an agreed maintenance window in the period is a VEVENT of its
  own (``UID:window.<service|calendar>.<name>.<window>.<UTC start>@<repository name>``,
  TRANSPARENT, category ``maintenance-window``), in UTC: the occurrences are the
  ones lint checks against (clock/maintenance.py), so a DST-shifted or wall-clock
  duration needs no RFC 5545 arithmetic; the feed is republished as time moves on.
- A VTIMEZONE is included for every TZID used.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta, timezone
from typing import TextIO
from zoneinfo import ZoneInfo

from icalendar import Calendar as ICalendar
from icalendar import Event, vRecur

from itsmcode.clock.freezes import first_local_start, freeze_intervals
from itsmcode.clock.maintenance import WindowOccurrence
from itsmcode.models import Calendar
from itsmcode.models.calendar import Freeze
from itsmcode.reports.calendar import PlannedChange, Schedule

PRODID = "-//itsmcode//itsm calendar//EN"
STATUS = {
    "planned": "TENTATIVE",
    "in-progress": "CONFIRMED",
    "completed": "CONFIRMED",
    "failed": "CONFIRMED",
    "rolled-back": "CONFIRMED",
    "cancelled": "CANCELLED",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def report(schedule: Schedule, stream: TextIO) -> None:
    stream.write(feed(schedule).to_ical().decode("utf-8"))


def feed(schedule: Schedule) -> ICalendar:
    cal = ICalendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Changes: {schedule.title or schedule.repository}")
    cal.add("x-wr-timezone", schedule.timezone)
    stamp = schedule.generated.astimezone(timezone.utc)
    for change in schedule.changes:
        cal.add_component(_change_event(change, schedule, stamp))
    for calendar in schedule.calendars:
        for event in _freeze_events(calendar, schedule, stamp, _exempt(schedule)):
            cal.add_component(event)
    for occurrence in schedule.windows:
        cal.add_component(_window_event(occurrence, schedule, stamp))
    # One VTIMEZONE per TZID used, with every transition from 1970 (the first DTSTART of
    # a recurring freeze) to well past any change window.
    horizon = max(stamp, schedule.period.until)
    cal.add_missing_timezones(last_date=date(horizon.year + 10, 1, 1))
    return cal


def uid(name: str, schedule: Schedule) -> str:
    return f"{name}@{schedule.repository}"


def _change_event(change: PlannedChange, schedule: Schedule, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid(change.name, schedule))
    event.add("dtstamp", stamp)
    event.add("dtstart", change.start.astimezone(timezone.utc))
    event.add("dtend", change.end.astimezone(timezone.utc))
    event.add("summary", f"{change.name}: {change.title}" if change.title else change.name)
    event.add("status", STATUS[change.status])
    services = ", ".join(
        f"{s.name} (tier {s.tier}, owner {s.owner})" if s.tier is not None else s.name
        for s in change.services
    )
    event.add(
        "description",
        f"{change.type} change, {change.risk} risk, {change.status}\n"
        f"Services: {services}\nFile: {change.path}",
    )
    event.add("categories", ["change", change.type])
    event.add("transp", "OPAQUE")
    return event


def freeze_uid(calendar: str, freeze: str, schedule: Schedule) -> str:
    """A UID per freeze that survives reordering; free-text names are made safe."""
    safe = _UNSAFE.sub("-", freeze).strip("-") or "freeze"
    if safe != freeze:
        safe += "-" + hashlib.sha256(freeze.encode()).hexdigest()[:8]
    return uid(f"freeze.{calendar}.{safe}", schedule)


def _exempt(schedule: Schedule) -> str:
    if not schedule.exempt:
        return "No change may run in a freeze"
    return f"Only {', '.join(schedule.exempt)} changes may run in a freeze"


def _freeze_events(
    calendar: Calendar, schedule: Schedule, stamp: datetime, note: str
) -> list[Event]:
    zone = ZoneInfo(calendar.spec.timezone)
    events: list[Event] = []
    for freeze in calendar.spec.freezes:
        base = freeze_uid(calendar.name, freeze.name, schedule)
        if freeze.start is not None and freeze.end is not None and freeze.start < freeze.end:
            # A freeze giving both forms is both (clock/freezes.py): two events.
            once_uid = (
                base
                if freeze.rrule is None
                else freeze_uid(calendar.name, freeze.name + " (one-off)", schedule)
            )
            once = _freeze_event(freeze, calendar, stamp, once_uid, note)
            once.add("dtstart", freeze.start.astimezone(zone))
            once.add("dtend", freeze.end.astimezone(zone))
            events.append(once)
        if freeze.rrule is None or freeze.duration is None or freeze.duration <= timedelta(0):
            continue
        first = first_local_start(freeze.rrule)
        if first is None:
            continue  # never occurs, or not one plain RRULE (calendar-valid reports it)
        event = _freeze_event(freeze, calendar, stamp, base, note)
        event.add("dtstart", first.replace(tzinfo=zone))
        event.add("rrule", _rule(freeze.rrule, zone))
        # icalendar writes whole days as nominal days (63h: P2DT15H), see above.
        event.add("duration", freeze.duration)
        events.append(event)
        events += _overrides(freeze, calendar, schedule, stamp, base, note)
    return events


#: How far past --since the feed corrects single occurrences (see ``_overrides``).
OVERRIDE_HORIZON = timedelta(days=400)


def _overrides(
    freeze: Freeze, calendar: Calendar, schedule: Schedule, stamp: datetime, uid_: str, note: str
) -> list[Event]:
    """An overriding VEVENT (same UID, RECURRENCE-ID) for each occurrence where RFC 5545's
    DURATION arithmetic ends elsewhere than lint's freeze does.

    lint adds the whole duration on the wall clock; RFC 5545 adds the days on the wall
    clock and the hours as elapsed time. They differ only when a DST change falls inside
    the hours part (a 3h freeze from 01:30 on a spring-forward night); such occurrences
    are written out from the period's start to a year past it (the feed is republished).
    """
    assert freeze.duration is not None
    zone = ZoneInfo(calendar.spec.timezone)
    since = schedule.period.since
    until = max(schedule.period.until, since + OVERRIDE_HORIZON)
    # The recurring form alone (a freeze giving both forms has a separate one-off event).
    alone = freeze.model_copy(update={"start": None, "end": None})
    single = calendar.model_copy(
        update={"spec": calendar.spec.model_copy(update={"freezes": [alone]})}
    )
    out: list[Event] = []
    for interval in freeze_intervals(single, since, until):
        if _rfc_end(interval.start, freeze.duration, zone) == interval.end:
            continue
        event = _freeze_event(freeze, calendar, stamp, uid_, note)
        event.add("recurrence-id", interval.start.astimezone(zone))
        event.add("dtstart", interval.start.astimezone(zone))
        event.add("dtend", interval.end.astimezone(zone))
        out.append(event)
    return out


def _window_event(occurrence: WindowOccurrence, schedule: Schedule, stamp: datetime) -> Event:
    kind, _, owner = occurrence.source.partition(" ")
    start = occurrence.start.astimezone(timezone.utc)
    name = f"{kind}.{owner}.{occurrence.name}"
    safe = _UNSAFE.sub("-", name).strip("-")
    if safe != name:
        safe += "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    event = Event()
    event.add("uid", uid(f"window.{safe}.{start:%Y%m%dT%H%M%SZ}", schedule))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", occurrence.end.astimezone(timezone.utc))
    event.add(
        "summary", f"Maintenance window: {occurrence.name} ({', '.join(occurrence.services)})"
    )
    exempt = ", ".join(schedule.window_exempt) or "no"
    event.add(
        "description",
        f"Agreed maintenance window '{occurrence.name}' of {occurrence.source}; changes on "
        f"{', '.join(occurrence.services)} fit in it ({exempt} changes are exempt).",
    )
    event.add("categories", ["maintenance-window"])
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def _rfc_end(start: datetime, duration: timedelta, zone: ZoneInfo) -> datetime:
    """Where RFC 5545 ends an occurrence: nominal days on the wall clock, then exact time."""
    wall = start.astimezone(zone).replace(tzinfo=None) + timedelta(days=duration.days)
    # Through UTC: Python adds a timedelta to a zoned datetime on the wall clock.
    return wall.replace(tzinfo=zone).astimezone(timezone.utc) + timedelta(seconds=duration.seconds)


def _freeze_event(
    freeze: Freeze, calendar: Calendar, stamp: datetime, uid_: str, note: str
) -> Event:
    event = Event()
    event.add("uid", uid_)
    event.add("dtstamp", stamp)
    event.add("summary", f"Change freeze: {freeze.name}")
    event.add(
        "description",
        f"{note} (calendar {calendar.name}, zone {calendar.spec.timezone}).",
    )
    event.add("categories", ["freeze"])
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def _rule(text: str, zone: ZoneInfo) -> vRecur:
    line = text.strip()
    if line.upper().startswith("RRULE:"):
        line = line[len("RRULE:") :]
    rule: vRecur = vRecur.from_ical(line)
    until = rule.get("UNTIL")
    if until:
        moment = until[0]
        if isinstance(moment, datetime) and moment.tzinfo is None:
            # With a TZID on DTSTART, RFC 5545 wants UNTIL in UTC; the rule means local.
            rule["UNTIL"] = [moment.replace(tzinfo=zone).astimezone(timezone.utc)]
    return rule
