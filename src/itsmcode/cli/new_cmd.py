"""``itsm new KIND [NAME]``: scaffold a valid entity file with the next free name."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError


@click.command()
@click.argument("kind", metavar="KIND")
@click.argument("name", required=False, metavar="[NAME]")
@repo_option
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Set a field (repeatable): tier=1, services=[checkout-api], window.start=...; "
    "values are YAML. Fields without a prefix are looked up in spec, then metadata.",
)
@click.option(
    "--template", metavar="STANDARD", help="A change from a standard change: fills type and plan."
)
@click.option(
    "--from-incidents",
    metavar="INC,INC,...",
    default="",
    help="A problem from incidents: links them both ways (the incident files are edited).",
)
@click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z"]),
    default=None,
    help="Act as if at this time (the year of new numbers, default windows and openedAt).",
)
@click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")
@click.option("--force", is_flag=True, help="Replace an existing file at the new path.")
def new(
    kind: str,
    name: str | None,
    repo: Path | None,
    sets: tuple[str, ...],
    template: str | None,
    from_incidents: str,
    now: datetime | None,
    dry_run: bool,
    force: bool,
) -> None:
    """Create a KIND file (service, team, sla, calendar, change, standard-change,
    incident, problem) in its folder. Changes and incidents get the next free number
    (chg-2026-0043); other kinds need a NAME. The file is written only if the whole
    repository still lints clean with it.

    Exit status: 0 written, 1 it would not lint clean (nothing written; the diagnostics
    say which --set is missing), 2 usage or configuration error.
    """
    from itsmcode.files import write_atomic
    from itsmcode.scaffold.new import NewRequest, missing_field_hint, plan_new

    root = resolve_root(repo)
    incidents = tuple(i.strip() for i in from_incidents.split(",") if i.strip())
    request = NewRequest(kind, name, sets, template, incidents, now)
    plan = plan_new(root, request)
    for diagnostic in plan.diagnostics:
        where = diagnostic.location
        click.echo(
            f"{where.path}:{where.line}:{where.column}: {diagnostic.severity.value}: "
            f"{diagnostic.message} [{diagnostic.rule}]{missing_field_hint(diagnostic)}",
            err=True,
        )
    if not plan.clean:
        click.echo("itsm new: nothing written; set the fields above with --set", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(plan.text, nl=False)
        return
    target = root / plan.path
    if (target.exists() or target.is_symlink()) and not force:
        raise ConfigError(f"{plan.path} exists already; pass --force to replace it")
    write_atomic(target, plan.text)
    for path, (text, old) in plan.edits.items():
        write_atomic(root / path, text, expect=old)
        click.echo(f"linked {path}")
    click.echo(f"created {plan.path}")
