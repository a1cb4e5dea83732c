"""``itsm schema export|check``: the JSON Schemas for editors and check-jsonschema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError, ItsmError

SCHEMAS_DIR = "schemas"


def _directory(explicit: Path | None, repo: Path | None, flag: str) -> Path:
    # The schemas belong to the ITSM repository (data-model.md lists ``schemas/`` in its
    # layout), so the default follows the repository root exactly as ``itsm lint`` finds
    # it; an explicit directory needs no repository at all.
    if explicit is not None:
        return explicit
    try:
        return resolve_root(repo) / SCHEMAS_DIR
    except ConfigError as exc:
        raise ConfigError(f"{exc}; or name the schemas directory with {flag} DIR") from None


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory if inside."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@click.group()
def schema() -> None:
    """JSON Schemas of the file formats (for editors, check-jsonschema, other tools)."""


@schema.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write (default: schemas/ at the repository root).",
)
@repo_option
def export(out: Path | None, repo: Path | None) -> None:
    """Write one schema per kind and the combined itsmcode.schema.json.

    Files are replaced atomically and only when their content changes; *.schema.json
    files in the directory that itsm no longer generates are removed.
    """
    from itsmcode.models.jsonschema import export as run_export
    from itsmcode.models.jsonschema import generate

    directory = _directory(out, repo, "--out")
    shown = _shown(directory)
    try:
        drift = run_export(directory)
    except OSError as exc:
        # A read-only checkout or a path that is a file: the user's to fix, not a bug.
        raise ItsmError(f"cannot write {shown}/: {exc.strerror or exc}") from None
    for name in drift.missing:
        click.echo(f"created {shown}/{name}")
    for name in drift.stale:
        click.echo(f"updated {shown}/{name}")
    for name in drift.extra:
        click.echo(f"removed {shown}/{name}")
    if not drift:
        click.echo(f"{shown}/ is up to date ({len(generate())} files)")


@schema.command(name="check")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to check (default: schemas/ at the repository root).",
)
@repo_option
def check_cmd(directory: Path | None, repo: Path | None) -> None:
    """Exit 1 if schemas/ is stale; for CI and pre-commit.

    Compares the directory with what 'itsm schema export' would write and lists
    stale, missing and extra files. Exit 0 when it is up to date.
    """
    from itsmcode.models.jsonschema import check, generate

    target = _directory(directory, repo, "--dir")
    expected = generate()
    drift = check(target, expected)
    shown = _shown(target)
    if not drift:
        click.echo(f"{shown}/ is up to date ({len(expected)} files)")
        return
    for label, names in (
        ("stale", drift.stale),
        ("missing", drift.missing),
        ("extra", drift.extra),
    ):
        for name in names:
            click.echo(f"{label}: {shown}/{name}")
    option = f" --out {shown}" if directory is not None else ""
    option += f" --repo {repo}" if repo is not None and directory is None else ""
    click.echo(
        f"itsm: error: {shown}/ does not match the models; "
        f"run 'itsm schema export{option}' to regenerate it",
        err=True,
    )
    sys.exit(1)
