"""The roadmap: where each service stands against each target, judged from the trend,
and what each team should fix next (docs/score.md, "Roadmap").

A service below a target's level whose date has not passed is judged by its **gap**:
the checks it fails at the target level and at every level below it (what it must fix
to reach the level). Between the baseline (the trend's first sample, by default twelve
weeks ago) and now:

- the gap did not shrink: **at-risk** (no progress);
- it shrank: the pace is the checks fixed per week, and the projected date is today
  plus the remaining gap at that pace; after ``by``: **at-risk**, else **on-track**.

Without a baseline (no git history, a shallow clone, or the service was not scored
then) the trend cannot say which: the status is **unknown**, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from itsmcode.score.engine import Scored

Status = Literal["met", "on-track", "at-risk", "late", "unknown"]
#: Worst first: a target is as bad as its worst service.
SEVERITY: tuple[Status, ...] = ("late", "at-risk", "unknown", "on-track", "met")
#: The trend window the roadmap looks back over without ``--since``.
DEFAULT_WINDOW = timedelta(weeks=12)


@dataclass(frozen=True)
class Baseline:
    """The scores the roadmap compares with: at ``day``; ``scored`` by (service,
    scorecard); empty with ``missing`` set when there is no history to compare with."""

    day: date | None
    scored: dict[tuple[str, str], Scored]
    missing: str | None = None


@dataclass(frozen=True)
class Standing:
    """One service against one target."""

    service: str
    team: str
    status: Status
    reason: str
    gap: tuple[str, ...]  # check ids failing at the target level or below


def gap(scored: Scored, level: str) -> tuple[str, ...]:
    """The checks ``scored`` fails at ``level`` or a level below it."""
    needed = scored.levels.index(level)
    return tuple(
        dict.fromkeys(f.check for f in scored.failing if scored.levels.index(f.level) <= needed)
    )


def _checks(ids: Sequence[str]) -> str:
    return f"{len(ids)} check{'' if len(ids) == 1 else 's'} to fix ({', '.join(ids)})"


def judge(scored: Scored, level: str, by: date, today: date, baseline: Baseline) -> Standing:
    now_gap = gap(scored, level)

    def standing(status: Status, reason: str) -> Standing:
        return Standing(scored.service, scored.team, status, reason, now_gap)

    if not now_gap:
        return standing("met", f"at {scored.level}")
    if today > by:
        return standing("late", f"{by.isoformat()} has passed; {_checks(now_gap)}")
    if baseline.day is None:
        return standing("unknown", f"{baseline.missing}; {_checks(now_gap)}")
    then = baseline.scored.get((scored.service, scored.scorecard))
    since = baseline.day.isoformat()
    if then is None:
        return standing("unknown", f"not scored on {since}: no trend yet; {_checks(now_gap)}")
    days = (today - baseline.day).days
    fixed = len(gap(then, level)) - len(now_gap)
    if days <= 0:
        return standing("unknown", f"the trend has no time span; {_checks(now_gap)}")
    if fixed <= 0:
        was = len(gap(then, level))
        return standing("at-risk", f"no progress since {since} ({was} then); {_checks(now_gap)}")
    # Linear: ``fixed`` checks in ``days`` days, so the rest take len(now_gap) * days / fixed.
    projected = today + timedelta(days=math.ceil(len(now_gap) * days / fixed))
    left = f"the {len(now_gap)} left ({', '.join(now_gap)})"
    pace = (
        f"{fixed} check{'' if fixed == 1 else 's'} fixed since {since}; at that pace "
        f"{left} {'is' if len(now_gap) == 1 else 'are'} done by {projected}"
    )
    if projected > by:
        return standing("at-risk", f"{pace}, after {by.isoformat()}")
    return standing("on-track", pace)


def overall(standings: Sequence[Standing]) -> Status:
    """A target's status: its worst service's (met when it applies to none)."""
    statuses = {s.status for s in standings}
    return next((s for s in SEVERITY if s in statuses), "met")


@dataclass(frozen=True)
class Fix:
    """A check failing at the next level of some of a team's services."""

    check: str
    level: str
    services: tuple[str, ...]


def fix_next(scored: Sequence[Scored]) -> list[Fix]:
    """The failing checks of each service's next level, the check blocking most services
    first (then lower levels first, then by id): one team's "what to fix next"."""
    blocked: dict[tuple[str, str], list[str]] = {}
    rank: dict[str, int] = {}
    for s in scored:
        following = s.next_level()
        if following is None:
            continue
        rank[following] = s.levels.index(following)
        for failing in s.failing:
            if failing.level == following:
                blocked.setdefault((failing.check, following), []).append(s.service)
    ordered = sorted(blocked.items(), key=lambda kv: (-len(kv[1]), rank[kv[0][1]], kv[0][0]))
    return [Fix(check, level, tuple(sorted(set(names)))) for (check, level), names in ordered]
