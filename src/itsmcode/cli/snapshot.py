"""The catalog a read-only command reports on: the work tree, or ``--at REF|DATE``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from itsmcode.errors import ConfigError

if TYPE_CHECKING:
    from itsmcode.load.catalog import Catalog
    from itsmcode.reports.graph import ServiceMap

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


def load_catalog(root: Path, at: str | None) -> Catalog:
    """The catalog of the work tree, or as it stood at ``at`` (as ``itsm lint --at``)."""
    from itsmcode.load.config import load_config

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


def load_services(root: Path, at: str | None) -> ServiceMap:
    """Tier, owner and dependencies of every service: at ``at`` from the loaded catalog;
    in the work tree from the diff's light read of the services folder only (what
    ``impact`` and ``graph`` need, at little more than the cost of parsing those files).
    """
    from itsmcode.reports.graph import ServiceMap

    if at is not None:
        return ServiceMap.from_catalog(load_catalog(root, at))
    from itsmcode.diff.graph import build
    from itsmcode.load.config import load_config
    from itsmcode.load.snapshot import paused_gc
    from itsmcode.load.source import read, yaml_files_under

    config = load_config(root)
    limit = config.spec.lint.max_file_size
    with paused_gc():
        # read() refuses what lint refuses (links out of the repository, FIFOs, size).
        blobs = {
            path: read(root, path, limit).data
            for path in yaml_files_under(root, config.spec.paths.services)
        }
        return ServiceMap.from_graph(build(blobs))
