"""Loading the work tree for lint: through the cache, parsing what it lacks in parallel.

Every file is read (and hashed) on every run: that is cheap, and it is what makes the
cache trustworthy (content, not mtime, decides). What the cache lacks is parsed on
every core; every parsed file's values go back into the cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itsmcode.lint.cache import LintCache, file_key
from itsmcode.load.layout import Layout
from itsmcode.load.source import SourceFile, read_files
from itsmcode.load.yamlio import Limits, decode

if TYPE_CHECKING:  # imported where used: reading and hashing must stay light (lint.run)
    from itsmcode.load.catalog import Catalog, Record
    from itsmcode.models import Config


@dataclass(frozen=True)
class ReadTree:
    """Every file's bytes and cache key, before anything is parsed."""

    sources: list[SourceFile]
    keys: dict[str, bytes]  # path → file key, for the files that could be read


def read_tree(root: Path, layout: Layout, extra_paths: Iterable[str], limits: Limits) -> ReadTree:
    sources = read_files(root, layout, extra_paths, limits.max_file_size)
    bounds = (limits.max_file_size, limits.max_depth, limits.max_nodes)
    keys = {s.path: file_key(s.data, bounds) for s in sources if s.data is not None}
    return ReadTree(sources, keys)


def build_catalog(
    tree: ReadTree, config: Config, limits: Limits, cache: LintCache | None, workers: int
) -> Catalog:
    from itsmcode.load.catalog import Catalog
    from itsmcode.load.parallel import parse_all
    from itsmcode.load.snapshot import paused_gc

    known: dict[bytes, Any] = cache.files(tree.keys.values()) if cache else {}
    missing = [
        (s.path, s.data)
        for s in tree.sources
        if s.data is not None and tree.keys[s.path] not in known
    ]
    with paused_gc():
        outcomes = dict(
            zip([p for p, _ in missing], parse_all(missing, limits, workers), strict=True)
        )
        records = [_record(s, tree.keys, known, outcomes, limits) for s in tree.sources]
    if cache is not None:
        cache.put_files({tree.keys[path]: o[2] for path, o in outcomes.items() if o[0] == "ok"})
    return Catalog(records, config)


def _record(
    source: SourceFile,
    keys: dict[str, bytes],
    known: dict[bytes, Any],
    outcomes: dict[str, tuple[Any, ...]],
    limits: Limits,
) -> Record:
    from itsmcode.diagnostics import Diagnostic, Location
    from itsmcode.load.catalog import Record
    from itsmcode.load.snapshot import load_record, record_from_values

    if source.data is None:
        return load_record(source.path, None, source.problem, limits)
    key = keys[source.path]
    if key in known:
        return record_from_values(source.path, decode(source.data), known[key])
    outcome = outcomes[source.path]
    if outcome[0] == "ok":
        return record_from_values(source.path, outcome[1], outcome[2])
    _, rule, message, line, column = outcome
    record = Record(source.path)
    record.problems.append(Diagnostic(Location(source.path, line, column), rule, message))
    return record
