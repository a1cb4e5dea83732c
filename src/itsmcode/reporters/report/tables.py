"""The tables text and markdown show for each report, worst offenders first."""

from __future__ import annotations

from dataclasses import dataclass

from itsmcode.reports.changes import ChangesReport, Tally
from itsmcode.reports.common import Report, human
from itsmcode.reports.problems import ProblemsReport
from itsmcode.reports.sla import SlaReport

TITLES = {"sla": "SLA report", "changes": "Change report", "problems": "Problem report"}


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]


def summary(result: Report) -> str:
    period = result.period
    line = f"{TITLES[result.name]}, {period.iso(period.since)} to {period.iso(period.until)}"
    if isinstance(result, SlaReport):
        open_count = sum(1 for m in result.measurements if m.open)
        line += (
            f": {len(result.measurements)} measurements ({open_count} open), "
            f"{len(result.unmeasured)} incident-services without a target"
        )
    elif isinstance(result, ChangesReport):
        totals = result.totals
        line += (
            f": {totals.deployed} deployed, {totals.failed} failed "
            f"({_percent(totals.failure_rate)}), {result.emergency} emergency, "
            f"{result.cancelled} cancelled"
        )
    elif isinstance(result, ProblemsReport):
        count = len(result.recurrences)
        line += f": {count} recurring incident pattern{'' if count == 1 else 's'}"
    return line


def tables(result: Report) -> list[Table]:
    if isinstance(result, SlaReport):
        return _sla(result)
    if isinstance(result, ChangesReport):
        return _changes(result)
    if isinstance(result, ProblemsReport):
        return _problems(result)
    return []


def _sla(result: SlaReport) -> list[Table]:
    attainment = sorted(
        result.attainment,
        key=lambda a: (a.percent if a.percent is not None else 101.0, -a.breached, a.service),
    )
    availability = sorted(result.availability, key=lambda a: (a.achieved - a.target, a.service))
    return [
        Table(
            "Attainment (worst first)",
            ("service", "priority", "measured", "breached", "attained"),
            [
                (a.service, a.priority, str(a.measured), str(a.breached), _pct(a.percent))
                for a in attainment
            ],
        ),
        Table(
            "Availability (worst first)",
            ("service", "SLA", "target", "achieved", "downtime", "budget left"),
            [
                (
                    a.service,
                    a.sla,
                    f"{a.target}%",
                    f"{a.achieved}%",
                    human(a.downtime_seconds) if a.downtime_seconds else "-",
                    _budget(a.remaining_budget_seconds),
                )
                for a in availability
            ],
        ),
    ]


def _budget(seconds: int) -> str:
    return human(seconds) if seconds >= 0 else f"overspent {human(-seconds)}"


def _worst(tallies: dict[str, Tally]) -> list[tuple[str, ...]]:
    rows = sorted(
        tallies.items(), key=lambda kv: (-(kv[1].failure_rate or 0), -kv[1].failed, kv[0])
    )
    return [(n, str(t.deployed), str(t.failed), _percent(t.failure_rate)) for n, t in rows]


def _changes(result: ChangesReport) -> list[Table]:
    columns = ("deployed", "failed", "failure rate")
    failed = sorted((d for d in result.deployed if d.failed), key=lambda d: d.change.name)
    return [
        Table("By service (worst first)", ("service", *columns), _worst(result.by_service)),
        Table("By type", ("type", *columns), _worst(result.by_type)),
        Table("By team", ("team", *columns), _worst(result.by_team)),
        Table(
            "Failed changes",
            ("change", "services", "finished", "why"),
            [
                (
                    d.change.name,
                    ", ".join(d.change.spec.services),
                    result.period.iso(d.finished),
                    "; ".join(d.reasons),
                )
                for d in failed
            ],
        ),
    ]


def _problems(result: ProblemsReport) -> list[Table]:
    rows = sorted(result.recurrences, key=lambda r: (-len(r.incidents), r.service, r.category))
    return [
        Table(
            "Recurring incidents without a problem (most first)",
            ("service", "cause", "incidents", "first", "last"),
            [
                (
                    r.service,
                    r.category,
                    str(len(r.incidents)),
                    result.period.iso(r.first),
                    result.period.iso(r.last),
                )
                for r in rows
            ],
        )
    ]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}%"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"
