"""``itsm cab agenda`` (text): one block per change, by window start."""

from __future__ import annotations

from typing import TextIO
from zoneinfo import ZoneInfo

from itsmcode.cab.agenda import Agenda
from itsmcode.reporters.cab.common import approvals, headline, risk, when


def report(agenda: Agenda, stream: TextIO) -> None:
    zone = ZoneInfo(agenda.zone)
    out = [headline(agenda, zone), ""]
    for n, item in enumerate(agenda.items, 1):
        title = f": {item.title}" if item.title else ""
        out.append(f"{n}. {item.change}{title}")
        out.append(f"   when:      {when(item, zone)}")
        out.append(f"   from:      {item.source}" + (f" by {item.author}" if item.author else ""))
        out.append(
            f"   what:      {item.type} change [{item.status}] on {', '.join(item.services)}"
        )
        out.append(f"   risk:      {risk(item)}")
        out.append(f"   CAB rules: {', '.join(item.cab_rules)}")
        out.append(f"   approvals: {approvals(item)}")
        out += [f"   diff:      {line}" for line in item.meanings]
        out += [f"   conflict:  {line}" for line in item.conflicts]
        out.append("")
    if not agenda.items:
        out += ["Nothing needs the CAB in this horizon.", ""]
    out += [f"note: {note}" for note in agenda.notes]
    stream.write("\n".join(out).rstrip("\n") + "\n")
