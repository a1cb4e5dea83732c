"""calendar-valid: a calendar's zone, hours, holidays, freezes and windows make sense.

A calendar is the clock for SLA targets and the source of change freezes: a freeze
that cannot be placed in time silently lets changes through, and business hours that
end before they start make every SLA clock stand still. Checked:

- ``timezone`` is an IANA zone name and every freeze ``rrule`` is a valid RFC 5545
  RRULE (these two are checked while the file is loaded and reported under this id);
- each ``businessHours`` entry ends after it starts (``to`` may be ``24:00``), lists a
  day at most once, and does not overlap another entry on the same day;
- a holiday date is listed once;
- each freeze is either one-off, ``start`` and ``end`` with end after start, or
  recurring, ``rrule`` and a non-zero ``duration`` — never a mix of the two forms;
- a freeze ``rrule`` is a single RRULE line (no DTSTART, EXDATE or RDATE: every rule
  starts 1970-01-01T00:00 in the calendar's zone) that occurs at least once;
- every agreed maintenance window (``spec.maintenanceWindows`` of a calendar *or a
  service*) obeys the same rules as a freeze: a window that cannot be placed in time
  would leave its service no time to be changed in.

Passing::

    spec:
      timezone: Europe/Berlin
      businessHours:
        - {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00"}
      freezes:
        - {name: friday-afternoon, rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", duration: 63h}

Failing::

    spec:
      timezone: Europe/Berlinn                # error: unknown time zone
      businessHours:
        - {days: [mon, mon], from: "18:00", to: "08:00"}   # error: mon twice; ends before it starts
      freezes:
        - {name: year-end, start: "2026-12-18T00:00:00+01:00", duration: 2w}   # error: a mix
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from itsmcode.clock.freezes import rrule_never_occurs
from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.models import Calendar, Service
from itsmcode.models.calendar import Freeze, MaintenanceWindow

ID = "calendar-valid"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"Calendar", "Service"})  # a service's own maintenance windows
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}

_ONE_OFF = ("start", "end")
_RECURRING = ("rrule", "duration")


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, calendar in catalog.each(Calendar):
        yield from _business_hours(record, calendar)
        yield from _holidays(record, calendar)
        for index, freeze in enumerate(calendar.spec.freezes):
            yield from _freeze(record, "freezes", index, freeze)
        for index, window in enumerate(calendar.spec.maintenance_windows):
            yield from _freeze(record, "maintenanceWindows", index, window)
    for record, service in catalog.each(Service):
        for index, window in enumerate(service.spec.maintenance_windows):
            yield from _freeze(record, "maintenanceWindows", index, window)


def _business_hours(record: Record, calendar: Calendar) -> Iterator[Diagnostic]:
    # (day, from, to, entry index) of every well-formed entry, to find overlaps.
    seen: dict[str, list[tuple[str, str, int]]] = {}
    for i, hours in enumerate(calendar.spec.business_hours):
        base = ("spec", "businessHours", i)
        ordered = hours.start < hours.end  # "HH:MM" strings sort like times; "24:00" last
        if not ordered:
            yield record.diagnostic(
                ID,
                (*base, "to"),
                f"business hours end at {hours.end}, not after they start at {hours.start}; "
                "set 'to' later than 'from' (use 24:00 for midnight, and a second entry "
                "for hours that run past midnight)",
            )
        days_here: set[str] = set()
        for j, day in enumerate(hours.days):
            if day in days_here:
                yield record.diagnostic(
                    ID, (*base, "days", j), f"'{day}' is listed twice in this entry; remove one"
                )
                continue
            days_here.add(day)
            if not ordered:
                continue
            for start, end, other in seen.get(day, []):
                if hours.start < end and start < hours.end:
                    yield record.diagnostic(
                        ID,
                        (*base, "days", j),
                        f"'{day}' {hours.start}-{hours.end} overlaps businessHours[{other}] "
                        f"({start}-{end}) on the same day; merge the two entries",
                    )
                    break
            seen.setdefault(day, []).append((hours.start, hours.end, i))


def _holidays(record: Record, calendar: Calendar) -> Iterator[Diagnostic]:
    first: dict[date, int] = {}
    for i, holiday in enumerate(calendar.spec.holidays):
        if holiday.date in first:
            yield record.diagnostic(
                ID,
                ("spec", "holidays", i, "date"),
                f"holiday {holiday.date.isoformat()} is already listed as "
                f"holidays[{first[holiday.date]}]; remove the duplicate",
            )
        else:
            first[holiday.date] = i


def _freeze(
    record: Record, key: str, index: int, freeze: Freeze | MaintenanceWindow
) -> Iterator[Diagnostic]:
    """A freeze, or a maintenance window (``key``: the list it is in), can be placed."""
    base = ("spec", key, index)
    raw = _raw_freeze(record, key, index)
    given = {field for field in (*_ONE_OFF, *_RECURRING) if raw.get(field) is not None}
    one_off = given & set(_ONE_OFF)
    recurring = given & set(_RECURRING)
    what = "freeze" if key == "freezes" else "maintenance window"
    name = f"{what} '{freeze.name}'"
    if one_off and recurring:
        # Point at the first field of the second form: that is where the mix begins.
        field = _first_of_second_form(raw, given)
        yield record.diagnostic(
            ID,
            (*base, field),
            f"{name} mixes a one-off period (start/end) with a recurring one "
            "(rrule/duration); use start and end, or rrule and duration, not both",
            key=True,
        )
        return
    if not given:
        yield record.diagnostic(
            ID,
            base,
            f"{name} has no time: give start and end (one-off) or rrule and duration (recurring)",
        )
        return
    pair = _ONE_OFF if one_off else _RECURRING
    missing = [field for field in pair if field not in given]
    if missing:
        present = next(field for field in pair if field in given)
        yield record.diagnostic(
            ID,
            (*base, present),
            f"{name} has {present} but no {missing[0]}; add {missing[0]}",
            key=True,
        )
        return
    if freeze.start is not None and freeze.end is not None and freeze.end <= freeze.start:
        yield record.diagnostic(
            ID,
            (*base, "end"),
            f"{name} ends at {freeze.end.isoformat()}, not after it starts at "
            f"{freeze.start.isoformat()}; set end after start",
        )
    if freeze.duration is not None and freeze.duration <= timedelta(0):
        yield record.diagnostic(
            ID, (*base, "duration"), f"{name} has a zero duration; give each occurrence a length"
        )
    if freeze.rrule is not None:
        yield from _rrule(record, base, name, freeze.rrule, what)


def _rrule(
    record: Record, base: tuple[str | int, ...], name: str, text: str, what: str
) -> Iterator[Diagnostic]:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    rule_line = lines[0].upper().removeprefix("RRULE:") if lines else ""
    if len(lines) != 1 or ":" in rule_line:
        yield record.diagnostic(
            ID,
            (*base, "rrule"),
            f"{name}: write a single RRULE such as 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=15', without "
            "DTSTART, EXDATE or RDATE lines; every rule starts 1970-01-01T00:00 in its "
            "time zone",
        )
    elif rrule_never_occurs(text):
        yield record.diagnostic(
            ID,
            (*base, "rrule"),
            f"{name}: rrule '{text}' never occurs (its BY parts exclude every date), so "
            f"this {what} never applies; fix the rule",
        )


def _raw_freeze(record: Record, key: str, index: int) -> dict[str, object]:
    """The freeze (or window) mapping as written (to tell which fields the author gave)."""
    data = record.document.data if record.document else {}
    spec = data.get("spec")
    freezes = spec.get(key) if isinstance(spec, dict) else None
    item = freezes[index] if isinstance(freezes, list) and index < len(freezes) else None
    return {str(k): v for k, v in item.items()} if isinstance(item, dict) else {}


def _first_of_second_form(raw: dict[str, object], given: set[str]) -> str:
    """The first field (in file order) of the form that is not the one written first."""
    ordered = [field for field in raw if field in given]
    first_form_recurring = ordered[0] in _RECURRING
    return next(field for field in ordered if (field in _RECURRING) != first_form_recurring)
