"""Loading the work tree for lint: through the cache, parsing what it lacks in parallel.

Content decides, never modification times alone: every file a run needs is read and
hashed, except on the unchanged path, where a file whose size, mtime, ctime and inode
are those recorded when an earlier run read it (and which was older than that run by
more than a clock tick) counts as the content it had then. What the cache lacks is
parsed on every core; every parsed file's values go back into the cache.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itsmcode.lint.cache import LintCache, file_key
from itsmcode.load.layout import Layout
from itsmcode.load.pathsafety import UNSAFE_PATH, Places, path_problems
from itsmcode.load.source import SourceFile, discover, listed_files, outside_files, read_files
from itsmcode.load.yamlio import Limits, decode

if TYPE_CHECKING:  # imported where used: reading and hashing must stay light (lint.run)
    from itsmcode.load.catalog import Catalog, Record
    from itsmcode.models import Config


@dataclass(frozen=True)
class ReadTree:
    """Every file's bytes and cache key, before anything is parsed."""

    sources: list[SourceFile]
    keys: dict[str, bytes]  # path → file key, for the files that could be read
    #: A full run's YAML files outside the kinds' folders that mention itsmcode/
    #: (unknown-location): not part of the catalog, but of what the result depends on.
    outside: list[SourceFile] = field(default_factory=list)


def read_tree(
    root: Path, layout: Layout, extra_paths: Iterable[str], limits: Limits, *, full: bool = False
) -> ReadTree:
    sources = read_files(root, layout, extra_paths, limits.max_file_size)
    outside = outside_files(root, layout, limits.max_file_size) if full else []
    keys = {
        s.path: file_key(s.data, bounds(limits)) for s in (*sources, *outside) if s.data is not None
    }
    return ReadTree(sources, keys, outside)


def tree_fingerprint(tree: ReadTree) -> list[list[str]]:
    """What the files are, for a run's cache key: each path with its content key, or
    the problem that kept it from being read."""
    return [
        [s.path, tree.keys[s.path].hex() if s.path in tree.keys else f"problem:{s.problem}"]
        for s in (*tree.sources, *tree.outside)
    ]


#: A file whose modification time is this close to a run may still change within the
#: same clock tick unseen (git's "racy" files): its stat is not remembered.
RACY_SECONDS = 2.0


def stat_signatures(
    root: Path,
    tree: ReadTree,
    started: float,
    facts: dict[str, Any],
    named: list[str],
    listing: Listing | None = None,
) -> dict[str, Any]:
    """For the next run's quick check: ``files``, path -> [size, mtime_ns, inode,
    ctime_ns, key, facts] of every regular file read (``facts``: path -> the file's
    facts, ``lint.scope``, or None where unknown), and ``clean``, the digest of the
    kinds' folders' listing when no path in it is unusual (``Listing``; ``listing``:
    the one this run took, when it took one), or None.

    Only the stat of files whose mtime and ctime lie before this run started (less a
    clock tick) is recorded: such a file did not change while it was read, so the stat taken now
    belongs to the content hashed. A later change moves its ctime (which no tool can
    set back), so the next run reads it again. A racy file is listed without a stat
    (it matches no file), for the facts of its content."""
    found: dict[str, list[Any]] = {}
    horizon = (started - RACY_SECONDS) * 1e9
    for source in tree.sources:
        key = tree.keys.get(source.path)
        if key is None:
            continue
        signature = file_signature(root / source.path)
        trusted = signature is not None and signature[1] < horizon and signature[3] < horizon
        # A racy file is listed without a stat (a later run reads it), for its facts.
        stat_part: list[Any] = list(signature) if trusted and signature else [None] * 4
        found[source.path] = [*stat_part, key.hex(), facts.get(source.path)]
    if listing is not None:
        # Judged this run: kept even when files were named (the pre-commit hook), so
        # that the next scoped run does not judge every path again.
        return {"files": found, "clean": None if listing.unusual else _digest(listing.found)}
    unusual = any(s.problem is not None and s.problem.rule == UNSAFE_PATH for s in tree.sources)
    listed = [s.path for s in tree.sources if s.path not in named]
    return {"files": found, "clean": None if unusual or named else _digest(listed)}


def _digest(paths: list[str]) -> str:
    return hashlib.blake2b("\0".join(paths).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Listing:
    """The paths of the kinds' folders (``source.discover``) and whether any is unusual
    (``pathsafety``): taken once per run, for the quick check and for a scoped run."""

    found: list[str]
    unusual: bool

    @classmethod
    def of(cls, root: Path, layout: Layout, clean: object = None) -> Listing:
        """``clean``: the digest of a listing an earlier run found no unusual path in
        (``stat_signatures``); the same listing needs no second look."""
        found = discover(root, layout)
        if clean is not None and clean == _digest(found):
            return cls(found, False)
        return cls(found, bool(path_problems(found, Places.of([layout]))))


def quick_fingerprint(
    root: Path,
    listing: Listing,
    layout: Layout,
    extra_paths: Iterable[str],
    limits: Limits,
    signatures: dict[str, list[Any]],
    *,
    full: bool,
) -> list[list[str]] | None:
    """``tree_fingerprint`` without reading the files whose stat is unchanged since a
    run that read them; None when a file must be read after all (the caller then reads
    the whole tree, as a miss needs it)."""
    extra = set(extra_paths).difference(listing.found)
    paths = sorted(extra.union(listing.found)) if extra else listing.found
    if listing.unusual or (extra and path_problems(paths, Places.of([layout]))):
        return None  # unusual trees take the full path, which reports them
    fingerprint: list[list[str]] = []
    base = str(root)
    for path in paths:
        known = signatures.get(path)
        signature = file_signature(os.path.join(base, path))
        if known is None or signature is None or known[:4] != signature or len(known) < 5:
            return None
        fingerprint.append([path, str(known[4])])
    return fingerprint + (outside_fingerprint(root, layout, limits) if full else [])


def outside_fingerprint(root: Path, layout: Layout, limits: Limits) -> list[list[str]]:
    """``tree_fingerprint``'s part for a full run's files outside the kinds' folders."""
    return [
        [
            s.path,
            f"problem:{s.problem}" if s.data is None else file_key(s.data, bounds(limits)).hex(),
        ]
        for s in outside_files(root, layout, limits.max_file_size)
    ]


def file_signature(path: str | Path) -> list[int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns]


def bounds(limits: Limits) -> tuple[int, int, int]:
    return (limits.max_file_size, limits.max_depth, limits.max_nodes)


def build_catalog(
    tree: ReadTree, config: Config, limits: Limits, cache: LintCache | None, workers: int
) -> Catalog:
    from itsmcode.load.catalog import Catalog

    return Catalog(load_records(tree, limits, cache, workers), config)


def load_records(
    tree: ReadTree, limits: Limits, cache: LintCache | None, workers: int
) -> list[Record]:
    from itsmcode.load.parallel import parse_all
    from itsmcode.load.snapshot import paused_gc

    known: dict[bytes, Any] = cache.files(tree.keys.values()) if cache else {}
    missing = [
        (s.path, s.data)
        for s in tree.sources
        if s.data is not None and tree.keys[s.path] not in known
    ]
    fresh: dict[bytes, Any] = {}
    with paused_gc():
        # Outcomes arrive in the order of ``missing`` (the sources' order) as each chunk
        # is parsed: records are built from one chunk while the workers parse the next.
        parsed = parse_all(missing, limits, workers)
        records = [_record(s, tree.keys, known, parsed, fresh, limits) for s in tree.sources]
        if next(parsed, None) is not None:  # pragma: no cover - one outcome per file
            raise AssertionError("more parse outcomes than files")
    if cache is not None:
        cache.put_files(fresh)
    return records


def _record(
    source: SourceFile,
    keys: dict[str, bytes],
    known: dict[bytes, Any],
    parsed: Iterator[tuple[Any, ...]],
    fresh: dict[bytes, Any],
    limits: Limits,
) -> Record:
    """``source``'s record: from the cache's values, else from the next outcome of
    ``parsed`` (whose values are added to ``fresh``, for the cache)."""
    from itsmcode.load.snapshot import load_record, record_from_values

    if source.data is None:
        return load_record(source.path, None, source.problem, limits)
    key = keys[source.path]
    if key in known:
        return record_from_values(source.path, decode(source.data), known[key])
    outcome = next(parsed)
    if outcome[0] == "ok":
        fresh[key] = outcome[2]
    return _outcome_record(source.path, outcome)


def build_catalog_unread(
    root: Path,
    layout: Layout,
    extra_paths: Iterable[str],
    config: Config,
    limits: Limits,
    workers: int,
) -> Catalog:
    """``build_catalog`` for a run without the cache (``--no-cache``): nothing in this
    process needs a file's bytes (no cache key is taken), so the parse workers read the
    files they parse, and this process only lists them and builds the records."""
    from itsmcode.load.catalog import Catalog
    from itsmcode.load.parallel import read_and_parse_all
    from itsmcode.load.snapshot import load_record, paused_gc

    listed = listed_files(root, layout, extra_paths)
    readable = [path for path, problem in listed if problem is None]
    with paused_gc():
        parsed = read_and_parse_all(str(root), readable, limits, workers)
        records = [
            _outcome_record(path, next(parsed))
            if problem is None
            else load_record(path, None, problem, limits)
            for path, problem in listed
        ]
        if next(parsed, None) is not None:  # pragma: no cover - one outcome per file
            raise AssertionError("more parse outcomes than files")
    return Catalog(records, config)


def _outcome_record(path: str, outcome: tuple[Any, ...]) -> Record:
    """A parse outcome (``load.parallel``) as a record: validated values, or the
    located problem that kept the file from being read or parsed."""
    from itsmcode.diagnostics import Diagnostic, Location
    from itsmcode.load.catalog import Record
    from itsmcode.load.snapshot import record_from_values

    if outcome[0] == "ok":
        return record_from_values(path, outcome[1], outcome[2])
    _, rule, message, line, column = outcome
    record = Record(path)
    record.problems.append(Diagnostic(Location(path, line, column), rule, message))
    return record
