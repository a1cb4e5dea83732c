"""``itsm calendar`` (text): an agenda by local day in the repository's time zone."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.calendar.agenda import (
    Item,
    by_day,
    day_label,
    findings_by_change,
    headline,
    service_label,
    span,
    totals,
    window_summary,
)
from itsmcode.reports.calendar import Finding, FreezeOccurrence, PlannedChange, Schedule

_INDENT = " " * 4


def report(schedule: Schedule, stream: TextIO) -> None:
    conflicts = findings_by_change(schedule.findings)
    out = [headline(schedule), ""]
    before, days = by_day(schedule)
    if before:
        out.append("Under way at the start")
        for item in before:
            out += _item(item, schedule, conflicts)
        out.append("")
    for day in sorted(days):
        out.append(day_label(day))
        for item in days[day]:
            out += _item(item, schedule, conflicts)
        out.append("")
    if not before and not days:
        out += ["Nothing is scheduled and no freeze holds in this period.", ""]
    windows = window_summary(schedule)
    if windows:
        exempt = ", ".join(schedule.window_exempt) or "none"
        out.append(f"Agreed maintenance windows (a change must fit in one; exempt: {exempt})")
        out += [
            f"  {name} ({source}; binds {services}): {count} in the period, first {first}"
            for name, source, services, count, first in windows
        ]
        out.append("")
    if schedule.findings:
        out.append("Conflicts")
        out += [f"  {f.severity}: [{f.type}] {f.message}" for f in schedule.findings]
        out.append("")
    out.append(totals(schedule))
    stream.write("\n".join(out) + "\n")


def _item(item: Item, schedule: Schedule, conflicts: dict[str, list[Finding]]) -> list[str]:
    if isinstance(item, FreezeOccurrence):
        return [f"  {span(item.start, item.end, schedule)}  FREEZE {item.freeze} ({item.calendar})"]
    assert isinstance(item, PlannedChange)
    title = f": {item.title}" if item.title else ""
    lines = [
        f"  {span(item.start, item.end, schedule)}  {item.name} [{item.status}] "
        f"{item.type}, {item.risk} risk{title}",
        _INDENT + ", ".join(service_label(s) for s in item.services),
    ]
    lines += [f"{_INDENT}! {f.type}: {f.message}" for f in conflicts.get(item.name, [])]
    return lines
