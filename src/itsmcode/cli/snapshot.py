"""The catalog a read-only command reports on: the work tree, or ``--at REF|DATE``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itsmcode.errors import ConfigError
from itsmcode.load.catalog import Catalog
from itsmcode.models import Config

F = TypeVar("F", bound=Callable[..., Any])


def at_option(func: F) -> F:
    return click.option(
        "--at",
        "at",
        metavar="REF|DATE",
        default=None,
        help="Report on the repository as it was at a git revision (or at the last commit on "
        "HEAD's first-parent line on or before a date, YYYY-MM-DD), read from git.",
    )(func)


def load_catalog(root: Path, at: str | None, *, services_only: bool = False) -> Catalog:
    """The catalog of the work tree, or as it stood at ``at`` (as ``itsm lint --at``).

    ``services_only`` reads just the services folder of the work tree (``impact`` and
    ``graph`` need nothing else): on a large repository that is most of the saving
    over a full load, with the same loader and validation as lint.
    """
    from itsmcode.load.config import load_config

    if at is None and services_only:
        return _load_services(root, load_config(root))
    if at is None:
        from itsmcode.load.snapshot import load_worktree

        return load_worktree(root, load_config(root))
    from itsmcode.audit.at import catalog_at

    try:
        fallback = load_config(root)
    except ConfigError:
        fallback = None
    catalog, _ = catalog_at(root, at, fallback)
    return catalog


def _load_services(root: Path, config: Config) -> Catalog:
    from itsmcode.load.snapshot import load_record, paused_gc
    from itsmcode.load.source import read, yaml_files_under
    from itsmcode.load.yamlio import Limits

    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    with paused_gc():
        records = []
        for path in yaml_files_under(root, config.spec.paths.services):
            source = read(root, path, limits.max_file_size)
            records.append(load_record(path, source.data, source.problem, limits))
    return Catalog(records, config)
