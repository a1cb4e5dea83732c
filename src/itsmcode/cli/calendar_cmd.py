"""``itsm calendar``: the forward schedule of change (docs/calendar.md)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.cli.snapshot import at_option, load_catalog
from itsmcode.errors import ConfigError
from itsmcode.reporters.calendar import CALENDAR_REPORTERS


@click.command()
@repo_option
@click.option(
    "--since",
    metavar="DATE|TIME",
    default=None,
    help="Start of the period: YYYY-MM-DD (local midnight in itsm.yaml's spec.timezone) or "
    "an ISO 8601 time with offset. Default: now.",
)
@click.option(
    "--until",
    metavar="DATE|TIME",
    default=None,
    help="End of the period (exclusive), as --since. Default: 90 days after --since.",
)
@at_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CALENDAR_REPORTERS.names),
    default="text",
    show_default=True,
    help="text (agenda by day), markdown, json, or ics (an RFC 5545 feed).",
)
@click.option(
    "--fail-on",
    metavar="TYPE[,TYPE...]",
    default="",
    help="Exit 1 when a finding of these types exists: change-overlap, change-in-freeze.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the lint cache.")
def calendar(
    repo: Path | None,
    since: str | None,
    until: str | None,
    at: str | None,
    fmt: str,
    fail_on: str,
    no_cache: bool,
) -> None:
    """Upcoming and in-progress changes by window, the freezes in force, and conflicts.

    Exit status: 0 (1 with --fail-on when such a finding exists), 2 usage or
    configuration error.
    """
    from zoneinfo import ZoneInfo

    from itsmcode.reports.calendar import (
        FINDING_TYPES,
        Period,
        default_period,
        parse_moment,
        schedule,
    )

    wanted = {t.strip() for t in fail_on.split(",") if t.strip()}
    unknown = sorted(wanted - set(FINDING_TYPES))
    if unknown:
        raise ConfigError(
            f"--fail-on {','.join(unknown)}: unknown finding type; known: "
            f"{', '.join(FINDING_TYPES)}"
        )
    root = resolve_root(repo)
    catalog = load_catalog(root, at, use_cache=not no_cache)
    zone = ZoneInfo(catalog.config.spec.timezone)
    now = datetime.now(timezone.utc)
    start = parse_moment(since, zone, "--since") if since else now
    period = default_period(start)
    if until:
        period = Period(start, parse_moment(until, zone, "--until"))
    result = schedule(catalog, period, now)
    CALENDAR_REPORTERS[fmt](result, sys.stdout)
    if any(f.type in wanted for f in result.findings):
        sys.exit(1)
