"""``--format markdown``: the same as text, as a page for a wiki or an issue."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.score.lines import by_team, counts, standing, target_line
from itsmcode.score.engine import ScoreResult


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
    if result.scored:
        stream.write("\n### Roll-up\n\n")
        for team, card, levels in result.teams():
            stream.write(f"- team `{team}` [{card}]: {counts(levels)}\n")
        for _, card, levels in result.organisation():
            stream.write(f"- organisation [{card}]: {counts(levels)}\n")
    if result.targets:
        stream.write("\n### Targets\n\n")
        for target in result.targets:
            stream.write(f"- {_cell(target_line(target))}\n")
