"""``itsm export backstage|openslo|codeowners``: the catalog in other tools' formats.

Writes to stdout, or ``--out FILE`` (atomically, only when the content changes). With
``--check`` nothing is written: exit 1 when FILE differs from a fresh export (a CI job
catches a stale committed export), 0 when it is current.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


def _common(func: F) -> F:
    func = repo_option(func)
    func = click.option(
        "--check",
        is_flag=True,
        help="Write nothing; exit 1 if --out FILE is not what the export would write.",
    )(func)
    return click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="File to write (default: standard output).",
    )(func)


@click.group(name="export")
def export_group() -> None:
    """Export the catalog for Backstage, OpenSLO tools or GitHub's CODEOWNERS."""


@export_group.command()
@_common
def backstage(out: Path | None, check: bool, repo: Path | None) -> None:
    """Backstage catalog entities: Groups and Users for teams, Systems (business) and
    Components (technical) for services, with owner and dependsOn relations."""
    from itsmcode.interop import backstage_export

    _emit(lambda catalog, _: backstage_export.render(catalog), out, check, repo)


@export_group.command()
@click.option(
    "--time-target",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    help="Share of tickets that must meet a response/resolution time (OpenSLO's target).",
)
@_common
def openslo(time_target: float, out: Path | None, check: bool, repo: Path | None) -> None:
    """OpenSLO v1: a Service per service with an SLA, an SLO for its availability and
    one per priority for response and resolution times."""
    from itsmcode.interop import openslo as module

    _emit(lambda catalog, _: module.render(catalog, time_target), out, check, repo)


@export_group.command()
@_common
def codeowners(out: Path | None, check: bool, repo: Path | None) -> None:
    """A CODEOWNERS file: each Service file owned by its owning team, each Team file by
    the team (GitHub team from spec.github.team, else the members' logins)."""
    from itsmcode.interop import codeowners as module

    _emit(
        lambda catalog, shown: module.render(catalog, shown or ".github/CODEOWNERS"),
        out,
        check,
        repo,
    )


def _emit(
    make: Callable[[Any, str | None], str], out: Path | None, check: bool, repo: Path | None
) -> None:
    from itsmcode.files import write_atomic
    from itsmcode.load.config import load_config
    from itsmcode.load.snapshot import load_worktree

    if check and out is None:
        raise click.UsageError("--check compares with a file: pass --out FILE")
    root = resolve_root(repo)
    catalog = load_worktree(root, load_config(root))
    shown = out.as_posix() if out is not None else None
    text = make(catalog, shown)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        current = out.read_text(encoding="utf-8") if out.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{out}: cannot read: {exc}") from None
    if check:
        if current != text:
            state = "missing" if current is None else "stale"
            click.echo(f"{out}: {state}; regenerate it with the same command without --check")
            raise SystemExit(1)
        click.echo(f"{out}: up to date")
        return
    if current != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, text)
        click.echo(f"wrote {out}")
    else:
        click.echo(f"{out}: unchanged")
