"""``itsm report changes``: what was deployed, and how often it failed (DORA change
failure rate) by service, type and team; emergency share; overdue reviews."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest, Config, Incident
from itsmcode.models.types import format_duration
from itsmcode.reports.common import Finding, Period, Report, human, rate

DEPLOYED_STATUSES = frozenset({"completed", "failed", "rolled-back"})
#: Fewer deployments than this say nothing about a service's failure rate.
MIN_DEPLOYED = 5


@dataclass
class Tally:
    deployed: int = 0
    failed: int = 0

    def add(self, failed: bool) -> None:
        self.deployed += 1
        self.failed += int(failed)

    @property
    def failure_rate(self) -> float | None:
        return rate(self.failed, self.deployed)

    def to_json(self, key: str, name: str) -> dict[str, Any]:
        return {
            key: name,
            "deployed": self.deployed,
            "failed": self.failed,
            "failureRate": self.failure_rate,
        }


@dataclass(frozen=True)
class Deployed:
    change: ChangeRequest
    finished: datetime
    failed: bool
    reasons: tuple[str, ...]  # why it counts as failed


@dataclass
class ChangesReport(Report):
    deployed: list[Deployed] = field(default_factory=list)
    totals: Tally = field(default_factory=Tally)
    emergency: int = 0
    cancelled: int = 0
    by_service: dict[str, Tally] = field(default_factory=dict)
    by_type: dict[str, Tally] = field(default_factory=dict)
    by_team: dict[str, Tally] = field(default_factory=dict)

    def sections(self) -> dict[str, Any]:
        return {
            "totals": {
                "deployed": self.totals.deployed,
                "failed": self.totals.failed,
                "failureRate": self.totals.failure_rate,
                "emergency": self.emergency,
                "cancelled": self.cancelled,
            },
            "byService": [t.to_json("service", n) for n, t in sorted(self.by_service.items())],
            "byType": [t.to_json("type", n) for n, t in sorted(self.by_type.items())],
            "byTeam": [t.to_json("team", n) for n, t in sorted(self.by_team.items())],
            "failed": [
                {
                    "change": d.change.name,
                    "services": list(d.change.spec.services),
                    "finishedAt": self.period.iso(d.finished),
                    "reasons": list(d.reasons),
                }
                for d in sorted(self.deployed, key=lambda d: d.change.name)
                if d.failed
            ],
        }


def build(catalog: Catalog, period: Period) -> ChangesReport:
    report = ChangesReport("changes", period)
    caused: dict[str, list[str]] = {}
    for _, incident in catalog.each(Incident):
        cause = incident.spec.cause
        if cause is not None and cause.change:
            caused.setdefault(cause.change, []).append(incident.name)
    for change in catalog.changes:
        spec = change.spec
        if spec.status == "cancelled":
            when = spec.outcome.finished_at if spec.outcome and spec.outcome.finished_at else None
            if period.contains(when or spec.window.start):
                report.cancelled += 1
            continue
        finished = spec.outcome.finished_at if spec.outcome else None
        if spec.status not in DEPLOYED_STATUSES or finished is None:
            continue
        if not period.contains(finished):
            continue
        reasons = _failure_reasons(change, sorted(caused.get(change.name, [])))
        deployed = Deployed(change, finished, bool(reasons), reasons)
        report.deployed.append(deployed)
        _count(report, catalog, deployed)
    report.findings = [
        *_rate_findings(report, catalog.config),
        *_emergency_finding(report, catalog.config),
        *_review_findings(report, catalog.config),
    ]
    return report


def _failure_reasons(change: ChangeRequest, caused_by: list[str]) -> tuple[str, ...]:
    reasons = []
    if change.spec.status in ("failed", "rolled-back"):
        reasons.append(f"status {change.spec.status}")
    named = change.spec.outcome.incidents if change.spec.outcome else []
    incidents = sorted(set(named) | set(caused_by))
    if incidents:
        reasons.append("caused " + ", ".join(incidents))
    return tuple(reasons)


def _count(report: ChangesReport, catalog: Catalog, deployed: Deployed) -> None:
    spec = deployed.change.spec
    report.totals.add(deployed.failed)
    report.emergency += spec.type == "emergency"
    report.by_type.setdefault(spec.type, Tally()).add(deployed.failed)
    for name in dict.fromkeys(spec.services):
        report.by_service.setdefault(name, Tally()).add(deployed.failed)
    for team in owner_teams(catalog, deployed.change):
        report.by_team.setdefault(team, Tally()).add(deployed.failed)


def owner_teams(catalog: Catalog, change: ChangeRequest) -> list[str]:
    """The teams a change counts for: the owners of its services, each once, sorted."""
    teams = {s.spec.owner for n in change.spec.services if (s := catalog.service(n)) is not None}
    return sorted(teams)


def _rate_findings(report: ChangesReport, config: Config) -> Iterable[Finding]:
    limit = config.spec.reports.change_failure_rate
    for name, tally in sorted(report.by_service.items()):
        failure_rate = tally.failure_rate
        if tally.deployed >= MIN_DEPLOYED and failure_rate is not None and failure_rate > limit:
            yield Finding(
                "change-failure-rate",
                "warning",
                (("Service", name),),
                f"{tally.failed} of {tally.deployed} changes to {name} failed "
                f"({failure_rate:.0%}), above the {limit:.0%} threshold "
                "(itsm.yaml spec.reports.changeFailureRate)",
            )


def _emergency_finding(report: ChangesReport, config: Config) -> Iterable[Finding]:
    limit = config.spec.reports.emergency_share
    deployed = report.totals.deployed
    if deployed >= MIN_DEPLOYED and report.emergency / deployed > limit:
        emergencies = sorted(
            d.change.name for d in report.deployed if d.change.spec.type == "emergency"
        )
        yield Finding(
            "emergency-share",
            "warning",
            tuple(("ChangeRequest", n) for n in emergencies),
            f"{report.emergency} of {deployed} deployed changes were emergencies "
            f"({report.emergency / deployed:.0%}), above {limit:.0%} "
            "(itsm.yaml spec.reports.emergencyShare): plan more of them as normal changes",
        )


def _review_findings(report: ChangesReport, config: Config) -> Iterable[Finding]:
    """A failed or emergency change needs its post-implementation review in time."""
    within = config.spec.reports.review_within
    for deployed in sorted(report.deployed, key=lambda d: d.change.name):
        spec = deployed.change.spec
        if spec.review is not None or not (deployed.failed or spec.type == "emergency"):
            continue
        due = deployed.finished + within
        if report.period.until <= due:
            continue
        why = "emergency" if not deployed.failed else "failed (" + "; ".join(deployed.reasons) + ")"
        yield Finding(
            "review-overdue",
            "warning",
            (("ChangeRequest", deployed.change.name),),
            f"{deployed.change.name} is {why} and has no post-implementation review "
            f"{format_duration(within)} after it finished (due {report.period.iso(due)}, "
            f"{human((report.period.until - due).total_seconds())} ago); add spec.review",
        )
