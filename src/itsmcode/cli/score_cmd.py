"""``itsm score``: where each service stands against the scorecards (docs/score.md).

Exit status: 0 scored, 1 a ``--fail-on late`` target is late, 2 usage or configuration
error, 3 an internal bug.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError
from itsmcode.reporters.score import SCORE_WRITERS


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
    "--fail-on",
    type=click.Choice(["late"]),
    default=None,
    help="Exit 1 when a target is late (its date has passed and a service it applies to "
    "is below its level).",
)
def score(
    service: str | None, repo: Path | None, at: str | None, fmt: str, fail_on: str | None
) -> None:
    """Each service's level on each scorecard and the checks it fails, roll-ups per team
    and for the organisation, and the targets. SERVICE: show only that service (the
    roll-ups stay the organisation's).

    Exit status: 0 scored, 1 --fail-on late and a target is late, 2 usage or
    configuration error, 3 an internal bug. See docs/score.md.
    """
    from itsmcode.cli.report_cmd import load_catalog
    from itsmcode.models import Service
    from itsmcode.score.engine import score as run
    from itsmcode.suggest import did_you_mean

    catalog = load_catalog(resolve_root(repo), at)
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
    result = run(catalog, datetime.now(timezone.utc).replace(microsecond=0))
    SCORE_WRITERS[fmt](result, service, sys.stdout)
    late = fail_on == "late" and any(t.status == "late" for t in result.targets)
    sys.exit(1 if late else 0)
