"""What the text and Markdown agendas share: local days, spans and service labels."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from itsmcode.clock.maintenance import WindowOccurrence
from itsmcode.reports.calendar import (
    Finding,
    FreezeOccurrence,
    PlannedChange,
    Schedule,
    ServiceRef,
)

#: One line of the agenda.
Item = FreezeOccurrence | PlannedChange


def local(moment: datetime, schedule: Schedule) -> datetime:
    return moment.astimezone(ZoneInfo(schedule.timezone))


def day_label(day: date) -> str:
    return day.strftime("%a %Y-%m-%d")


def span(start: datetime, end: datetime, schedule: Schedule) -> str:
    """``22:00–23:30`` within the day it is listed under, else with the other day's date
    (``15:00–Mon 2026-12-07 06:00``); one that began before the period shows both dates."""
    lo, hi = local(start, schedule), local(end, schedule)
    first = f"{lo:%H:%M}" if start >= schedule.period.since else f"{lo:%a %Y-%m-%d %H:%M}"
    if lo.date() == hi.date() and start >= schedule.period.since:
        return f"{first}–{hi:%H:%M}"
    return f"{first}–{hi:%a %Y-%m-%d %H:%M}"


def service_label(service: ServiceRef) -> str:
    if service.tier is None:
        return f"{service.name} (not in the catalog)"
    return f"{service.name} (tier {service.tier}, {service.owner})"


def findings_by_change(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for finding in findings:
        for kind, name in finding.entities:
            if kind == "ChangeRequest":
                out.setdefault(name, []).append(finding)
    return out


def by_day(schedule: Schedule) -> tuple[list[Item], dict[date, list[Item]]]:
    """Changes and freezes under way at ``since`` (first), the rest by local start day."""
    before: list[Item] = []
    days: dict[date, list[Item]] = {}
    items: list[tuple[datetime, Item]] = [(f.start, f) for f in schedule.freezes]
    items += [(c.start, c) for c in schedule.changes]
    for start, item in sorted(items, key=lambda pair: (pair[0], _rank(pair[1]))):
        if start < schedule.period.since:
            before.append(item)
        else:
            days.setdefault(local(start, schedule).date(), []).append(item)
    return before, days


def _rank(item: Item) -> int:
    return 1 if isinstance(item, PlannedChange) else 0


def window_summary(schedule: Schedule) -> list[tuple[str, str, str, int, str]]:
    """(window, source, services, occurrences in the period, first one) per declared
    window: the agenda lists the agreements once instead of every occurrence."""
    grouped: dict[tuple[str, str], list[WindowOccurrence]] = {}
    for occurrence in schedule.windows:
        grouped.setdefault((occurrence.source, occurrence.name), []).append(occurrence)
    rows = []
    for (source, name), found in sorted(grouped.items()):
        first = found[0]
        when = f"{local(first.start, schedule):%a %Y-%m-%d %H:%M}–" + (
            f"{local(first.end, schedule):%H:%M}"
            if local(first.start, schedule).date() == local(first.end, schedule).date()
            else f"{local(first.end, schedule):%a %Y-%m-%d %H:%M}"
        )
        rows.append((name, source, ", ".join(first.services), len(found), when))
    return rows


def headline(schedule: Schedule) -> str:
    name = schedule.title or schedule.repository
    since = local(schedule.period.since, schedule)
    until = local(schedule.period.until, schedule)
    return (
        f"Schedule of change for {name}, {since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} "
        f"({schedule.timezone})"
    )


def totals(schedule: Schedule) -> str:
    n, f, k = len(schedule.changes), len(schedule.freezes), len(schedule.findings)
    return (
        f"{n} change{'s' * (n != 1)}, {f} freeze occurrence{'s' * (f != 1)}, "
        f"{k} conflict{'s' * (k != 1)}"
    )
