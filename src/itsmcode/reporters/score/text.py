"""``--format text``: per team, each service's level and the failing checks, lowest
level first (what to fix next); then the roll-ups and the targets."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.score.lines import by_team, counts, standing, target_line
from itsmcode.score.engine import ScoreResult


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
    if result.targets:
        stream.write("Targets\n")
        for target in result.targets:
            stream.write(f"  {target_line(target)}\n")
