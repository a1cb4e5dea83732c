"""``itsm calendar --format markdown``: the agenda for a PR comment or a wiki page."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.calendar.agenda import (
    Item,
    by_day,
    day_label,
    findings_by_change,
    headline,
    local,
    service_label,
    span,
    totals,
    window_summary,
)
from itsmcode.reporters.diff.markdown import cell
from itsmcode.reports.calendar import FreezeOccurrence, PlannedChange, Schedule


def report(schedule: Schedule, stream: TextIO) -> None:
    conflicts = findings_by_change(schedule.findings)
    out = [f"## {cell(headline(schedule))}", "", f"**{totals(schedule)}**", ""]
    before, days = by_day(schedule)
    rows: list[tuple[str, Item]] = [("under way", item) for item in before]
    rows += [(day_label(day), item) for day in sorted(days) for item in days[day]]
    if rows:
        out += ["| Day | When | What | Status | Services (tier, owner) | Conflicts |"]
        out += ["| --- | --- | --- | --- | --- | --- |"]
    for day, item in rows:
        when = cell(span(item.start, item.end, schedule))
        if isinstance(item, FreezeOccurrence):
            out.append(
                f"| {day} | {when} | ❄️ freeze **{cell(item.freeze)}** "
                f"({cell(item.calendar)}) | | | |"
            )
            continue
        assert isinstance(item, PlannedChange)
        what = f"**{cell(item.name)}**" + (f" {cell(item.title)}" if item.title else "")
        services = "<br>".join(cell(service_label(s)) for s in item.services)
        found = "<br>".join(f"⚠️ {cell(f.message)}" for f in conflicts.get(item.name, []))
        out.append(
            f"| {day} | {when} | {what} | {item.status} ({item.type}, {item.risk} risk) | "
            f"{services} | {found} |"
        )
    windows = window_summary(schedule)
    if windows:
        out += ["", "### Agreed maintenance windows", ""]
        out += [
            "| Window | Declared by | Binds | In the period | First |",
            "| --- | --- | --- | --- | --- |",
        ]
        out += [
            f"| {cell(name)} | {cell(source)} | {cell(services)} | {count} | {cell(first)} |"
            for name, source, services, count, first in windows
        ]
    if schedule.findings:
        out += ["", "### Conflicts", ""]
        out += [f"- **{f.type}**: {cell(f.message)}" for f in schedule.findings]
    out += [
        "",
        f"_Times in {schedule.timezone}; generated "
        f"{local(schedule.generated, schedule):%Y-%m-%d %H:%M}._",
        "",
    ]
    stream.write("\n".join(out))
