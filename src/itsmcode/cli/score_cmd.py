"""``itsm score``: where each service stands against the scorecards (docs/score.md).

Exit status: 0 scored, 1 a ``--fail-on late`` target is late, 2 usage or configuration
error, 3 an internal bug.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError, GitError
from itsmcode.reporters.score import SCORE_WRITERS

if TYPE_CHECKING:
    from itsmcode.audit.at import Past
    from itsmcode.load.catalog import Catalog
    from itsmcode.models import Config
    from itsmcode.score.roadmap import Baseline
    from itsmcode.score.trend import Trend


@click.command()
@click.argument("service", required=False)
@repo_option
@click.option(
    "--at",
    metavar="REF|DATE",
    help="Score the repository as it was at a git revision (or at the last commit on "
    "HEAD's first-parent line on or before a date), as report --at; checks are judged as "
    "of now.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SCORE_WRITERS.names),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Show the trend: each service's level at sample dates from DATE (YYYY-MM-DD) "
    "to --until, read from the branch's git history; the roadmap is judged from DATE.",
)
@click.option(
    "--until",
    metavar="DATE",
    help="Last sample date of the trend (YYYY-MM-DD, at most today). Default: today.",
)
@click.option(
    "--every",
    metavar="INTERVAL",
    help="Between the trend's samples: a number and d, w or mo (1d, 1w, 2w, 1mo). Default: 1w.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["late", "at-risk"]),
    default=None,
    help="Exit 1 when a target is late (its date has passed and a service it applies to "
    "is below its level); at-risk: also when the trend says a service will not make it.",
)
def score(
    service: str | None,
    repo: Path | None,
    at: str | None,
    fmt: str,
    since: str | None,
    until: str | None,
    every: str | None,
    fail_on: str | None,
) -> None:
    """Each service's level on each scorecard and the checks it fails, roll-ups per team
    and for the organisation, what each team should fix next, and the roadmap: each
    target met, on-track, at-risk or late. SERVICE: show only that service (the roll-ups
    stay the organisation's).

    Exit status: 0 scored, 1 --fail-on and a target is late (or at risk), 2 usage,
    configuration or git error, 3 an internal bug. See docs/score.md.
    """
    from itsmcode.cli.report_cmd import load_catalog
    from itsmcode.models import Service
    from itsmcode.score.engine import score as run
    from itsmcode.suggest import did_you_mean

    if since is None and (until is not None or every is not None):
        raise ConfigError("--until and --every shape a trend: give its first day with --since")
    root = resolve_root(repo)
    catalog = load_catalog(root, at)
    if "scorecard" not in catalog.config.spec.practices:
        raise ConfigError(
            "itsm score needs the scorecard practice: add 'scorecard' to spec.practices in "
            "itsm.yaml and a scorecard under its folder (docs/score.md)"
        )
    if service is not None and catalog.service(service) is None:
        known = [s.name for s in catalog.all(Service)]
        raise ConfigError(f"no service '{service}'{did_you_mean(service, known)}")
    broken = sum(1 for record in catalog.records if record.entity is None)
    if broken:
        click.echo(
            f"itsm: warning: {broken} file{' did' if broken == 1 else 's did'} not load and "
            f"{'is' if broken == 1 else 'are'} left out of the scores; run 'itsm lint' to "
            "see why",
            err=True,
        )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    history = _History(root, catalog, at, now)
    trend = history.trend(since, until, every) if since is not None else None
    result = run(catalog, now)
    if trend is not None or result.undecided():
        from itsmcode.score.engine import rejudge, undecided_services

        baseline = (
            trend.baseline()
            if trend is not None
            else history.default_baseline(undecided_services(result))
        )
        rejudge(result, baseline, history.today)
    if trend is not None:
        from itsmcode.score.trend import Point, Trend

        points = [Point(p.day, None, result, True) if p.current else p for p in trend.points]
        result.trend = Trend(trend.every, tuple(points))
    SCORE_WRITERS[fmt](result, service, sys.stdout)
    statuses = {s.status for t in result.targets for s in t.standings}
    failing = {"late": {"late"}, "at-risk": {"late", "at-risk"}}.get(fail_on or "", set())
    if fail_on == "at-risk" and "unknown" in statuses:
        click.echo(
            "itsm: warning: some services could not be judged on-track or at-risk (see each "
            "reason); --fail-on at-risk does not fail on them",
            err=True,
        )
    sys.exit(1 if statuses & failing else 0)


def _day(text: str, option: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ConfigError(f"{option} '{text}': use a date, YYYY-MM-DD")


class _History:
    """The catalogs the trend and the roadmap compare with, read from git history."""

    def __init__(self, root: Path, catalog: Catalog, at: str | None, now: datetime) -> None:
        self.root = root
        self.catalog = catalog
        self.at = at
        self.now = now
        self.zone = ZoneInfo(catalog.config.spec.timezone)
        self.today = now.astimezone(self.zone).date()

    def _past(self, instants: list[datetime], earliest: bool = False) -> list[Past]:
        """The catalogs at ``instants`` (a single one derived from the work tree's when
        scoring the work tree: only the files that differ are parsed)."""
        from itsmcode.audit.at import catalogs_at, resolve_at
        from itsmcode.load.config import load_config

        tip = resolve_at(self.root, self.at) if self.at else "HEAD"
        try:
            fallback: Config | None = load_config(self.root)
        except ConfigError:
            fallback = None
        worktree = self.catalog if self.at is None else None
        return catalogs_at(self.root, instants, fallback, tip, earliest=earliest, worktree=worktree)

    def trend(self, since: str, until: str | None, every: str | None) -> Trend:
        """The samples of ``--since``/``--until``/``--every``; today's is ``current``."""
        from itsmcode.models import Scorecard
        from itsmcode.score.engine import score as run
        from itsmcode.score.interval import parse_every, sample_dates
        from itsmcode.score.trend import Point, Trend, instant

        interval = parse_every(every or "1w")
        first = _day(since, "--since")
        last = _day(until, "--until") if until else self.today
        if last > self.today:
            raise ConfigError(
                f"--until {last.isoformat()} is after today ({self.today.isoformat()}): "
                "a trend shows what the history holds"
            )
        days = sample_dates(first, last, interval)
        instants = [instant(d, self.zone, self.now) for d in days]
        past = [i for i, moment in enumerate(instants) if moment < self.now]
        found = self._past([instants[i] for i in past]) if past else []
        read = dict(zip(past, found, strict=True))
        cards = self.catalog.all(Scorecard)
        points = []
        for i, day in enumerate(days):
            if i not in read:
                points.append(Point(day, None, None, True))
                continue
            old = read[i]
            result = None if old.catalog is None else run(old.catalog, instants[i], cards)
            points.append(Point(day, old.commit, result))
        return Trend(interval, tuple(points))

    def default_baseline(self, services: set[str]) -> Baseline:
        """The catalog of DEFAULT_WINDOW ago (or the history's first commit when younger)
        scored against today's scorecards, for ``services`` (those the roadmap judges);
        without history, why there is none."""
        from itsmcode.git.log import AuditGit
        from itsmcode.models import Scorecard
        from itsmcode.score.engine import score as run
        from itsmcode.score.roadmap import DEFAULT_WINDOW, Baseline

        moment = self.now - DEFAULT_WINDOW
        try:
            repo = AuditGit(self.root)
        except GitError:
            return Baseline(None, {}, "not a git repository: no history to judge the trend from")
        if repo.is_shallow():
            return Baseline(
                None,
                {},
                "a shallow clone: no history to judge the trend from (git fetch --unshallow, "
                "or actions/checkout with fetch-depth: 0)",
            )
        if not repo.has_commits():
            return Baseline(None, {}, "no commits yet: no history to judge the trend from")
        try:
            [old] = self._past([moment], earliest=True)
        except GitError as exc:
            return Baseline(None, {}, f"no history to judge the trend from: {exc}")
        if old.catalog is None or old.committed is None:
            return Baseline(None, {}, "no catalog in the git history to judge the trend from")
        when = max(old.committed, moment)
        scored = run(old.catalog, when, self.catalog.all(Scorecard), only=services)
        return Baseline(when.astimezone(self.zone).date(), scored.by_key())
