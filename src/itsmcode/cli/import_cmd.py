"""``itsm import backstage|csv``: bring an existing catalog into the repository.

Dry run by default: the report says what would be written. Exit status: 0 everything
planned was (or would be) written, 1 some entities or rows were skipped (an entity that
already exists without --force, a bad row), 2 usage, configuration or unreadable input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError
from itsmcode.reporters.imports import IMPORT_REPORTERS, REFUSED

F = TypeVar("F", bound=Callable[..., Any])


def _common(func: F) -> F:
    func = repo_option(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(IMPORT_REPORTERS.names),
        default="text",
        help="Report format.",
    )(func)
    func = click.option(
        "--force", is_flag=True, help="Replace entities the repository already holds."
    )(func)
    return click.option(
        "--write", is_flag=True, help="Write the files (default: a dry run that shows them)."
    )(func)


@click.group(name="import")
def import_group() -> None:
    """Import Services and Teams from a Backstage catalog or a spreadsheet (CSV)."""


@import_group.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_common
def backstage(
    paths: tuple[Path, ...], write: bool, force: bool, fmt: str, repo: Path | None
) -> None:
    """Import Backstage catalog files (catalog-info.yaml, folders of them, Locations).

    Component, System, Resource and API become Services, Group becomes a Team with its
    Users as members. What has no counterpart is reported, never dropped in silence.
    """
    from itsmcode.interop.backstage_import import plan_import
    from itsmcode.interop.backstage_read import read_catalog
    from itsmcode.interop.plan import ImportPlan

    plan = ImportPlan()
    plan_import(read_catalog(list(paths), plan), plan)
    _finish(plan, repo, write=write, force=force, fmt=fmt)


@import_group.command(name="csv")
@click.option(
    "--kind",
    type=click.Choice(["service", "team"]),
    required=True,
    help="What each row is.",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Map a column to a field (repeatable); default: columns named like fields.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_common
def csv_command(
    kind: str,
    mappings: tuple[str, ...],
    file: Path,
    write: bool,
    force: bool,
    fmt: str,
    repo: Path | None,
) -> None:
    """Import Services or Teams from a spreadsheet export (CSV, first row the header).

    Service fields: name, title, description, type, tier, lifecycle, owner, support, sla,
    dependsOn, reviewBy. Team fields: name, title, description, members, parent, email,
    chat, oncall. Lists (dependsOn, members) split on commas, semicolons or spaces. Bad
    rows are reported with their line number and skipped.
    """
    from itsmcode.interop.csv_import import plan_rows
    from itsmcode.interop.plan import ImportPlan
    from itsmcode.load.source import read

    explicit: dict[str, str] = {}
    for item in mappings:
        column, sep, field = item.partition("=")
        if not sep or not column or not field:
            raise click.BadParameter(f"'{item}': write COLUMN=FIELD", param_hint="--map")
        explicit[column] = field
    source = read(file.parent, file.name, MAX_CSV)
    if source.problem:
        raise ConfigError(f"{file}: {source.problem.message}")
    try:
        text = (source.data or b"").decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{file}: not UTF-8 (byte {exc.start}); export the sheet as CSV UTF-8"
        ) from None
    plan = ImportPlan()
    problems = plan_rows(text, file.as_posix(), kind, explicit, plan)
    if problems:
        raise ConfigError("; ".join(problems))
    _finish(plan, repo, write=write, force=force, fmt=fmt)


MAX_CSV = 16 * 1024 * 1024


def _finish(
    plan: Any, repo: Path | None, *, write: bool, force: bool, fmt: str, failed: int = 0
) -> None:
    from itsmcode.interop.plan import apply
    from itsmcode.load.config import load_config
    from itsmcode.load.layout import Layout
    from itsmcode.load.snapshot import load_worktree

    root = resolve_root(repo)
    config = load_config(root)
    layout = Layout.from_config(config)
    for kind in {p.kind for p in plan.entities}:
        if not layout.enabled(kind):
            raise ConfigError(
                f"itsm.yaml: {kind} files belong to the 'catalog' practice, which is not enabled; "
                "add it to spec.practices"
            )
    catalog = load_worktree(root, config)
    outcomes = apply(root, layout, catalog, plan, write=write, force=force)
    IMPORT_REPORTERS[fmt](plan, outcomes, write, sys.stdout)
    refused = sum(o.status in REFUSED for o in outcomes) + len(plan.rejected)
    raise SystemExit(1 if refused else 0)
