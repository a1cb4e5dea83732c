"""``itsm risk CHANGE``: a change's risk computed from the catalog's evidence.

Every factor adds points and says why (docs/risk.md has the table); the total maps to
low, medium or high at itsm.yaml's ``spec.reports.risk`` thresholds. The evidence is
taken as it stood when the change's window opens: the change failure rate over the 90
days before it (reports/changes.py), incidents on its services in the 30 days before
it, freezes in the 48 hours either side of the window (clock/), business hours of the
services' SLA calendars (clock/business.py), the blast radius of the dependency graph
(reports/graph.py) and the standard-change-fit rule's own test.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from itsmcode.clock.business import BusinessClock
from itsmcode.clock.freezes import freeze_intervals
from itsmcode.clock.schedule import freeze_rules
from itsmcode.lint.rules.standard_change_fit import misfits
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest, Incident
from itsmcode.models.change import RISK_ORDER
from itsmcode.reports import changes
from itsmcode.reports.common import Period, human
from itsmcode.reports.graph import EdgeMap

#: Points of the most critical affected service, by tier.
TIER_POINTS = {1: 30, 2: 20, 3: 10, 4: 0}
#: Points per service that depends on an affected one (transitively), and their cap.
DEPENDENT_POINTS, DEPENDENT_CAP = 2, 20
SHOWN = 10
#: A window overlapping a freeze, and one within SHADOW of a freeze.
FREEZE_POINTS, SHADOW_POINTS, SHADOW = 30, 15, timedelta(hours=48)
OUT_OF_HOURS_POINTS = 10
#: Failure rate above spec.reports.changeFailureRate: of an affected service, of the team.
SERVICE_FAILURE_POINTS, TEAM_FAILURE_POINTS = 15, 10
FAILURE_WINDOW = timedelta(days=90)
#: Points per incident on an affected service in INCIDENT_WINDOW, and their cap.
INCIDENT_POINTS, INCIDENT_CAP, INCIDENT_WINDOW = 5, 20, timedelta(days=30)
#: A standard change within its template's limits; one outside them.
STANDARD_FIT_POINTS, STANDARD_MISFIT_POINTS = -20, 10
LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Factor:
    """One contribution to the score: its name, points and the evidence behind them."""

    name: str
    points: int
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return {"factor": self.name, "points": self.points, "evidence": self.evidence}


@dataclass(frozen=True)
class RiskScore:
    change: str
    declared: str
    factors: tuple[Factor, ...]
    medium: int
    high: int

    @property
    def total(self) -> int:
        return max(0, sum(f.points for f in self.factors))

    @property
    def level(self) -> str:
        return level_of(self.total, self.medium, self.high)

    @property
    def understated(self) -> bool:
        """Declared below what the evidence says."""
        return RISK_ORDER[self.declared] < RISK_ORDER[self.level]

    def to_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "declared": self.declared,
            "score": self.total,
            "computed": self.level,
            "understated": self.understated,
            "thresholds": {"medium": self.medium, "high": self.high},
            "factors": [f.to_json() for f in self.factors],
        }


def level_of(total: int, medium: int, high: int) -> str:
    if total >= high:
        return "high"
    return "medium" if total >= medium else "low"


def score(evidence: Catalog, change: ChangeRequest) -> RiskScore:
    """The risk of ``change`` (which need not be in ``evidence``) from ``evidence``'s
    services, history and calendars. The gate passes the base catalog as evidence, so
    a pull request cannot rewrite the history it is judged by."""
    thresholds = evidence.config.spec.reports.risk
    return RiskScore(
        change.name,
        change.spec.risk,
        _factors(evidence, change, blast=True),
        thresholds.medium,
        thresholds.high,
    )


def scores_high(evidence: Catalog, change: ChangeRequest) -> bool:
    """Whether ``score(evidence, change)`` is high, without walking the dependency graph
    when the other factors decide it either way (the blast radius adds 0 to 20): lint
    asks this of every open change, and on a large graph the walk is the cost."""
    high = evidence.config.spec.reports.risk.high
    partial = sum(f.points for f in _factors(evidence, change, blast=False))
    if partial >= high:
        return True
    if partial + DEPENDENT_CAP < high:
        return False
    return max(0, partial + _blast_points(evidence, change)) >= high


def _blast_points(evidence: Catalog, change: ChangeRequest) -> int:
    """The blast-radius factor's points alone: the walk stops once the cap is reached."""
    names = set(_names(change))
    enough = -(-DEPENDENT_CAP // DEPENDENT_POINTS)
    users = _evidence(evidence).dependents.adjacency
    seen = set(names)
    stack = list(names)
    count = 0
    while stack and count < enough:
        for user in users.get(stack.pop(), ()):
            if user not in seen:
                seen.add(user)
                stack.append(user)
                count += 1
    return min(DEPENDENT_CAP, DEPENDENT_POINTS * count)


def _factors(evidence: Catalog, change: ChangeRequest, *, blast: bool) -> tuple[Factor, ...]:
    at = change.spec.window.start
    factors = [
        _tier(evidence, change),
        _blast_radius(evidence, change) if blast else None,
        _freeze(evidence, change),
        _out_of_hours(evidence, change),
        *_failure_rates(evidence, change, at),
        _incidents(evidence, change, at),
        _standard(evidence, change),
    ]
    return tuple(f for f in factors if f is not None)


class _Times:
    """When changes to one service (or by one team) finished, and which failed: a
    window's tally by bisection, not by a walk over the whole history per change."""

    def __init__(self, deployed: list[tuple[float, bool]]) -> None:
        deployed.sort()
        self.times = [t for t, _ in deployed]
        self.failed_before = [0]
        for _, failed in deployed:
            self.failed_before.append(self.failed_before[-1] + failed)

    def tally(self, lo: float, hi: float) -> changes.Tally:
        i, j = bisect_left(self.times, lo), bisect_left(self.times, hi)
        return changes.Tally(j - i, self.failed_before[j] - self.failed_before[i])


@dataclass(frozen=True)
class _Evidence:
    """What scoring reads of a catalog, indexed once per catalog (lint scores every open
    change of a repository against the same one)."""

    dependents: EdgeMap
    by_service: dict[str, _Times]
    by_team: dict[str, _Times]
    incidents: dict[str, list[tuple[float, str]]]  # service -> (opened, name), sorted


@lru_cache(maxsize=2)
def _evidence(catalog: Catalog) -> _Evidence:
    zone = ZoneInfo(catalog.config.spec.timezone)
    every = Period(datetime(1900, 1, 1, tzinfo=timezone.utc), _END_OF_TIME, zone)
    services: dict[str, list[tuple[float, bool]]] = {}
    teams: dict[str, list[tuple[float, bool]]] = {}
    # Deployed and failed exactly as itsm report changes counts them.
    for deployed in changes.build(catalog, every).deployed:
        entry = (deployed.finished.timestamp(), deployed.failed)
        for name in dict.fromkeys(deployed.change.spec.services):
            services.setdefault(name, []).append(entry)
        for team in changes.owner_teams(catalog, deployed.change):
            teams.setdefault(team, []).append(entry)
    incidents: dict[str, list[tuple[float, str]]] = {}
    for _, incident in catalog.each(Incident):
        for name in set(incident.spec.services):
            incidents.setdefault(name, []).append(
                (incident.spec.opened_at.timestamp(), incident.name)
            )
    return _Evidence(
        # The catalog's own reverse edges: a ServiceMap would also index every tier and
        # owner, which scoring reads through the catalog.
        EdgeMap(catalog.dependents),
        {n: _Times(d) for n, d in services.items()},
        {n: _Times(d) for n, d in teams.items()},
        {n: sorted(times) for n, times in incidents.items()},
    )


_END_OF_TIME = datetime(9000, 1, 1, tzinfo=timezone.utc)


def _names(change: ChangeRequest) -> list[str]:
    return list(dict.fromkeys(change.spec.services))


def _tier(evidence: Catalog, change: ChangeRequest) -> Factor:
    tiers = {n: s.spec.tier for n in _names(change) if (s := evidence.service(n)) is not None}
    if not tiers:
        return Factor("tier", 0, "no affected service is in the catalog")
    name = min(tiers, key=lambda n: (tiers[n], n))
    return Factor("tier", TIER_POINTS[tiers[name]], f"{name} is tier {tiers[name]}")


def _blast_radius(evidence: Catalog, change: ChangeRequest) -> Factor:
    names = set(_names(change))
    dependents = _reachable(names, _evidence(evidence).dependents.adjacency) - names
    points = min(DEPENDENT_CAP, DEPENDENT_POINTS * len(dependents))
    if not dependents:
        return Factor("blast-radius", 0, "no service depends on the affected services")
    # Named up to SHOWN (a tier-1 service can have thousands); itsm impact lists them all.
    names_shown = sorted(dependents)[:SHOWN]
    more = len(dependents) - len(names_shown)
    shown = ", ".join(names_shown) + (f" and {more} more (itsm impact)" if more else "")
    return Factor(
        "blast-radius",
        points,
        f"{len(dependents)} dependent service{'s' * (len(dependents) != 1)}: {shown}",
    )


def _reachable(start: set[str], users: Mapping[str, Iterable[str]]) -> set[str]:
    """``start`` and every service depending on one of them, transitively: the set
    ``diff.graph.dependents_closure`` walks, without the chains it records for each
    (lint scores every open change, and a tier-1 service has thousands of dependents)."""
    seen = set(start)
    stack = list(start)
    while stack:
        for user in users.get(stack.pop(), ()):
            if user not in seen:
                seen.add(user)
                stack.append(user)
    return seen


def _freeze(evidence: Catalog, change: ChangeRequest) -> Factor | None:
    window = change.spec.window
    rules = freeze_rules(evidence.policy, evidence.calendar)
    near: list[tuple[str, str, datetime, datetime]] = []
    for frozen in rules.calendars:
        for hit in freeze_intervals(frozen, window.start - SHADOW, window.end + SHADOW):
            near.append((frozen.name, hit.name, hit.start, hit.end))
    if not near:
        return None
    inside = [n for n in near if n[2] < window.end and window.start < n[3]]
    calendar, freeze, start, end = (inside or near)[0]
    if inside:
        return Factor(
            "freeze",
            FREEZE_POINTS,
            f"the window falls in freeze '{freeze}' of calendar '{calendar}' "
            f"({start.isoformat()} to {end.isoformat()})",
        )
    if start >= window.end:
        where = f"ends {human((start - window.end).total_seconds())} before"
    else:
        where = f"starts {human((window.start - end).total_seconds())} after"
    return Factor(
        "freeze",
        SHADOW_POINTS,
        f"the window {where} freeze '{freeze}' of calendar '{calendar}' "
        f"({start.isoformat()} to {end.isoformat()}), within its "
        f"{human(SHADOW.total_seconds())} shadow",
    )


def _out_of_hours(evidence: Catalog, change: ChangeRequest) -> Factor | None:
    """Outside the business hours of an affected service's SLA calendar: fewer people
    at hand if it goes wrong."""
    window = change.spec.window
    length = (window.end - window.start).total_seconds()
    for name in _names(change):
        service = evidence.service(name)
        sla = evidence.sla(service.spec.sla) if service and service.spec.sla else None
        calendar = evidence.calendar(sla.spec.calendar) if sla and sla.spec.calendar else None
        if calendar is None or not calendar.spec.business_hours:
            continue
        inside = BusinessClock(calendar).elapsed(window.start, window.end)
        if inside < length:
            zone = ZoneInfo(calendar.spec.timezone)
            return Factor(
                "out-of-hours",
                OUT_OF_HOURS_POINTS,
                f"{human(length - inside)} of the window "
                f"({window.start.astimezone(zone).isoformat()} to "
                f"{window.end.astimezone(zone).isoformat()}) is outside the business hours "
                f"of calendar '{calendar.name}' ({name}'s SLA {sla.name if sla else ''})",
            )
    return None


def _failure_rates(evidence: Catalog, change: ChangeRequest, at: datetime) -> Iterable[Factor]:
    limit = evidence.config.spec.reports.change_failure_rate
    days = FAILURE_WINDOW.days
    found = _evidence(evidence)
    lo, hi = (at - FAILURE_WINDOW).timestamp(), at.timestamp()

    def worst(history: dict[str, _Times], names: Iterable[str]) -> str | None:
        over = [
            (rate, name, tally)
            for name in names
            if name in history
            and (tally := history[name].tally(lo, hi)).deployed >= changes.MIN_DEPLOYED
            and (rate := tally.failure_rate) is not None
            and rate > limit
        ]
        if not over:
            return None
        rate, name, tally = max(over, key=lambda o: (o[0], o[1]))
        return (
            f"{tally.failed} of {tally.deployed} changes to {name} failed ({rate:.0%}) in the "
            f"{days} days before the window, above {limit:.0%} "
            "(itsm.yaml spec.reports.changeFailureRate)"
        )

    text = worst(found.by_service, _names(change))
    if text:
        yield Factor("service-failure-rate", SERVICE_FAILURE_POINTS, text)
    teams = evidence.member_logins.get(change.spec.requester.lower(), [])
    text = worst(found.by_team, teams)
    if text:
        requester = change.spec.requester
        yield Factor(
            "team-failure-rate",
            TEAM_FAILURE_POINTS,
            f"requester {requester}'s team: " + text.replace(" changes to ", " changes by "),
        )


def _incidents(evidence: Catalog, change: ChangeRequest, at: datetime) -> Factor | None:
    opened = _evidence(evidence).incidents
    lo, hi = (at - INCIDENT_WINDOW).timestamp(), at.timestamp()
    recent: set[str] = set()
    for name in _names(change):
        times = opened.get(name, [])
        recent.update(
            n for _, n in times[bisect_left(times, (lo, "")) : bisect_left(times, (hi, ""))]
        )
    if not recent:
        return None
    return Factor(
        "recent-incidents",
        min(INCIDENT_CAP, INCIDENT_POINTS * len(recent)),
        f"{len(recent)} incident{'s' * (len(recent) != 1)} on the affected services in the "
        f"{INCIDENT_WINDOW.days} days before the window: {', '.join(sorted(recent))}",
    )


def _standard(evidence: Catalog, change: ChangeRequest) -> Factor | None:
    spec = change.spec
    if spec.type != "standard" or spec.template is None:
        return None
    if evidence.standard_change(spec.template) is None:
        return None
    problems = [message for _, message in misfits(evidence, change)]
    if problems:
        return Factor("standard-change", STANDARD_MISFIT_POINTS, "; ".join(problems))
    return Factor(
        "standard-change",
        STANDARD_FIT_POINTS,
        f"fits pre-approved standard change '{spec.template}' (risk and tiers within it)",
    )
