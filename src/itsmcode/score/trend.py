"""``itsm score --since DATE --every 1w``: each service's level at each sample date.

Each sample is the catalog as the branch held it at the end of the sample day (in the
repository's zone; the last sample, today, is the catalog being scored), scored against
**today's** scorecards with the checks judged as of that moment: the trend shows the
progress towards the standards as they are now, not changes of the standards. Reading
the catalogs from git is the CLI's job (``audit.at.catalogs_at``, scored with ``engine.score``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from itsmcode.score.engine import Scored, ScoreResult
from itsmcode.score.interval import Interval
from itsmcode.score.roadmap import Baseline, gap


@dataclass(frozen=True)
class Point:
    """One sample: its day, the commit read (None: the catalog being scored, or no
    commit yet), and the scores (None when the branch held no catalog then)."""

    day: date
    commit: str | None
    result: ScoreResult | None
    current: bool = False  # today: the catalog being scored, not one read from git


@dataclass(frozen=True)
class Trend:
    every: Interval
    points: tuple[Point, ...]

    def rows(self) -> list[tuple[Scored, list[Scored | None]]]:
        """Per (service, scorecard) scored at the last sample (or, when gone since, at
        the last sample that scored it): its score at each sample."""
        keys: dict[tuple[str, str], Scored] = {}
        for point in self.points:
            if point.result is not None:
                keys.update(point.result.by_key())
        maps = [p.result.by_key() if p.result else {} for p in self.points]
        return [
            (keys[key], [m.get(key) for m in maps])
            for key in sorted(keys, key=lambda k: (keys[k].team, k[0], k[1]))
        ]

    def baseline(self) -> Baseline:
        """The first sample the history held a catalog at, for the roadmap."""
        first = next((p for p in self.points if p.result is not None and not p.current), None)
        if first is None or first.result is None:
            return Baseline(
                None,
                {},
                f"the history holds no catalog from {self.points[0].day.isoformat()} "
                "(--since) to before today",
            )
        return Baseline(first.day, first.result.by_key())


def instant(day: date, zone: ZoneInfo, now: datetime) -> datetime:
    """The end of ``day`` in ``zone`` (the next local midnight), never after ``now``."""
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return min(end, now)


def to_json(trend: Trend) -> dict[str, Any]:
    """The ``trend`` section of ``itsm score --format json`` (docs/score.md)."""
    return {
        "every": str(trend.every),
        "samples": [{"date": p.day.isoformat(), "commit": p.commit} for p in trend.points],
        "services": [
            {
                "service": last.service,
                "scorecard": last.scorecard,
                "team": last.team,
                "points": [
                    None if s is None else {"level": s.level, "failing": len(gap(s, s.levels[-1]))}
                    for s in scores
                ],
            }
            for last, scores in trend.rows()
        ],
    }
