"""``itsm report sla``: response and resolution against SLA targets, in business time,
attainment per service and priority, and availability from incident downtime."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from itsmcode.clock.business import BusinessClock, Span, merge_spans, minus_spans, parse_target
from itsmcode.load.catalog import Catalog
from itsmcode.models import SLA, Incident, Service
from itsmcode.models.sla import Target
from itsmcode.reports.common import Finding, Period, Report, human

#: Changes whose windows count as maintenance (SLA ``maintenanceExcluded``).
_MAINTENANCE_STATUSES = frozenset({"completed", "failed", "rolled-back"})


@dataclass(frozen=True)
class Clocked:
    """One target measured: response or resolution (instants as POSIX seconds)."""

    target: str
    target_seconds: int | None
    elapsed_seconds: int
    deadline: float | None
    end: float
    breached: bool

    def to_json(self, period: Period) -> dict[str, Any]:
        return {
            "target": self.target,
            "targetSeconds": self.target_seconds,
            "elapsedSeconds": self.elapsed_seconds,
            "deadline": period.iso_ts(self.deadline) if self.deadline is not None else None,
            "breached": self.breached,
        }


@dataclass(frozen=True)
class Measurement:
    incident: str
    service: str
    tier: int
    sla: str
    priority: str
    open: bool
    response: Clocked | None
    resolution: Clocked | None

    @property
    def breached(self) -> bool:
        return any(c is not None and c.breached for c in (self.response, self.resolution))

    def to_json(self, period: Period) -> dict[str, Any]:
        return {
            "incident": self.incident,
            "service": self.service,
            "sla": self.sla,
            "priority": self.priority,
            "open": self.open,
            "response": self.response.to_json(period) if self.response else None,
            "resolution": self.resolution.to_json(period) if self.resolution else None,
        }


@dataclass(frozen=True)
class Unmeasured:
    """An affected service an incident could not be measured against, and why."""

    incident: str
    service: str
    reason: str


@dataclass(frozen=True)
class Attainment:
    service: str
    priority: str
    measured: int
    breached: int

    @property
    def percent(self) -> float | None:
        if not self.measured:
            return None
        return round(100 * (self.measured - self.breached) / self.measured, 2)


@dataclass(frozen=True)
class Availability:
    service: str
    sla: str
    target: float
    start: datetime
    end: datetime
    downtime_seconds: int

    @property
    def achieved(self) -> float:
        window = (self.end - self.start).total_seconds()
        return round(100 * (1 - self.downtime_seconds / window), 4)

    @property
    def breached(self) -> bool:
        """Below target: the error budget is spent (the gate's ``errorBudgetSpent``)."""
        return self.achieved < self.target

    @property
    def remaining_budget_seconds(self) -> int:
        """Downtime the target still allows in the window; negative: overspent by that."""
        window = (self.end - self.start).total_seconds()
        return round(window * (100 - self.target) / 100) - self.downtime_seconds


@dataclass
class SlaReport(Report):
    measurements: list[Measurement] = field(default_factory=list)
    unmeasured: list[Unmeasured] = field(default_factory=list)
    attainment: list[Attainment] = field(default_factory=list)
    availability: list[Availability] = field(default_factory=list)

    def sections(self) -> dict[str, Any]:
        return {
            "measurements": [m.to_json(self.period) for m in self.measurements],
            "unmeasured": [
                {"incident": u.incident, "service": u.service, "reason": u.reason}
                for u in self.unmeasured
            ],
            "attainment": [
                {
                    "service": a.service,
                    "priority": a.priority,
                    "measured": a.measured,
                    "breached": a.breached,
                    "percent": a.percent,
                }
                for a in self.attainment
            ],
            "availability": [
                {
                    "service": a.service,
                    "sla": a.sla,
                    "target": a.target,
                    "window": {"start": self.period.iso(a.start), "end": self.period.iso(a.end)},
                    "downtimeSeconds": a.downtime_seconds,
                    "achieved": a.achieved,
                    "breached": a.breached,
                    "remainingBudgetSeconds": a.remaining_budget_seconds,
                }
                for a in self.availability
            ],
        }


def build(catalog: Catalog, period: Period) -> SlaReport:
    report = SlaReport("sla", period)
    clocks: dict[str | None, BusinessClock] = {}

    def clock_of(sla: SLA) -> BusinessClock:
        name = sla.spec.calendar
        if name not in clocks:
            clocks[name] = BusinessClock(catalog.calendar(name) if name else None)
        return clocks[name]

    for _, incident in catalog.each(Incident):
        if not period.contains(incident.spec.opened_at):
            continue
        for service_name in dict.fromkeys(incident.spec.services):
            found = _measure(catalog, incident, service_name, period, clock_of)
            if isinstance(found, Unmeasured):
                report.unmeasured.append(found)
            else:
                report.measurements.append(found)
    report.measurements.sort(key=lambda m: (m.incident, m.service))
    report.unmeasured.sort(key=lambda u: (u.incident, u.service))
    report.attainment = _attainment(report.measurements)
    report.availability = availability(catalog, period.until)
    report.findings = [*_breach_findings(report.measurements, period)]
    report.findings += [
        Finding(
            "availability-breach",
            "error",
            (("Service", a.service), ("SLA", a.sla)),
            f"{a.service} was available {a.achieved}% of the "
            f"{human((a.end - a.start).total_seconds())} up to {period.iso(a.end)}, below the "
            f"{a.sla} SLA's {a.target}% "
            f"({human(a.downtime_seconds)} down)",
        )
        for a in report.availability
        if a.breached
    ]
    return report


def _measure(
    catalog: Catalog,
    incident: Incident,
    service_name: str,
    period: Period,
    clock_of: Callable[[SLA], BusinessClock],
) -> Measurement | Unmeasured:
    service = catalog.service(service_name)
    if service is None:
        return Unmeasured(incident.name, service_name, "no such service")
    if service.spec.sla is None:
        return Unmeasured(incident.name, service_name, "the service has no SLA")
    sla = catalog.sla(service.spec.sla)
    if sla is None:
        return Unmeasured(incident.name, service_name, f"SLA '{service.spec.sla}' does not load")
    priority = incident.spec.priority
    target = getattr(sla.spec.targets, priority.lower())
    if target is None:
        return Unmeasured(
            incident.name, service_name, f"SLA '{sla.name}' has no target for {priority}"
        )
    clock = clock_of(sla)
    spec = incident.spec
    until = period.until
    # What happened after --until has not happened yet: the report is as of --until.
    resolved = spec.resolved_at if spec.resolved_at and spec.resolved_at <= until else None
    responded = spec.responded_at if spec.responded_at and spec.responded_at <= until else None
    response_end = responded or resolved or until
    resolution_end = resolved or until
    hold: list[Span] = [
        (h.start.timestamp(), min(h.end or until, until).timestamp())
        for h in spec.on_hold
        if h.start < until
    ]
    return Measurement(
        incident=incident.name,
        service=service_name,
        tier=service.spec.tier,
        sla=sla.name,
        priority=priority,
        open=resolved is None,
        response=_clock(clock, target, "response", spec.opened_at, response_end, []),
        resolution=_clock(clock, target, "resolution", spec.opened_at, resolution_end, hold),
    )


def _clock(
    clock: BusinessClock,
    target: Target,
    which: Literal["response", "resolution"],
    start: datetime,
    end: datetime,
    hold: list[Span],
) -> Clocked:
    text = target.written(which)
    amount, unit = parse_target(text)
    start_ts, end_ts = start.timestamp(), end.timestamp()
    deadline = clock.deadline_ts(start_ts, amount, unit, hold)
    return Clocked(
        target=text,
        target_seconds=clock.target_seconds(amount, unit),
        elapsed_seconds=int(clock.elapsed_ts(start_ts, end_ts, hold)),
        deadline=deadline,
        end=end_ts,
        breached=deadline is not None and end_ts > deadline,
    )


def _attainment(measurements: list[Measurement]) -> list[Attainment]:
    counts: dict[tuple[str, str], list[int]] = {}
    for m in measurements:
        if m.open and not m.breached:
            continue  # an open measurement counts once it has breached
        row = counts.setdefault((m.service, m.priority), [0, 0])
        row[0] += 1
        row[1] += int(m.breached)
    return [Attainment(s, p, n, b) for (s, p), (n, b) in sorted(counts.items())]


def _breach_findings(measurements: list[Measurement], period: Period) -> list[Finding]:
    findings = []
    for m in measurements:
        for which, clocked in (("response", m.response), ("resolution", m.resolution)):
            if clocked is None or not clocked.breached or clocked.deadline is None:
                continue
            late = human(clocked.end - clocked.deadline)
            state = "still open" if m.open and clocked.end == period.until.timestamp() else "ended"
            findings.append(
                Finding(
                    "sla-breach",
                    "error" if m.tier <= 2 else "warning",
                    (("Incident", m.incident), ("Service", m.service)),
                    f"{m.priority} {which} on {m.service} ({m.sla} SLA, target {clocked.target}) "
                    f"was due {period.iso_ts(clocked.deadline)}; {state} {late} late "
                    f"({human(clocked.elapsed_seconds)} of business time)",
                )
            )
    return findings


def availability(catalog: Catalog, until: datetime) -> list[Availability]:
    """Every live service's availability over its SLA's window up to ``until``."""
    downtime: dict[str, list[Span]] = {}
    for _, incident in catalog.each(Incident):
        down = incident.spec.downtime
        if down is None:
            continue
        end = down.end or until
        for name in set(incident.spec.services):
            downtime.setdefault(name, []).append((down.start.timestamp(), end.timestamp()))
    maintenance: dict[str, list[Span]] = {}
    for change in catalog.changes:
        if change.spec.status in _MAINTENANCE_STATUSES:
            window = (change.spec.window.start.timestamp(), change.spec.window.end.timestamp())
            for name in set(change.spec.services):
                maintenance.setdefault(name, []).append(window)
    found = []
    for _, service in catalog.each(Service):
        sla = catalog.sla(service.spec.sla) if service.spec.sla else None
        if service.spec.lifecycle != "live" or sla is None or sla.spec.availability is None:
            continue
        if sla.spec.availability.window.total_seconds() <= 0:
            continue  # an empty window measures nothing (sla-sanity's business)
        start = until - sla.spec.availability.window
        lo, hi = start.timestamp(), until.timestamp()
        spans = _clip(downtime.get(service.name, []), lo, hi)
        if sla.spec.maintenance_excluded:
            spans = tuple(_subtract(spans, _clip(maintenance.get(service.name, []), lo, hi)))
        seconds = int(sum(b - a for a, b in spans))
        found.append(
            Availability(
                service.name, sla.name, sla.spec.availability.target, start, until, seconds
            )
        )
    return sorted(found, key=lambda a: a.service)


def _clip(spans: list[Span], lo: float, hi: float) -> tuple[Span, ...]:
    """The union of ``spans`` within ``[lo, hi)``, sorted and disjoint."""
    return merge_spans((max(a, lo), min(b, hi)) for a, b in spans if max(a, lo) < min(b, hi))


def _subtract(spans: tuple[Span, ...], holes: tuple[Span, ...]) -> list[Span]:
    return [piece for a, b in spans for piece in minus_spans(a, b, holes)]
