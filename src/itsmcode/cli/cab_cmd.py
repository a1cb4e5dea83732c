"""``itsm cab agenda`` and ``itsm cab minutes``: the change advisory board (docs/cab.md)."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError
from itsmcode.reporters.cab import AGENDA_REPORTERS


@click.group()
def cab() -> None:
    """The change advisory board: what needs it (agenda) and what it decided (minutes)."""


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} {text}: not a date (YYYY-MM-DD)") from None


@cab.command()
@repo_option
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    default=None,
    help="Day of the meeting: the horizon starts at its local midnight (itsm.yaml "
    "spec.timezone). Default: today.",
)
@click.option(
    "--days",
    type=click.IntRange(min=1, max=366),
    metavar="N",
    default=7,
    show_default=True,
    help="Length of the horizon: changes whose window starts from --date up to this many "
    "days later (until the next meeting).",
)
@click.option(
    "--results",
    "results",
    multiple=True,
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A stored 'itsm policy check --format json' result of an open pull request (repeatable).",
)
@click.option(
    "--ref",
    "refs",
    multiple=True,
    metavar="REF",
    help="A branch (or other ref) with change files, judged as a pull request into "
    "--base with no review yet (repeatable).",
)
@click.option(
    "--base",
    "base",
    default="HEAD",
    show_default=True,
    metavar="REF",
    help="The main branch: its policy, catalog and evidence judge everything, and its "
    "planned changes are listed too.",
)
@click.option(
    "--cab-team",
    default="cab",
    show_default=True,
    metavar="TEAM",
    help="The team whose approval puts a change on the agenda.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(AGENDA_REPORTERS.names),
    default="text",
    show_default=True,
    help="text, markdown (a meeting page) or json.",
)
def agenda(
    repo: Path | None,
    day: str | None,
    days: int,
    results: tuple[Path, ...],
    refs: tuple[str, ...],
    base: str,
    cab_team: str,
    fmt: str,
) -> None:
    """The changes that need the CAB, by window start: open pull requests (stored
    results, refs) and the planned changes on the base, each with its diff's meaning,
    computed risk, conflicts and the approvals still missing.

    Exit status: 0; 2 usage, configuration or git error (a results file that is not a
    policy check result, an unknown ref or team).
    """
    from zoneinfo import ZoneInfo

    from itsmcode.cab.agenda import Horizon, build_agenda
    from itsmcode.load.config import load_config
    from itsmcode.reports.calendar import local_midnight

    root = resolve_root(repo)
    zone = ZoneInfo(load_config(root).spec.timezone)
    now = datetime.now(timezone.utc)
    meeting = _day(day, "--date") or now.astimezone(zone).date()
    since = local_midnight(meeting, zone)
    until = local_midnight(meeting + timedelta(days=days), zone)
    found = build_agenda(
        root,
        base_ref=base,
        results=results,
        refs=refs,
        horizon=Horizon(since, until),
        now=now,
        cab_team=cab_team,
    )
    AGENDA_REPORTERS[fmt](found, sys.stdout)


@cab.command()
@repo_option
@click.option("--date", "day", metavar="YYYY-MM-DD", required=True, help="Day of the meeting.")
@click.option(
    "--decision",
    "decisions",
    multiple=True,
    metavar="CHANGE=VERDICT[:NOTE]",
    help="approved, rejected or deferred, with an optional note (repeatable; at least one).",
)
@click.option(
    "--attendee", "attendees", multiple=True, metavar="LOGIN", help="Who was there (repeatable)."
)
@click.option(
    "--team", "teams", multiple=True, metavar="TEAM", help="A team represented (repeatable)."
)
@click.option("--chair", default=None, metavar="LOGIN", help="Who chaired the meeting.")
@click.option(
    "--out",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write, inside the CabMinutes folder. Default: processes/cab/cab-DATE.yaml.",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")
def minutes(
    repo: Path | None,
    day: str,
    decisions: tuple[str, ...],
    attendees: tuple[str, ...],
    teams: tuple[str, ...],
    chair: str | None,
    out: Path | None,
    force: bool,
    dry_run: bool,
) -> None:
    """Write the meeting's decisions as a CabMinutes file for a pull request to add.

    The file is linted with the whole repository first: decisions must name existing
    change requests (once each), attendees and the chair must be team members, teams
    must exist. Exit status: 0 written, 1 it would not lint clean (nothing written),
    2 usage or configuration error (a file exists there already without --force).
    """
    from itsmcode.cab.minutes import plan_minutes
    from itsmcode.files import write_atomic

    root = resolve_root(repo)
    meeting = _day(day, "--date")
    assert meeting is not None
    plan = plan_minutes(
        root,
        day=meeting,
        decisions=decisions,
        attendees=attendees,
        teams=teams,
        chair=chair,
        out=out,
        now=datetime.now(timezone.utc),
    )
    for diagnostic in plan.diagnostics:
        where = diagnostic.location
        click.echo(
            f"{where.path}:{where.line}:{where.column}: {diagnostic.severity.value}: "
            f"{diagnostic.message} [{diagnostic.rule}]",
            err=True,
        )
    if plan.errors:
        click.echo("itsm: error: nothing written; fix the options above", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(plan.text, nl=False)
        return
    target = root / plan.path
    if (target.exists() or target.is_symlink()) and not force:
        raise ConfigError(f"{plan.path} exists already; pass --force to replace it")
    write_atomic(target, plan.text)
    click.echo(f"created {plan.path}")
