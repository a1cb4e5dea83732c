"""What the text and Markdown agendas share: the headline, times and approval state."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from itsmcode.cab.agenda import Agenda, AgendaItem


def when(item: AgendaItem, zone: ZoneInfo) -> str:
    if item.start is None or item.end is None:
        return "window unknown"
    lo, hi = item.start.astimezone(zone), item.end.astimezone(zone)
    end = f"{hi:%H:%M}" if lo.date() == hi.date() else f"{hi:%a %Y-%m-%d %H:%M}"
    return f"{lo:%a %Y-%m-%d %H:%M}–{end}"


def approvals(item: AgendaItem) -> str:
    if item.missing is None:
        return "merged (approved by the gate)"
    if item.approved:
        return "approved"
    return "missing: " + ("; ".join(item.missing) if item.missing else "(see the gate)")


def risk(item: AgendaItem) -> str:
    computed = f", computed {item.computed} ({item.score})" if item.computed else ""
    return f"declared {item.risk}{computed}"


def headline(agenda: Agenda, zone: ZoneInfo) -> str:
    since: datetime = agenda.horizon.since.astimezone(zone)
    until: datetime = agenda.horizon.until.astimezone(zone)
    n = len(agenda.items)
    return (
        f"CAB agenda {since:%Y-%m-%d} to {until:%Y-%m-%d} ({zone.key}): "
        f"{n} change{'s' * (n != 1)} for team {agenda.cab_team}"
    )
