"""``itsm cab agenda --format markdown``: a meeting page, one table row per change."""

from __future__ import annotations

from typing import TextIO
from zoneinfo import ZoneInfo

from itsmcode.cab.agenda import Agenda
from itsmcode.reporters.cab.common import approvals, headline, risk, when
from itsmcode.reporters.diff.markdown import cell


def report(agenda: Agenda, stream: TextIO) -> None:
    zone = ZoneInfo(agenda.zone)
    out = [f"## {cell(headline(agenda, zone))}", ""]
    if agenda.items:
        out += [
            "| # | Change | When | From | Services | Risk | Needs | Approvals | Conflicts |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
    for n, item in enumerate(agenda.items, 1):
        what = f"**{cell(item.change)}**" + (f" {cell(item.title)}" if item.title else "")
        what += f"<br>{item.type}, {cell(item.status)}"
        source = cell(item.source) + (f" by {cell(item.author)}" if item.author else "")
        conflicts = "<br>".join(f"⚠️ {cell(c)}" for c in item.conflicts)
        out.append(
            f"| {n} | {what} | {cell(when(item, zone))} | {source} | "
            f"{cell(', '.join(item.services))} | {cell(risk(item))} | "
            f"{cell(', '.join(item.cab_rules))} | {cell(approvals(item))} | {conflicts} |"
        )
    with_diff = [i for i in agenda.items if i.meanings]
    if with_diff:
        out += ["", "### What the pull requests change", ""]
        for item in with_diff:
            out.append(f"- **{cell(item.change)}** ({cell(item.source)}):")
            out += [f"  - {cell(line)}" for line in item.meanings]
    if not agenda.items:
        out.append("Nothing needs the CAB in this horizon.")
    if agenda.notes:
        out += ["", "### Notes", ""] + [f"- {cell(n)}" for n in agenda.notes]
    out += ["", "_Decisions: `itsm cab minutes` (docs/cab.md)._", ""]
    stream.write("\n".join(out))
