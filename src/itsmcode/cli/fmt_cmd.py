"""``itsm fmt``: canonical layout for every entity file, comments kept."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, repo_relative, resolve_root
from itsmcode.errors import ConfigError


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@repo_option
@click.option(
    "--check", is_flag=True, help="Write nothing; list the files fmt would change and exit 1."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
def fmt(paths: tuple[Path, ...], repo: Path | None, check: bool, quiet: bool) -> None:
    """Rewrite entity files in one canonical layout: keys in the documented order,
    two-space indentation, quotes only where a YAML reader needs them. Comments and
    blank lines stay; the values never change (checked before each write).

    Exit status: 0 done (or nothing to do), 1 files need formatting (--check) or could
    not be formatted, 2 usage or configuration error.
    """
    from itsmcode.fmt.repository import format_repository

    root = resolve_root(repo)
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise ConfigError(f"no such file or directory: {', '.join(missing)}")
    outcomes = format_repository(root, [repo_relative(root, p) for p in paths], check=check)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if outcome.status == "error":
            click.echo(
                f"{outcome.path}:{outcome.line}:{outcome.column}: cannot format: {outcome.message}",
                err=True,
            )
        elif outcome.status != "unchanged" and not quiet:
            verb = "would reformat" if check else "reformatted"
            click.echo(f"{verb} {outcome.path}")
    if not quiet:
        click.echo(_summary(counts, check), err=True)
    sys.exit(1 if counts.get("error") or counts.get("would-reformat") else 0)


def _summary(counts: dict[str, int], check: bool) -> str:
    def files(n: int) -> str:
        return f"{n} file" if n == 1 else f"{n} files"

    parts = []
    if check:
        parts.append(f"{files(counts.get('would-reformat', 0))} would be reformatted")
    else:
        parts.append(f"{files(counts.get('reformatted', 0))} reformatted")
    parts.append(f"{files(counts.get('unchanged', 0))} left unchanged")
    if counts.get("error"):
        parts.append(f"{files(counts['error'])} could not be formatted")
    return ", ".join(parts)
