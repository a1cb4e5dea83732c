"""``itsm impact`` (text): who to tell, and how bad it is, at a glance."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reports.impact import Affected, Impact


def _tier(tier: int | None) -> str:
    return f"tier {tier}" if tier is not None else "unknown"


def _rows(items: tuple[Affected, ...]) -> list[str]:
    width = max(len(i.service) for i in items)
    owner_width = max(len(i.owner or "-") for i in items)
    return [
        f"  {_tier(i.tier):8} {i.service:{width}}  {i.owner or '-':{owner_width}}  "
        f"{'hard' if i.hard else 'soft'}  {' → '.join(i.path)}"
        for i in items
    ]


def report(impact: Impact, stream: TextIO) -> None:
    out = [f"{impact.service} ({_tier(impact.tier)}, owner {impact.owner or '-'})", ""]
    if impact.dependents:
        worst = min((i.tier for i in impact.dependents if i.tier is not None), default=None)
        hard = sum(1 for i in impact.dependents if i.hard)
        out.append(
            f"If {impact.service} is down: {len(impact.dependents)} dependent service"
            f"{'s' * (len(impact.dependents) != 1)} ({hard} through hard dependencies only), "
            f"highest tier {worst if worst is not None else '-'}"
        )
        out.append(f"Tell: {', '.join(impact.teams) or '-'}")
        out += _rows(impact.dependents)
    else:
        out.append(f"Nothing depends on {impact.service}.")
    out.append("")
    if impact.dependencies:
        out.append(
            f"{impact.service} depends on {len(impact.dependencies)} service"
            f"{'s' * (len(impact.dependencies) != 1)}:"
        )
        out += _rows(impact.dependencies)
    else:
        out.append(f"{impact.service} depends on no other service.")
    stream.write("\n".join(out) + "\n")
