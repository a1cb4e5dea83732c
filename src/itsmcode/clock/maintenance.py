"""Agreed maintenance windows: when a service may be changed (docs/calendar.md).

A service's agreed windows are its own ``spec.maintenanceWindows`` plus those of the
calendar its SLA names (``SLA.spec.calendar``). Each window has the shape of a freeze
and expands with the same code (``clock.freezes.occurrences``): one-off ``start``/``end``
or recurring ``rrule``/``duration``, a recurring one read on the wall clock of its
``timezone``, else the calendar's zone (a calendar's window), else the organisation's
zone (itsm.yaml ``spec.timezone``, a service's window).

A change window *fits* a service when it lies inside one occurrence of one of its
windows: ``occurrence.start <= window.start`` and ``window.end <= occurrence.end``
(half-open intervals, so ending exactly when the occurrence ends fits). Two back-to-back
occurrences do not add up to one: the agreement is per occurrence. A service with no
declared window imposes none.

Lint (change-outside-maintenance-window), ``itsm calendar`` and the gate's
``outsideMaintenanceWindow`` predicate all ask ``WindowIndex.outside``, so they agree.
The index is built once per catalog, the lookups per change are a few bounded rrule
expansions at one instant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from itsmcode.clock.freezes import occurrences
from itsmcode.models import SLA, ApprovalPolicy, Calendar, ChangeRequest, Service
from itsmcode.models.calendar import MaintenanceWindow
from itsmcode.models.policy import Maintenance


@dataclass(frozen=True)
class AgreedWindow:
    """One declared window and where it comes from (``source``: ``service <name>`` or
    ``calendar <name>``), with the zone its rrule is read in."""

    window: MaintenanceWindow
    zone: str
    source: str


@dataclass(frozen=True)
class WindowOccurrence:
    """One occurrence of a declared window, ``[start, end)``, with the services it binds."""

    source: str
    name: str
    start: datetime
    end: datetime
    services: tuple[str, ...]


def _zone(window: MaintenanceWindow, fallback: str) -> str:
    return window.timezone or fallback


def calendar_windows(calendar: Calendar) -> tuple[AgreedWindow, ...]:
    return tuple(
        AgreedWindow(w, _zone(w, calendar.spec.timezone), f"calendar {calendar.name}")
        for w in calendar.spec.maintenance_windows
    )


def service_windows(
    service: Service,
    sla: Callable[[str], SLA | None],
    calendar: Callable[[str], Calendar | None],
    default_zone: str,
) -> tuple[AgreedWindow, ...]:
    """Every window agreed for ``service``: its own, then its SLA calendar's."""
    return _own(service, default_zone) + _of_sla(service.spec.sla, sla, calendar)


def _own(service: Service, default_zone: str) -> tuple[AgreedWindow, ...]:
    return tuple(
        AgreedWindow(w, _zone(w, default_zone), f"service {service.name}")
        for w in service.spec.maintenance_windows
    )


def _of_sla(
    name: str | None, sla: Callable[[str], SLA | None], calendar: Callable[[str], Calendar | None]
) -> tuple[AgreedWindow, ...]:
    agreement = sla(name) if name else None
    cal_name = agreement.spec.calendar if agreement is not None else None
    cal = calendar(cal_name) if cal_name else None
    return calendar_windows(cal) if cal is not None else ()


def fits(windows: Iterable[AgreedWindow], start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` lies inside one occurrence of one of ``windows``."""
    for agreed in windows:
        zone = ZoneInfo(agreed.zone)
        for occurrence in occurrences(agreed.window, zone, start, start):
            if occurrence.start <= start and end <= occurrence.end:
                return True
    return False


@dataclass(frozen=True)
class WindowIndex:
    """Service name -> its agreed windows (only services that declare some)."""

    by_service: dict[str, tuple[AgreedWindow, ...]]

    def outside(self, change: ChangeRequest) -> list[str]:
        """The services of ``change`` whose agreed windows its window does not fit in."""
        window = change.spec.window
        return [
            name
            for name in dict.fromkeys(change.spec.services)
            if name in self.by_service and not fits(self.by_service[name], window.start, window.end)
        ]

    def occurrences(self, lo: datetime, hi: datetime) -> list[WindowOccurrence]:
        """Every occurrence overlapping ``[lo, hi)`` of a window that binds some service,
        once per declared window (a calendar's window lists all the services it binds)."""
        bound: dict[tuple[str, int], tuple[AgreedWindow, list[str]]] = {}
        for service, windows in sorted(self.by_service.items()):
            for agreed in windows:
                key = (agreed.source, id(agreed.window))
                bound.setdefault(key, (agreed, []))[1].append(service)
        found = [
            WindowOccurrence(agreed.source, o.name, o.start, o.end, tuple(services))
            for agreed, services in bound.values()
            for o in occurrences(agreed.window, ZoneInfo(agreed.zone), lo, hi)
        ]
        return sorted(found, key=lambda o: (o.start, o.end, o.source, o.name))


def window_index(
    services: Iterable[Service],
    sla: Callable[[str], SLA | None],
    calendar: Callable[[str], Calendar | None],
    default_zone: str,
) -> WindowIndex:
    """The agreed windows of every service in ``services`` that declares any.

    Each SLA's calendar is looked up once, not once per service (a catalog of thousands
    of services shares a handful of SLAs)."""
    found: dict[str, tuple[AgreedWindow, ...]] = {}
    by_sla: dict[str, tuple[AgreedWindow, ...]] = {}
    for service in services:
        name = service.name
        if name in found:
            continue  # a duplicate name: the first wins, as catalog.service() does
        agreement = service.spec.sla
        shared: tuple[AgreedWindow, ...] = ()
        if agreement:
            if agreement not in by_sla:
                by_sla[agreement] = _of_sla(agreement, sla, calendar)
            shared = by_sla[agreement]
        if service.spec.maintenance_windows or shared:
            found[name] = _own(service, default_zone) + shared
    return WindowIndex(found)


def exempt_types(policy: ApprovalPolicy | None) -> frozenset[str]:
    """The change types the windows do not bind: the policy's ``spec.maintenance
    .exemptTypes`` (by default every type but ``normal``)."""
    spec = policy.spec.maintenance if policy is not None else Maintenance()
    return frozenset(spec.exempt_types)
