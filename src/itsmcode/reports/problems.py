"""``itsm report problems``: incidents that keep coming back without a problem record,
problem records that need attention, and catalog hygiene."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from itsmcode.lint.rules import problem_links, review_due
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.load.layout import Layout
from itsmcode.models import ApprovalPolicy, Incident, Problem, Service, Team
from itsmcode.models.types import format_duration
from itsmcode.reports.common import Finding, Period, Report, record_entity

UNKNOWN_CAUSE = "unknown"


@dataclass(frozen=True)
class Recurrence:
    service: str
    category: str
    incidents: tuple[str, ...]  # sorted by name
    first: datetime
    last: datetime


@dataclass
class ProblemsReport(Report):
    recurrences: list[Recurrence] = field(default_factory=list)

    def sections(self) -> dict[str, Any]:
        return {
            "recurrences": [
                {
                    "service": r.service,
                    "category": r.category,
                    "incidents": list(r.incidents),
                    "first": self.period.iso(r.first),
                    "last": self.period.iso(r.last),
                }
                for r in self.recurrences
            ]
        }


def build(catalog: Catalog, period: Period) -> ProblemsReport:
    report = ProblemsReport("problems", period)
    layout = Layout.from_config(catalog.config)
    report.recurrences = recurrences(catalog, period)
    report.findings = [_recurrence_finding(r, catalog, layout) for r in report.recurrences]
    if layout.enabled("Problem"):
        report.findings += [*_problem_findings(catalog, period)]
    report.findings += [*_hygiene(catalog, period, layout)]
    return report


def recurrences(catalog: Catalog, period: Period) -> list[Recurrence]:
    """Per (service, cause category), the incidents without a problem link opened in the
    period that share a half-open span of ``recurrence.window`` with at least
    ``recurrence.count - 1`` others."""
    settings = catalog.config.spec.reports.recurrence
    groups: dict[tuple[str, str], list[Incident]] = {}
    for _, incident in catalog.each(Incident):
        spec = incident.spec
        if spec.problem or not period.contains(spec.opened_at):
            continue
        category = spec.cause.category if spec.cause else UNKNOWN_CAUSE
        for service in dict.fromkeys(spec.services):
            groups.setdefault((service, category), []).append(incident)
    found = []
    for (service, category), incidents in sorted(groups.items()):
        incidents.sort(key=lambda i: (i.spec.opened_at, i.name))
        opened = [i.spec.opened_at for i in incidents]
        marked: set[int] = set()
        last = 0
        for first in range(len(incidents)):
            last = max(last, first)
            while last + 1 < len(incidents) and opened[last + 1] - opened[first] < settings.window:
                last += 1
            if last - first + 1 >= settings.count:
                marked.update(range(first, last + 1))
        if marked:
            chosen = [incidents[i] for i in sorted(marked)]
            found.append(
                Recurrence(
                    service,
                    category,
                    tuple(sorted(i.name for i in chosen)),
                    chosen[0].spec.opened_at,
                    chosen[-1].spec.opened_at,
                )
            )
    return found


def problem_name(service: str, category: str) -> str:
    """A name for the problem record a recurrence suggests (at most 63 characters)."""
    slug = "".join(
        c if c.isascii() and c.isalnum() else "-" for c in f"{service}-{category}".lower()
    )
    return f"prb-{slug}"[:63].rstrip("-")


def open_command(recurrence: Recurrence) -> str:
    """The ``itsm new`` command that opens the problem record for a recurrence and links
    its incidents to it both ways.

    Safe to paste whatever the incidents say: the problem and incident names are
    validated entity names, and the free-text cause category only reaches the title, as
    a JSON (so YAML) string inside one shell-quoted argument. ``itsm new`` refuses a
    name that exists and writes nothing that does not lint clean.
    """
    name = problem_name(recurrence.service, recurrence.category)
    title = json.dumps(f"Recurring {recurrence.category} incidents on {recurrence.service}")
    return (
        f"itsm new problem {name} --from-incidents {','.join(recurrence.incidents)} "
        f"--set {shlex.quote('title=' + title)}"
    )


def _recurrence_finding(recurrence: Recurrence, catalog: Catalog, layout: Layout) -> Finding:
    settings = catalog.config.spec.reports.recurrence
    name = problem_name(recurrence.service, recurrence.category)
    return Finding(
        "recurring-incidents",
        "warning",
        (("Service", recurrence.service), *(("Incident", n) for n in recurrence.incidents)),
        f"{len(recurrence.incidents)} incidents on {recurrence.service} with cause "
        f"'{recurrence.category}' within {format_duration(settings.window)} and no problem "
        f"record: open problem {name} and set spec.problem: {name} in each incident",
        suggestion=open_command(recurrence) if layout.enabled("Problem") else None,
    )


def _problem_findings(catalog: Catalog, period: Period) -> Iterator[Finding]:
    today = period.until.astimezone(period.zone).date()
    for _, problem in catalog.each(Problem):
        spec = problem.spec
        if spec.status == "known-error" and spec.fix is None:
            yield Finding(
                "known-error-without-fix",
                "warning",
                (("Problem", problem.name),),
                f"{problem.name} is a known error with no fix planned; name the change that "
                "removes the cause in spec.fix, or accept the risk (status risk-accepted)",
            )
        if spec.status == "risk-accepted" and spec.review_by and spec.review_by < today:
            yield Finding(
                "problem-review-due",
                "warning",
                (("Problem", problem.name),),
                f"the risk of {problem.name} was accepted until {spec.review_by.isoformat()}; "
                "review it: fix it, or accept it again with a new reviewBy",
            )
    for mismatch in problem_links.mismatches(catalog):
        yield Finding(
            "problem-incidents-mismatch",
            "error",
            (("Problem", mismatch.problem), ("Incident", mismatch.incident)),
            f"{mismatch.record.path}: {mismatch.message}",
        )


def _hygiene(catalog: Catalog, period: Period, layout: Layout) -> Iterable[Finding]:
    context = LintContext(config=catalog.config, layout=layout, now=period.until)
    by_path = {record.path: record for record in catalog.records}
    for diagnostic in review_due.check(catalog, context):
        record = by_path[diagnostic.location.path]
        yield Finding("review-due", "warning", (record_entity(record),), diagnostic.message)
    services = catalog.all(Service)
    for service in services:
        if service.spec.lifecycle == "live" and service.spec.sla is None:
            yield Finding(
                "live-service-without-sla",
                "info",
                (("Service", service.name),),
                f"{service.name} is live (tier {service.spec.tier}) but promises no service "
                "level; give it an SLA so incidents on it are measured",
            )
    owners = {s.spec.owner for s in services} | {s.spec.support for s in services if s.spec.support}
    parents = {t.spec.parent for t in catalog.all(Team) if t.spec.parent}
    governing = {
        name
        for policy in catalog.all(ApprovalPolicy)
        for _, kind, name in policy.references()
        if kind == "Team"
    }
    for team in catalog.all(Team):
        if team.name not in owners | parents | governing:
            yield Finding(
                "team-owns-nothing",
                "info",
                (("Team", team.name),),
                f"team {team.name} owns and supports no service, has no sub-team and approves "
                "nothing; give it a service or retire its file",
            )
