"""``--format text``: per team, each service's level and the failing checks, lowest
level first; then the roll-ups, what each team should fix next, the targets with each
service's roadmap status and its reason, and with ``--since`` the trend table."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.score.lines import (
    by_team,
    counts,
    fix_line,
    open_standings,
    standing,
    target_line,
    trend_rows,
)
from itsmcode.score.engine import ScoreResult
from itsmcode.score.roadmap import fix_next


def report(result: ScoreResult, only: str | None, stream: TextIO) -> None:
    if not result.scored:
        stream.write("No service is scored: no scorecard selects a service.\n")
    for team, services in by_team(result, only):
        stream.write(f"Team {team}\n")
        for scored in services:
            stream.write(f"  {scored.service} [{scored.scorecard}]: {standing(scored)}\n")
            for failing in scored.failing:
                stream.write(f"    {failing.level} {failing.check}: {failing.message}\n")
        stream.write("\n")
    if result.scored:
        stream.write("Teams\n")
        for team, card, levels in result.teams():
            stream.write(f"  {team} [{card}]: {counts(levels)}\n")
        stream.write("Organisation\n")
        for _, card, levels in result.organisation():
            stream.write(f"  [{card}]: {counts(levels)}\n")
        fixes = [(t, c, fix_next(result.of_team(t, c))) for t, c, _ in result.teams()]
        if any(f for _, _, f in fixes):
            stream.write("What to fix next\n")
            for team, card, team_fixes in fixes:
                if team_fixes:
                    stream.write(f"  {team} [{card}]\n")
                    for fix in team_fixes:
                        stream.write(f"    {fix_line(fix)}\n")
    if result.targets:
        stream.write("Targets\n")
        for target in result.targets:
            since = f", trend since {target.since.isoformat()}" if target.since else ""
            stream.write(f"  {target_line(target)}{since}\n")
            for s in open_standings(target, only):
                stream.write(f"    {s.service} ({s.team}): {s.status}: {s.reason}\n")
    if result.trend is not None:
        header, rows = trend_rows(result.trend, only)
        stream.write(f"Trend (every {result.trend.every})\n")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            stream.write(("  " + "  ".join(cells)).rstrip() + "\n")
