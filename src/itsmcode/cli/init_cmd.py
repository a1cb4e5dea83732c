"""``itsm init [DIR]``: scaffold an ITSM repository that lints clean at once.

Behaviour, as documented for users in ``itsm init --help``:

- Existing files are never overwritten: each is reported as skipped. So a second run in
  the same directory creates nothing, and ``itsm init`` in an existing repository only
  fills in what is missing (for the practices its ``itsm.yaml`` enables, unless
  ``--practices`` says otherwise).
- The result is linted with the real ``itsm lint`` before the command ends. Exit 0 when
  it has no errors; exit 1 (with the findings) when files that were already there make
  it inconsistent; exit 2 for a usage error or an unreadable existing ``itsm.yaml``, in
  which case nothing is written.
"""

from __future__ import annotations

import re
import sys
import zoneinfo
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from itsmcode.errors import ConfigError

if TYPE_CHECKING:
    from itsmcode.models import Config

_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@click.command("init")
@click.argument(
    "directory",
    required=False,
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--practices",
    metavar="LIST",
    default=None,
    help="Comma-separated ITIL-lite practices: catalog, sla, change, incident, problem "
    "(catalog is always on). Default: those of an existing itsm.yaml, else catalog,sla,change.",
)
@click.option(
    "--name",
    default=None,
    help="metadata.name of the repository config (default: from the directory name).",
)
@click.option(
    "--timezone",
    default=None,
    help="IANA time zone for itsm.yaml and the calendars (default: an existing itsm.yaml's, "
    "else UTC).",
)
def init(directory: Path, practices: str | None, name: str | None, timezone: str | None) -> None:
    """Create an ITSM repository in DIRECTORY (default: the current directory).

    Writes itsm.yaml, README.md, the folders of the chosen practices and a few example
    entities (a team, services, a calendar, an SLA, a change request, a standard change,
    the approval policy) that pass 'itsm lint' as they are, and the GitHub Actions
    workflows in .github/workflows (see docs/ci.md). Existing files are never
    overwritten, only reported as skipped, so running it again changes nothing.

    Exit status: 0 the repository lints without errors, 1 it does not (files that were
    already there are inconsistent; the findings are printed), 2 usage error.
    """
    from itsmcode.load.layout import CONFIG_FILE
    from itsmcode.scaffold import project as scaffold
    from itsmcode.workflows import workflow_files

    existing = _existing_config(directory) if (directory / CONFIG_FILE).exists() else None
    chosen = _practices(practices, existing.spec.practices if existing else None)
    zone = _timezone(timezone or (existing.spec.timezone if existing else "UTC"))
    repo_name = _name(name) if name else (existing.name if existing else None)

    try:
        directory.mkdir(parents=True, exist_ok=True)
        files = scaffold.plan(
            chosen,
            name=repo_name or scaffold.repository_name(directory),
            timezone=zone,
            today=datetime.now(zoneinfo.ZoneInfo(zone)).date(),
        )
        files += [
            scaffold.ScaffoldFile(path, text)
            for path, text in workflow_files(approval="change" in chosen).items()
        ]
        outcome = scaffold.write(directory, files)
    except OSError as exc:
        raise ConfigError(f"cannot create the repository in {directory}: {exc}") from None

    for path in outcome.created:
        click.echo(f"created  {path}")
    for path, why in outcome.skipped:
        click.echo(f"skipped  {path} ({why})")
    click.echo(
        f"{len(outcome.created)} files created, {len(outcome.skipped)} skipped "
        f"in {directory} (practices: {', '.join(chosen)})"
    )
    _check(directory, chosen)


def _existing_config(directory: Path) -> Config:
    """The existing itsm.yaml as a Config; a broken one stops init before it writes."""
    from itsmcode.load.config import load_config

    try:
        return load_config(directory)
    except ConfigError as exc:
        raise ConfigError(
            f"{exc}\n{directory / 'itsm.yaml'} exists but is invalid; fix it first, "
            "init never overwrites it"
        ) from None


def _practices(option: str | None, configured: Sequence[str] | None) -> list[str]:
    from itsmcode.scaffold.project import DEFAULT_PRACTICES, UnknownPractice, parse_practices

    if option is None:
        return parse_practices(configured or DEFAULT_PRACTICES)
    try:
        chosen = parse_practices([option])
    except UnknownPractice as exc:
        raise click.BadParameter(str(exc), param_hint="'--practices'") from None
    return chosen


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"unknown time zone '{value}'; use an IANA name such as 'Europe/Berlin'",
            param_hint="'--timezone'",
        ) from None
    return value


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise click.BadParameter(
            f"invalid name '{value}': use lowercase letters, digits and inner hyphens, "
            "1-63 characters",
            param_hint="'--name'",
        )
    return value


def _check(directory: Path, chosen: list[str]) -> None:
    """Lint what is now there; a repository init leaves behind must be consistent."""
    from itsmcode.lint.engine import lint
    from itsmcode.load.config import load_config

    root = directory.resolve()
    enabled = load_config(root).spec.practices
    missing = [p for p in chosen if p not in enabled]
    if missing:
        # The kept itsm.yaml does not scan these folders, so lint would never see them.
        click.echo(
            f"note: itsm.yaml was kept and does not enable {', '.join(missing)}; "
            "add them to spec.practices to use those files"
        )
    result = lint(root)
    findings = sorted(result.diagnostics, key=lambda d: d.sort_key)
    for d in findings:
        click.echo(f"{d.location}: {d.severity.value} [{d.rule}] {d.message}")
    if result.errors:
        click.echo(
            f"itsm init: {directory} does not lint clean ({result.errors} errors); "
            "the files listed above were already there: fix them and run 'itsm lint'",
            err=True,
        )
        sys.exit(1)
    verdict = "lints clean" if not result.warnings else "has no errors (see the warnings above)"
    where = "" if root == Path.cwd().resolve() else f"cd {directory} && "
    click.echo(f"The repository {verdict}. Next: {where}itsm lint, then read README.md.")
