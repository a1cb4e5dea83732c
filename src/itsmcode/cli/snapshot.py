"""The catalog a read-only command reports on: the work tree, or ``--at REF|DATE``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itsmcode.errors import ConfigError
from itsmcode.load.catalog import Catalog

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
