"""The forward schedule of change (``itsm calendar``): what is about to change, when,
on what, and what it collides with.

For a period ``[since, until)`` the schedule holds every change whose window overlaps
it (any status: a subscribed calendar must see a change become cancelled, not vanish;
never a window that ends before it starts, which lint's change-window reports),
the occurrences of the freezes lint enforces (the approval policy's freeze calendars)
that overlap it, and the conflicts lint would fail on (clock/schedule.py), as findings:

- ``change-overlap`` (error): two changes in the period whose windows overlap on a
  service or on a service and one it depends on directly;
- ``change-in-freeze`` (error): a planned or in-progress, non-exempt change whose window
  falls in one of those freezes;
- ``change-outside-maintenance-window`` (error): a planned or in-progress change of a
  type the windows bind whose window does not fit in one agreed maintenance window of
  one of its services (clock/maintenance.py, the rule of the same id).

It also lists the occurrences of every agreed maintenance window (of services and of
their SLA calendars) that overlap the period.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from itsmcode.clock.freezes import FreezeInterval, freeze_intervals
from itsmcode.clock.maintenance import WindowIndex, WindowOccurrence, exempt_types, window_index
from itsmcode.clock.schedule import (
    FreezeRules,
    freeze_rules,
    freezes_hit,
    neighbours,
    overlapping_pairs,
    relation,
    schedulable,
)
from itsmcode.errors import ConfigError
from itsmcode.load.catalog import Catalog
from itsmcode.models import Calendar, ChangeRequest, Service
from itsmcode.models.change import OPEN_STATUSES

#: The default period: from now, this many days ahead.
DEFAULT_DAYS = 90
FINDING_TYPES = ("change-overlap", "change-in-freeze", "change-outside-maintenance-window")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime


@dataclass(frozen=True)
class ServiceRef:
    """A service a change touches, with what a CAB needs to know about it (None when the
    catalog has no valid service of that name: ref-exists reports it)."""

    name: str
    tier: int | None
    owner: str | None


@dataclass(frozen=True)
class PlannedChange:
    name: str
    path: str
    title: str | None
    status: str
    type: str
    risk: str
    start: datetime
    end: datetime
    services: tuple[ServiceRef, ...]


@dataclass(frozen=True)
class FreezeOccurrence:
    calendar: str
    freeze: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Finding:
    type: str
    severity: str
    entities: tuple[tuple[str, str], ...]
    message: str


@dataclass(frozen=True)
class Schedule:
    """Everything the calendar reporters show; times keep the offsets they were given."""

    repository: str
    title: str | None
    timezone: str
    period: Period
    generated: datetime
    changes: tuple[PlannedChange, ...]
    freezes: tuple[FreezeOccurrence, ...]
    findings: tuple[Finding, ...]
    #: The calendars whose freezes are shown (the ics feed writes their rules).
    calendars: tuple[Calendar, ...] = field(default=())
    #: Change types the policy exempts from the freezes.
    exempt: tuple[str, ...] = field(default=())
    #: Occurrences of the agreed maintenance windows overlapping the period.
    windows: tuple[WindowOccurrence, ...] = field(default=())
    #: Change types the policy exempts from the maintenance windows.
    window_exempt: tuple[str, ...] = field(default=())


def parse_moment(text: str, zone: ZoneInfo, option: str) -> datetime:
    """``YYYY-MM-DD`` as local midnight in ``zone``, or an ISO 8601 time with an offset."""
    if _DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ConfigError(f"{option} {text}: no such date") from None
        return local_midnight(day, zone)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{option} {text}: not a date (YYYY-MM-DD) or a time with an offset "
            "(2026-12-01T08:00:00+01:00)"
        ) from None
    if value.tzinfo is None:
        raise ConfigError(f"{option} {text}: give the UTC offset (e.g. +01:00 or Z), or a date")
    return value


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``zone``, with the offset in force then."""
    moment = datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc).astimezone(zone)
    return moment


def default_period(now: datetime) -> Period:
    return Period(now, now + timedelta(days=DEFAULT_DAYS))


def schedule(catalog: Catalog, period: Period, now: datetime) -> Schedule:
    """The schedule of change of ``catalog`` over ``period``."""
    if period.until <= period.since:
        raise ConfigError(
            f"--until {period.until.isoformat()} is not after --since {period.since.isoformat()}"
        )
    config = catalog.config
    rules = freeze_rules(catalog.policy, catalog.calendar)
    # A window that ends before it starts cannot be placed (change-window reports it).
    in_period = [
        (record, change)
        for record, change in catalog.each(ChangeRequest)
        if change.spec.window.start < change.spec.window.end
        and change.spec.window.start < period.until
        and period.since < change.spec.window.end
    ]
    changes = tuple(
        sorted(
            (_planned(catalog, record.path, change) for record, change in in_period),
            key=lambda c: (c.start, c.end, c.name),
        )
    )
    freezes = tuple(
        FreezeOccurrence(calendar.name, interval.name, interval.start, interval.end)
        for calendar in rules.calendars
        for interval in freeze_intervals(calendar, period.since, period.until)
    )
    index = window_index(catalog.all(Service), catalog.sla, catalog.calendar, config.spec.timezone)
    not_bound = exempt_types(catalog.policy)
    findings = [
        *_overlaps(catalog, in_period),
        *_in_freeze(in_period, rules),
        *_outside_windows(in_period, index, not_bound),
    ]
    return Schedule(
        repository=config.name,
        title=config.metadata.title,
        timezone=config.spec.timezone,
        period=period,
        generated=now,
        changes=changes,
        freezes=tuple(sorted(freezes, key=lambda f: (f.start, f.end, f.calendar, f.freeze))),
        findings=tuple(sorted(findings, key=lambda f: (f.entities, f.type, f.message))),
        calendars=rules.calendars,
        exempt=rules.exempt,
        windows=tuple(index.occurrences(period.since, period.until)),
        window_exempt=tuple(sorted(not_bound)),
    )


def _planned(catalog: Catalog, path: str, change: ChangeRequest) -> PlannedChange:
    spec = change.spec
    services = []
    for name in spec.services:
        service = catalog.service(name)
        services.append(
            ServiceRef(
                name,
                service.spec.tier if service else None,
                service.spec.owner if service else None,
            )
        )
    return PlannedChange(
        name=change.name,
        path=path,
        title=change.metadata.title,
        status=spec.status,
        type=spec.type,
        risk=spec.risk,
        start=spec.window.start,
        end=spec.window.end,
        services=tuple(services),
    )


def _entities(*changes: str) -> tuple[tuple[str, str], ...]:
    return tuple(("ChangeRequest", name) for name in sorted(changes))


def _overlaps(catalog: Catalog, in_period: Sequence[tuple[object, ChangeRequest]]) -> list[Finding]:
    changes = schedulable((None, change.name, change) for _, change in in_period)
    depends_on = {service: {d for d, _ in deps} for service, deps in catalog.dependencies.items()}
    found = []
    for first, second in overlapping_pairs(changes, neighbours(catalog.dependencies)):
        window = second.change.spec.window
        found.append(
            Finding(
                "change-overlap",
                "error",
                _entities(first.change.name, second.change.name),
                f"{first.change.name} overlaps {second.change.name} "
                f"({window.start.isoformat()} to {window.end.isoformat()}), "
                f"{relation(first.change, second.change, depends_on)}",
            )
        )
    return found


def _in_freeze(
    in_period: Sequence[tuple[object, ChangeRequest]], rules: FreezeRules
) -> list[Finding]:
    found = []
    for _, change in in_period:
        window = change.spec.window
        if not rules.applies_to(change):
            continue
        for calendar, interval in freezes_hit(rules.calendars, window.start, window.end):
            found.append(
                Finding(
                    "change-in-freeze",
                    "error",
                    _entities(change.name),
                    f"{change.name} ({window.start.isoformat()} to {window.end.isoformat()}) "
                    f"falls in freeze '{interval.name}' of calendar '{calendar}' "
                    f"({_span(interval)})",
                )
            )
    return found


def _outside_windows(
    in_period: Sequence[tuple[object, ChangeRequest]], index: WindowIndex, exempt: frozenset[str]
) -> list[Finding]:
    found = []
    for _, change in in_period:
        if change.spec.status not in OPEN_STATUSES or change.spec.type in exempt:
            continue
        window = change.spec.window
        for service in index.outside(change):
            found.append(
                Finding(
                    "change-outside-maintenance-window",
                    "error",
                    _entities(change.name),
                    f"{change.name} ({window.start.isoformat()} to {window.end.isoformat()}) "
                    f"does not fit in one agreed maintenance window of service '{service}'",
                )
            )
    return found


def _span(interval: FreezeInterval) -> str:
    return f"{interval.start.isoformat()} to {interval.end.isoformat()}"
