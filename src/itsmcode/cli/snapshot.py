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


def load_catalog(root: Path, at: str | None, *, use_cache: bool = True) -> Catalog:
    """The catalog of the work tree, or as it stood at ``at`` (as ``itsm lint --at``).

    The work tree is loaded as ``itsm lint`` loads it (lint/loading.py): files the lint
    cache holds are not parsed again, the others are parsed on every core and cached.
    """
    from itsmcode.load.config import load_config

    if at is not None:
        from itsmcode.audit.at import catalog_at

        try:
            fallback = load_config(root)
        except ConfigError:
            fallback = None
        catalog, _ = catalog_at(root, at, fallback)
        return catalog
    from itsmcode.lint.cache import LintCache
    from itsmcode.lint.loading import build_catalog, read_tree
    from itsmcode.load.layout import Layout
    from itsmcode.load.yamlio import Limits

    config = load_config(root)
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    tree = read_tree(root, Layout.from_config(config), (), limits)
    cache = LintCache() if use_cache else None
    try:
        return build_catalog(tree, config, limits, cache, 0)
    finally:
        if cache is not None:
            cache.close()


def load_services(root: Path, at: str | None, *, use_cache: bool = True) -> ServiceMap:
    """Tier, owner and dependencies of every service: at ``at`` from the loaded catalog;
    in the work tree from the diff's light read of the services folder only (what
    ``impact`` and ``graph`` need).

    The map is kept in the lint cache (``lint/cache.py``: per code version, checksummed),
    keyed by every service file's path and content: a second run over unchanged files
    reads and hashes them, as a warm ``itsm lint`` does, and parses nothing.
    """
    from itsmcode.reports.graph import ServiceMap

    if at is not None:
        return ServiceMap.from_catalog(load_catalog(root, at))
    from itsmcode.lint.cache import LintCache, file_key, result_key
    from itsmcode.load.config import load_config
    from itsmcode.load.source import read, yaml_files_under

    config = load_config(root)
    limit = config.spec.lint.max_file_size
    # read() refuses what lint refuses (links out of the repository, FIFOs, size).
    sources = [read(root, p, limit) for p in yaml_files_under(root, config.spec.paths.services)]
    parts = [_MAP_KEY]
    for source in sources:
        parts.append(source.path.encode())
        parts.append(file_key(source.data, (limit,)) if source.data is not None else b"-")
    key = result_key(parts)
    cache = LintCache() if use_cache else None
    try:
        found = ServiceMap.from_json(cache.value(key)) if cache else None
        if found is None:
            found = _light_map({s.path: s.data for s in sources})
            if cache is not None:
                cache.put_value(key, found.to_json())
    finally:
        if cache is not None:
            cache.close()
    return found


#: Versions the cached map's shape (the cache file itself is per code version).
_MAP_KEY = b"service-map-v1"


def _light_map(blobs: dict[str, bytes | None]) -> ServiceMap:
    from itsmcode.diff.graph import build
    from itsmcode.load.snapshot import paused_gc
    from itsmcode.reports.graph import ServiceMap

    with paused_gc():
        return ServiceMap.from_graph(build(blobs))
