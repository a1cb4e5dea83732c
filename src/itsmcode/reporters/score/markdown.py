"""``--format markdown``: the same as text, as a page for a wiki or an issue."""

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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(result: ScoreResult, only: str | None, stream: TextIO) -> None:
    stream.write("## Scorecards\n")
    for team, services in by_team(result, only):
        stream.write(f"\n### Team {team}\n\n| Service | Scorecard | Level | Failing |\n")
        stream.write("|---|---|---|---|\n")
        for s in services:
            failing = "<br>".join(_cell(f"{f.level} `{f.check}`: {f.message}") for f in s.failing)
            stream.write(
                f"| `{s.service}` | {s.scorecard} | {_cell(standing(s))} | {failing or '-'} |\n"
            )
        fixes = [
            fix_line(f)
            for card in sorted({s.scorecard for s in services})
            for f in fix_next(result.of_team(team, card))
        ]
        if fixes:
            stream.write("\nFix next:\n\n" + "".join(f"- {_cell(f)}\n" for f in fixes))
    if result.scored:
        stream.write("\n### Roll-up\n\n")
        for team, card, levels in result.teams():
            stream.write(f"- team `{team}` [{card}]: {counts(levels)}\n")
        for _, card, levels in result.organisation():
            stream.write(f"- organisation [{card}]: {counts(levels)}\n")
    if result.targets:
        stream.write("\n### Targets\n\n")
        for target in result.targets:
            since = f", trend since {target.since.isoformat()}" if target.since else ""
            stream.write(f"- {_cell(target_line(target))}{since}\n")
            for st in open_standings(target, only):
                stream.write(
                    f"  - `{st.service}` ({st.team}): **{st.status}**: {_cell(st.reason)}\n"
                )
    if result.trend is not None:
        header, rows = trend_rows(result.trend, only)
        stream.write(f"\n### Trend (every {result.trend.every})\n\n")
        stream.write("| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n")
        for row in rows:
            stream.write("| " + " | ".join(_cell(c) or " " for c in row) + " |\n")
