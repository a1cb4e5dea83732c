"""What the text and Markdown formats share: per team, each service's level and what to
fix next; the roll-ups, targets and roadmap as sentences; the trend as table rows."""

from __future__ import annotations

from itertools import groupby

from itsmcode.score.engine import Scored, ScoreResult, TargetResult
from itsmcode.score.roadmap import SEVERITY, Fix, Standing
from itsmcode.score.trend import Trend


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
    tally = {s: 0 for s in SEVERITY}
    for s in target.standings:
        tally[s.status] += 1
    split = ", ".join(f"{n} {status}" for status, n in tally.items() if n)
    return (
        f"{target.scorecard}: {target.level} by {target.by.isoformat()}: "
        f"{len(target.at_level)} of {len(target.services)} services at {target.level} or "
        f"above, {target.status}" + (f" ({split})" if split else "")
    )


def open_standings(target: TargetResult, only: str | None) -> list[Standing]:
    """The services of a target not met yet, worst first (what the roadmap is about)."""
    return sorted(
        (s for s in target.standings if s.status != "met" and only in (None, s.service)),
        key=lambda s: (SEVERITY.index(s.status), s.team, s.service),
    )


def fix_line(fix: Fix) -> str:
    blocks = len(fix.services)
    return (
        f"{fix.level} {fix.check}: blocks {blocks} service{'' if blocks == 1 else 's'} "
        f"({', '.join(fix.services)})"
    )


def trend_rows(trend: Trend, only: str | None) -> tuple[list[str], list[list[str]]]:
    """Header and rows: service, scorecard, then the level at each sample ('-' no level,
    blank when the service was not scored then)."""
    header = ["service", "scorecard", *(p.day.isoformat() for p in trend.points)]
    rows = [
        [
            last.service,
            last.scorecard,
            *("" if s is None else (s.level or "-") for s in scores),
        ]
        for last, scores in trend.rows()
        if only in (None, last.service)
    ]
    return header, rows
