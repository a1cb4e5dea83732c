"""Page data: what each page of the site shows, gathered from the sources once.

Every lookup a page needs (a service's incidents, changes, history, dependents) is
indexed in one pass over the catalog, so building 10,000 service pages costs a dict
lookup per section rather than a scan. Templates get entities and small dataclasses;
they never compute. Links point only at pages the build writes (``Site.has_page``).
"""

from __future__ import annotations

import calendar as monthdays
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from itsmcode.clock.freezes import FreezeInterval, occurrences
from itsmcode.clock.maintenance import AgreedWindow, calendar_windows, exempt_types, window_index
from itsmcode.load.catalog import Catalog
from itsmcode.models import SLA, Calendar, ChangeRequest, Incident, Problem, Service, Team
from itsmcode.models.base import Entity
from itsmcode.reports.calendar import Schedule
from itsmcode.reports.common import Finding, Report, human
from itsmcode.reports.graph import ServiceMap, reverse_edges
from itsmcode.site import graphsvg
from itsmcode.site.sources import Sources

E = TypeVar("E", bound=Entity)

#: Which folder holds the pages of each kind (``services/<name>.html``).
FOLDERS = {
    "Service": "services",
    "Team": "teams",
    "SLA": "slas",
    "Calendar": "calendars",
    "ChangeRequest": "changes",
}
#: Changes still to happen (a service page's "upcoming changes").
_OPEN = frozenset({"planned", "in-progress"})
#: Incidents a service page lists.
RECENT_INCIDENTS = 20
#: Evidence rows a service page lists, newest first.
HISTORY_ROWS = 30
#: Occurrences shown per agreed maintenance window (the next two months at most).
WINDOWS_AHEAD = 4
#: Changes a day of the month view lists before "and N more".
DAY_CHANGES = 6


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site's root, POSIX
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class HistoryEvent:
    sha: str
    date: datetime
    author: str
    subject: str
    status: str
    summary: str
    pr: int | None


@dataclass(frozen=True)
class Day:
    day: date
    changes: tuple[Any, ...]  # PlannedChange
    more: int
    freezes: tuple[str, ...]
    today: bool


@dataclass(frozen=True)
class Month:
    title: str
    weeks: tuple[tuple[Day | None, ...], ...]


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None  # the page of the entity the cell names


@dataclass(frozen=True)
class Table:
    """A report section as a table: a caption, column titles and rows of cells."""

    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    more: int = 0  # rows left out (the report's JSON has them all)


@dataclass
class Index:
    """Everything indexed by name, built once per site."""

    incidents: dict[str, list[Incident]] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    changes: dict[str, list[ChangeRequest]] = field(default_factory=dict)
    history: dict[str, list[HistoryEvent]] = field(default_factory=dict)
    owns: dict[str, list[Service]] = field(default_factory=dict)
    supports: dict[str, list[Service]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    sla_users: dict[str, list[Service]] = field(default_factory=dict)
    calendar_users: dict[str, list[str]] = field(default_factory=dict)
    fixes: dict[str, list[Problem]] = field(default_factory=dict)


class Site:
    """The page data of one build."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.catalog: Catalog = sources.catalog
        config = self.catalog.config
        self.zone = ZoneInfo(config.spec.timezone)
        self.now = sources.provenance.built_at
        self.title = config.metadata.title or config.name
        self.services = _unique(self.catalog.all(Service))
        self.teams = _unique(self.catalog.all(Team))
        self.slas = _unique(self.catalog.all(SLA))
        self.calendars = _unique(self.catalog.all(Calendar))
        self.change_list = _unique(self.catalog.all(ChangeRequest))
        self.pages: dict[str, set[str]] = {
            "Service": {s.name for s in self.services},
            "Team": {t.name for t in self.teams},
            "SLA": {s.name for s in self.slas},
            "Calendar": {c.name for c in self.calendars},
            "ChangeRequest": {c.name for c in self.change_list},
        }
        self.map = ServiceMap.from_catalog(self.catalog)
        self.forward = forward_edges_kinds(self.map)
        self.reverse = reverse_edges(self.map)
        self.index = self._index()
        self.attainment = _by_service(sources.sla.attainment if sources.sla else [])
        self.availability = {
            a.service: a for a in (sources.sla.availability if sources.sla else [])
        }
        self.scored = _by_service(sources.score.scored if sources.score else [])
        self.windows = window_index(
            self.services, self.catalog.sla, self.catalog.calendar, config.spec.timezone
        )
        self.window_exempt = exempt_types(self.catalog.policy)

    # -- links -------------------------------------------------------------------
    def has_page(self, kind: str, name: str) -> bool:
        return name in self.pages.get(kind, ())

    def href(self, kind: str, name: str) -> str | None:
        """The page of an entity, relative to the site's root (None: no such page)."""
        return page_path(kind, name) if self.has_page(kind, name) else None

    # -- indexes -----------------------------------------------------------------
    def _index(self) -> Index:
        index = Index()
        catalog = self.catalog
        for incident in catalog.all(Incident):
            for name in dict.fromkeys(incident.spec.services):
                index.incidents.setdefault(name, []).append(incident)
        for problem in catalog.all(Problem):
            for name in dict.fromkeys(problem.spec.services):
                index.problems.setdefault(name, []).append(problem)
            if problem.spec.fix:
                index.fixes.setdefault(problem.spec.fix, []).append(problem)
        for change in self.change_list:
            for name in dict.fromkeys(change.spec.services):
                index.changes.setdefault(name, []).append(change)
        for service in self.services:
            index.owns.setdefault(service.spec.owner, []).append(service)
            if service.spec.support and service.spec.support != service.spec.owner:
                index.supports.setdefault(service.spec.support, []).append(service)
            if service.spec.sla:
                index.sla_users.setdefault(service.spec.sla, []).append(service)
        for team in self.teams:
            if team.spec.parent:
                index.children.setdefault(team.spec.parent, []).append(team.name)
        for sla in self.slas:
            if sla.spec.calendar:
                index.calendar_users.setdefault(sla.spec.calendar, []).append(sla.name)
        from itsmcode.clock.schedule import freeze_rules

        for cal in freeze_rules(catalog.policy, catalog.calendar).calendars:
            index.calendar_users.setdefault(cal.name, []).append("approval policy (freezes)")
        index.history = _history(self.sources)
        return index

    # -- pages -------------------------------------------------------------------
    def pages_to_write(self) -> Iterator[Page]:
        yield Page("index.html", "index.html", self.catalog_context())
        for service in self.services:
            yield Page(
                page_path("Service", service.name),
                "service.html",
                self.service_context(service),
            )
        for team in self.teams:
            yield Page(page_path("Team", team.name), "team.html", self.team_context(team))
        for sla in self.slas:
            yield Page(page_path("SLA", sla.name), "sla.html", self.sla_context(sla))
        for cal in self.calendars:
            yield Page(page_path("Calendar", cal.name), "calendar.html", self.calendar_context(cal))
        for change in self.change_list:
            yield Page(
                page_path("ChangeRequest", change.name),
                "change.html",
                self.change_context(change),
            )
        yield Page("schedule.html", "schedule.html", self.schedule_context())
        for name in ("sla", "changes", "problems"):
            yield Page(f"reports/{name}.html", "report.html", self.report_context(name))
        yield Page("audit.html", "audit.html", self.audit_context())
        yield Page("lint.html", "lint.html", self.lint_context())

    def catalog_context(self) -> dict[str, Any]:
        services = self.services
        return {
            "title": "Service catalog",
            "services": services,
            "tiers": sorted({s.spec.tier for s in services}),
            "owners": sorted({s.spec.owner for s in services}),
            "lifecycles": sorted({s.spec.lifecycle for s in services}),
            "types": sorted({s.spec.type for s in services}),
            "unloaded": sum(1 for r in self.catalog.records if r.entity is None),
        }

    def service_context(self, service: Service) -> dict[str, Any]:
        name = service.name
        spec = service.spec
        sla = self.catalog.sla(spec.sla) if spec.sla else None
        incidents = sorted(
            self.index.incidents.get(name, []),
            key=lambda i: (i.spec.opened_at, i.name),
            reverse=True,
        )
        upcoming = [
            c
            for c in self.index.changes.get(name, [])
            if c.spec.status in _OPEN and c.spec.window.end >= self.now
        ]
        upcoming.sort(key=lambda c: (c.spec.window.start, c.name))
        history = self.index.history.get(name, [])
        return {
            "title": service.metadata.title or name,
            "service": service,
            "owner": self.catalog.team(spec.owner),
            "support": self.catalog.team(spec.support) if spec.support else None,
            "sla": sla,
            "attainment": self.attainment.get(name, []),
            "availability": self.availability.get(name),
            "scored": self.scored.get(name, []),
            "graph_svg": graphsvg.svg(
                graphsvg.layout(
                    name,
                    self.forward,
                    self.reverse,
                    self.map.tiers.get,
                    lambda other: self.has_page("Service", other),
                ),
                name,
                "../",
            ),
            "dependencies": list(self.forward.get(name, ())),
            "dependents": sorted(set(self.reverse.get(name, ()))),
            "upcoming": upcoming,
            "incidents": incidents[:RECENT_INCIDENTS],
            "incident_count": len(incidents),
            "problems": sorted(self.index.problems.get(name, []), key=_problem_order),
            "history": history[:HISTORY_ROWS],
            "history_count": len(history),
            "maintenance": self._windows_ahead(self.windows.by_service.get(name, ())),
        }

    def team_context(self, team: Team) -> dict[str, Any]:
        return {
            "title": team.metadata.title or team.name,
            "team": team,
            "parent": team.spec.parent,
            "children": sorted(self.index.children.get(team.name, [])),
            "owns": self.index.owns.get(team.name, []),
            "supports": self.index.supports.get(team.name, []),
        }

    def sla_context(self, sla: SLA) -> dict[str, Any]:
        users = self.index.sla_users.get(sla.name, [])
        return {
            "title": sla.metadata.title or sla.name,
            "sla": sla,
            "targets": sla.spec.targets.items(),
            "services": users,
            "attainment": [a for s in users for a in self.attainment.get(s.name, [])],
            "availability": [
                self.availability[s.name] for s in users if s.name in self.availability
            ],
        }

    def calendar_context(self, cal: Calendar) -> dict[str, Any]:
        from itsmcode.clock.freezes import freeze_intervals

        until = self.now + timedelta(days=365)
        return {
            "title": cal.metadata.title or cal.name,
            "calendar": cal,
            "users": self.index.calendar_users.get(cal.name, []),
            "occurrences": list(freeze_intervals(cal, self.now, until))[:50],
            "maintenance": self._windows_ahead(calendar_windows(cal)),
        }

    def _windows_ahead(
        self, agreed: Iterable[AgreedWindow]
    ) -> list[tuple[AgreedWindow, list[FreezeInterval]]]:
        """Each agreed maintenance window with its next few occurrences (two months)."""
        until = self.now + timedelta(days=62)
        return [
            (
                a,
                list(
                    islice(occurrences(a.window, ZoneInfo(a.zone), self.now, until), WINDOWS_AHEAD)
                ),
            )
            for a in agreed
        ]

    def change_context(self, change: ChangeRequest) -> dict[str, Any]:
        return {
            "title": change.metadata.title or change.name,
            "change": change,
            "fixes": self.index.fixes.get(change.name, []),
            # The services whose agreed windows the change does not fit (lint's
            # change-outside-maintenance-window), for open changes the windows bind.
            "outside_windows": (
                self.windows.outside(change)
                if change.spec.status in _OPEN
                and change.spec.type not in self.window_exempt
                and change.spec.window.start < change.spec.window.end
                else []
            ),
        }

    def schedule_context(self) -> dict[str, Any]:
        schedule = self.sources.schedule
        return {
            "title": "Forward schedule of change",
            "schedule": schedule,
            "months": months(schedule, self.zone, self.now),
        }

    def report_context(self, name: str) -> dict[str, Any]:
        report: Report | None = getattr(self.sources, name)
        titles = {"sla": "SLA attainment", "changes": "Changes", "problems": "Problems"}
        return {
            "title": f"{titles[name]} report",
            "name": name,
            "report": report,
            "missing": self.sources.missing_reports.get(name),
            "findings": report.sorted_findings() if report else [],
            "tables": report_tables(report, self.href) if report else [],
        }

    def audit_context(self) -> dict[str, Any]:
        audit = self.sources.audit
        return {
            "title": "Audit",
            "audit": audit,
            "problem": self.sources.audit_problem,
            "summary": audit.summary() if audit else None,
            "rows": list(reversed(audit.rows)) if audit else [],
        }

    def lint_context(self) -> dict[str, Any]:
        result = self.sources.lint
        return {
            "title": "Lint",
            "result": result,
            "diagnostics": sorted(result.diagnostics, key=lambda d: (d.severity.rank, d.sort_key)),
        }

    def finding_links(self, finding: Finding) -> list[tuple[str, str, str | None]]:
        return [(k, n, self.href(k, n)) for k, n in finding.entities]


def forward_edges_kinds(services: ServiceMap) -> dict[str, list[tuple[str, str]]]:
    """Service -> [(dependency, kind)], each dependency once (its first edge's kind)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for user, deps in services.dependencies.items():
        first: dict[str, str] = {}
        for dep, kind in deps:
            first.setdefault(dep, kind)
        found[user] = list(first.items())
    return found


def page_path(kind: str, name: str) -> str:
    """``services/<name>.html``: names are validated (``[a-z0-9-]``), so a file name is
    never a path elsewhere."""
    return f"{FOLDERS[kind]}/{name}.html"


def _unique(entities: Iterable[E]) -> list[E]:
    """By name; a duplicated name (lint's duplicate-name error) keeps its first file."""
    found: dict[str, E] = {}
    for entity in entities:
        found.setdefault(entity.name, entity)
    return [found[name] for name in sorted(found)]


def _by_service(items: Iterable[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for item in items:
        found.setdefault(item.service, []).append(item)
    return found


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (1 if problem.spec.status == "resolved" else 0, problem.name)


def _history(sources: Sources) -> dict[str, list[HistoryEvent]]:
    """Each service's evidence rows, newest first: who changed it, when, and what."""
    found: dict[str, list[HistoryEvent]] = {}
    if sources.audit is None:
        return found
    for row in reversed(sources.audit.rows):
        for entity in row.entities:
            if entity.kind != "Service":
                continue
            for name in dict.fromkeys(n for n in (entity.name, entity.old_name) if n):
                found.setdefault(name, []).append(
                    HistoryEvent(
                        row.sha,
                        row.landed_at or row.date,
                        row.author,
                        row.subject,
                        entity.status,
                        entity.summary,
                        row.pr,
                    )
                )
    return found


def months(schedule: Schedule, zone: ZoneInfo, now: datetime) -> list[Month]:
    """The period of the schedule as month grids (weeks from Monday), each day with the
    changes whose window touches it and the freezes in force on it."""
    start = schedule.period.since.astimezone(zone).date()
    end = (schedule.period.until.astimezone(zone) - timedelta(microseconds=1)).date()
    on_day: dict[date, list[Any]] = {}
    for change in schedule.changes:
        for day in _days(change.start.astimezone(zone), change.end.astimezone(zone), start, end):
            on_day.setdefault(day, []).append(change)
    frozen: dict[date, list[str]] = {}
    for freeze in schedule.freezes:
        for day in _days(freeze.start.astimezone(zone), freeze.end.astimezone(zone), start, end):
            names = frozen.setdefault(day, [])
            if freeze.freeze not in names:
                names.append(freeze.freeze)
    today = now.astimezone(zone).date()
    found = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        weeks = []
        for week in monthdays.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[Day | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                changes = on_day.get(day, [])
                cells.append(
                    Day(
                        day,
                        tuple(changes[:DAY_CHANGES]),
                        max(0, len(changes) - DAY_CHANGES),
                        tuple(frozen.get(day, [])),
                        day == today,
                    )
                )
            weeks.append(tuple(cells))
        found.append(Month(date(year, month, 1).strftime("%B %Y"), tuple(weeks)))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return found


def _days(first: datetime, last: datetime, lo: date, hi: date) -> Iterator[date]:
    """The local days ``[first, last)`` touches, within ``[lo, hi]``."""
    day = max(first.date(), lo)
    # A window ending at midnight does not touch the day it ends on.
    stop = (last - timedelta(microseconds=1)).date() if last > first else first.date()
    while day <= min(stop, hi):
        yield day
        day += timedelta(days=1)


#: Report columns that name an entity, linked to its page.
_LINKED = {"service": "Service", "change": "ChangeRequest", "team": "Team", "sla": "SLA"}
#: The summaries first: what a reader looks for before the rows behind it.
_FIRST = ("totals", "attainment", "availability")
_WORDS = {"sla": "SLA", "slas": "SLAs"}
#: Rows a report section shows; a longer one says how many more the JSON holds (an HTML
#: table of 20,000 measurements helps nobody and costs a third of a large build).
REPORT_ROWS = 500


def report_tables(report: Report, href: Callable[[str, str], str | None]) -> list[Table]:
    """Every section of a report's JSON as a table (the JSON is the documented contract);
    a column naming a service, change, team or SLA links to its page."""
    sections = report.sections()
    order = [k for k in _FIRST if k in sections] + [k for k in sections if k not in _FIRST]
    tables = []
    for key in order:
        value = sections[key]
        rows: list[dict[str, Any]]
        if isinstance(value, dict):
            rows = [value]
        elif isinstance(value, list):
            rows = [v if isinstance(v, dict) else {"value": v} for v in value]
        else:
            rows = [{"value": value}]
        columns = list(dict.fromkeys(k for row in rows for k in row))

        def cell(column: str, value: Any) -> Cell:
            kind = _LINKED.get(column)
            if kind is not None and isinstance(value, str):
                return Cell(value, href(kind, value))
            if column.endswith("Seconds") and isinstance(value, (int, float)):
                return Cell(_duration(value))
            return Cell(_cell(value))

        shown = rows[:REPORT_ROWS]
        tables.append(
            Table(
                key,
                _words(key),
                tuple(_words(c.removesuffix("Seconds")) for c in columns),
                tuple(tuple(cell(c, row.get(c)) for c in columns) for row in shown),
                len(rows) - len(shown),
            )
        )
    return tables


def _words(key: str) -> str:
    """``failureRate`` -> ``Failure rate``; ``sla`` -> ``SLA``."""
    out = "".join(" " + ch.lower() if ch.isupper() else ch for ch in key)
    out = " ".join(_WORDS.get(word, word) for word in out.split(" "))
    return out[:1].upper() + out[1:]


def _duration(seconds: float) -> str:
    """A ``...Seconds`` column as people read it: ``1296`` -> ``21m``; a negative
    remainder (a spent budget) -> ``-3m``."""
    return ("-" if seconds < 0 else "") + human(abs(seconds))


def _cell(value: Any) -> str:
    if value is None:
        return "\u2014"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and value.keys() == {"start", "end"}:
        return f"{_instant(value['start'])} to {_instant(value['end'])}"
    if isinstance(value, dict):
        return "; ".join(f"{_words(str(k)).lower()}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) or "\u2014"
    return str(value)


def _instant(value: Any) -> str:
    """An ISO timestamp from a report's JSON to the minute, on its own offset."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M %z")
    except ValueError:
        return str(value)
