"""What the text and Markdown formats share: per team, each service's level and what to
fix next; the roll-ups and targets as sentences."""

from __future__ import annotations

from itertools import groupby

from itsmcode.score.engine import Scored, ScoreResult, TargetResult


def by_team(result: ScoreResult, only: str | None) -> list[tuple[str, list[Scored]]]:
    chosen = sorted(
        (s for s in result.scored if only is None or s.service == only),
        key=lambda s: (s.team, s.service, s.scorecard),
    )
    return [(team, list(group)) for team, group in groupby(chosen, key=lambda s: s.team)]


def standing(scored: Scored) -> str:
    level = scored.level or "no level"
    following = scored.next_level()
    return f"{level}" + (f", next {following}" if following else " (top level)")


def counts(levels: dict[str | None, int]) -> str:
    return ", ".join(f"{n} {'none' if name is None else name}" for name, n in levels.items())


def target_line(target: TargetResult) -> str:
    return (
        f"{target.scorecard}: {target.level} by {target.by.isoformat()}: "
        f"{len(target.at_level)} of {len(target.services)} services at {target.level} or "
        f"above, {target.status}"
    )
