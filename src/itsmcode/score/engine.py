"""Score every selected service against every scorecard: each service's level, its
failing checks, and the roll-ups per team, for the organisation and per target."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from itsmcode.load.catalog import Catalog
from itsmcode.models import Scorecard, Service
from itsmcode.models.scorecard import Selector, Target
from itsmcode.score.checks import CHECKS, ScoreContext
from itsmcode.score.roadmap import Baseline, Standing, Status, fix_next, judge, overall

if TYPE_CHECKING:
    from itsmcode.score.trend import Trend

#: Without a baseline the roadmap says why it cannot judge (the CLI gives the reason).
NO_BASELINE = Baseline(None, {}, "no trend to judge from")


@dataclass(frozen=True)
class Failing:
    check: str
    level: str
    message: str


@dataclass(frozen=True)
class Scored:
    service: str
    team: str
    scorecard: str
    levels: tuple[str, ...]  # the scorecard's, lowest first
    level: str | None
    failing: tuple[Failing, ...]

    def rank(self) -> int:
        """How many levels the service has reached (0: none)."""
        return 0 if self.level is None else self.levels.index(self.level) + 1

    def next_level(self) -> str | None:
        return self.levels[self.rank()] if self.rank() < len(self.levels) else None


@dataclass(frozen=True)
class TargetResult:
    scorecard: str
    level: str
    by: date
    services: tuple[str, ...]
    at_level: tuple[str, ...]  # of services, those at or above the level
    status: Status  # the worst of ``standings``
    standings: tuple[Standing, ...] = ()
    since: date | None = None  # the baseline the trend is judged from


@dataclass
class ScoreResult:
    at: datetime
    scored: list[Scored] = field(default_factory=list)
    targets: list[TargetResult] = field(default_factory=list)
    trend: Trend | None = None  # with --since
    _grouped: tuple[int, dict[tuple[str, str], list[Scored]]] | None = field(
        default=None, repr=False
    )

    def by_key(self) -> dict[tuple[str, str], Scored]:
        """(service, scorecard) -> its score."""
        return {(s.service, s.scorecard): s for s in self.scored}

    def undecided(self) -> bool:
        """Whether a target's status needs the trend: a service below its level before
        its date."""
        return any(t.status == "unknown" for t in self.targets)

    def of_team(self, team: str, scorecard: str) -> list[Scored]:
        # Grouped once (and again only if scores were added since): every team asks.
        if self._grouped is None or self._grouped[0] != len(self.scored):
            groups: dict[tuple[str, str], list[Scored]] = {}
            for s in self.scored:
                groups.setdefault((s.team, s.scorecard), []).append(s)
            self._grouped = (len(self.scored), groups)
        return self._grouped[1].get((team, scorecard), [])

    def teams(self) -> list[tuple[str, str, dict[str | None, int]]]:
        """(team, scorecard, services per level) with every level (and None) counted."""
        return self._rollup(lambda s: s.team)

    def organisation(self) -> list[tuple[str, str, dict[str | None, int]]]:
        return self._rollup(lambda s: "")

    def _rollup(self, key: Any) -> list[tuple[str, str, dict[str | None, int]]]:
        groups: dict[tuple[str, str], dict[str | None, int]] = {}
        for s in self.scored:
            counts = groups.setdefault(
                (key(s), s.scorecard), {**{name: 0 for name in s.levels}, None: 0}
            )
            counts[s.level] += 1
        return [(k, card, counts) for (k, card), counts in sorted(groups.items())]


def selects(selector: Selector, service: Service) -> bool:
    spec = service.spec
    return (
        (selector.tiers is None or spec.tier in selector.tiers)
        and (selector.types is None or spec.type in selector.types)
        and all(service.metadata.labels.get(k) == v for k, v in selector.labels.items())
    )


def score(
    catalog: Catalog,
    now: datetime,
    cards: list[Scorecard] | None = None,
    baseline: Baseline = NO_BASELINE,
    only: set[str] | None = None,
) -> ScoreResult:
    """Every scorecard (the catalog's, or ``cards``: a past catalog is scored against
    today's standards) against every service it selects (retired services are not
    scored; with ``only``, just those services); targets judged against ``baseline``
    (roadmap.py)."""
    context = ScoreContext(catalog, now)
    result = ScoreResult(now)
    services = [
        s
        for s in catalog.all(Service)
        if s.spec.lifecycle != "retired" and (only is None or s.name in only)
    ]
    for card in catalog.all(Scorecard) if cards is None else cards:
        levels = _parsed_levels(card)
        chosen = [s for s in services if selects(card.spec.selector, s)]
        scored = [_score_one(card, levels, s, context) for s in chosen]
        result.scored += scored
        result.targets += [
            _target(card, t, scored, services, context.today(), baseline) for t in card.spec.targets
        ]
    result.scored.sort(key=lambda s: (s.service, s.scorecard))
    return result


def rejudge(result: ScoreResult, baseline: Baseline, today: date) -> None:
    """Judge ``result``'s targets again against ``baseline`` (the services' scores stay)."""
    scored = result.by_key()
    for index, target in enumerate(result.targets):
        standings = tuple(
            judge(scored[(name, target.scorecard)], target.level, target.by, today, baseline)
            for name in target.services
        )
        result.targets[index] = replace(
            target, status=overall(standings), standings=standings, since=baseline.day
        )


def undecided_services(result: ScoreResult) -> set[str]:
    """The services a target cannot judge without a trend."""
    return {s.service for t in result.targets for s in t.standings if s.status == "unknown"}


_Levels = list[tuple[str, list[tuple[str, BaseModel]]]]


def _parsed_levels(card: Scorecard) -> _Levels:
    """Each level's checks with their parameters (validated when the file loaded)."""
    return [
        (
            level.name,
            [
                (use.check, CHECKS[use.check].Params.model_validate(use.with_))
                for use in level.checks
            ],
        )
        for level in card.spec.levels
    ]


def _score_one(card: Scorecard, levels: _Levels, service: Service, context: ScoreContext) -> Scored:
    failing: list[Failing] = []
    reached: str | None = None
    capped = False
    for name, uses in levels:
        before = len(failing)
        for check_id, params in uses:
            message = CHECKS[check_id].check(service, params, context)
            if message is not None:
                failing.append(Failing(check_id, name, message))
        # A level counts only with every level below it: a failing lower check caps it.
        capped = capped or len(failing) > before
        if not capped:
            reached = name
    return Scored(
        service.name,
        service.spec.owner,
        card.name,
        tuple(name for name, _ in levels),
        reached,
        tuple(failing),
    )


def _target(
    card: Scorecard,
    target: Target,
    scored: list[Scored],
    services: list[Service],
    today: date,
    baseline: Baseline,
) -> TargetResult:
    """Each service the target applies to is met, on track, at risk or late (today in
    the repository's zone); the target is as bad as its worst service."""
    by_name = {s.name: s for s in services}
    mine = [s for s in scored if selects(target, by_name[s.service])]
    needed = [level.name for level in card.spec.levels].index(target.level) + 1
    at_level = tuple(s.service for s in mine if s.rank() >= needed)
    standings = tuple(judge(s, target.level, target.by, today, baseline) for s in mine)
    return TargetResult(
        card.name,
        target.level,
        target.by,
        tuple(s.service for s in mine),
        at_level,
        overall(standings),
        standings,
        baseline.day,
    )


def _levels_json(counts: dict[str | None, int]) -> dict[str, int]:
    return {("none" if name is None else name): n for name, n in counts.items()}


def to_json(result: ScoreResult, only: str | None = None) -> dict[str, Any]:
    """The ``--format json`` document (docs/score.md); ``only`` narrows ``services`` to
    one service, the roll-ups stay the organisation's."""
    return {
        "score": 1,
        "at": result.at.isoformat(),
        "services": [
            {
                "service": s.service,
                "scorecard": s.scorecard,
                "team": s.team,
                "level": s.level,
                "next": s.next_level(),
                "failing": [
                    {"check": f.check, "level": f.level, "message": f.message} for f in s.failing
                ],
            }
            for s in result.scored
            if only is None or s.service == only
        ],
        "teams": [
            {
                "team": team,
                "scorecard": card,
                "services": sum(c.values()),
                "levels": _levels_json(c),
                "fixNext": [
                    {"check": f.check, "level": f.level, "services": list(f.services)}
                    for f in fix_next(result.of_team(team, card))
                ],
            }
            for team, card, c in result.teams()
        ],
        "organisation": [
            {"scorecard": card, "services": sum(c.values()), "levels": _levels_json(c)}
            for _, card, c in result.organisation()
        ],
        "targets": [
            {
                "scorecard": t.scorecard,
                "level": t.level,
                "by": t.by.isoformat(),
                "services": list(t.services),
                "atLevel": len(t.at_level),
                "status": t.status,
                "since": t.since.isoformat() if t.since else None,
                "standings": [
                    {
                        "service": s.service,
                        "team": s.team,
                        "status": s.status,
                        "reason": s.reason,
                        "gap": list(s.gap),
                    }
                    for s in t.standings
                ],
            }
            for t in result.targets
        ],
        **({} if result.trend is None else {"trend": _trend_json(result.trend)}),
    }


def _trend_json(trend: Trend) -> dict[str, Any]:
    from itsmcode.score.trend import to_json as trend_json

    return trend_json(trend)
