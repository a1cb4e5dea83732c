"""``itsm lint``'s entry: answer from the cache when nothing changed, else load and lint.

This module imports nothing heavy at the top: an unchanged repository is answered by
reading the files, hashing them and one cache look-up, without importing pydantic or
the models (``itsm.yaml``'s layout and limits are cached by its bytes, too).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from itsmcode.diagnostics import LintResult
from itsmcode.lint.cache import LintCache, code_fingerprint, result_key
from itsmcode.lint.loading import (
    Listing,
    ReadTree,
    outside_fingerprint,
    quick_fingerprint,
    read_tree,
    stat_signatures,
    tree_fingerprint,
)
from itsmcode.lint.options import LintOptions, named_files
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.yamlio import Limits

if TYPE_CHECKING:
    from itsmcode.load.catalog import Catalog


@dataclass(frozen=True)
class _ConfigFacts:
    """What reading the files needs from itsm.yaml, cached by its bytes."""

    folders: dict[str, str]
    limits: Limits
    timezone: str

    def to_json(self) -> dict[str, Any]:
        limits = self.limits
        return {
            "folders": self.folders,
            "limits": [limits.max_file_size, limits.max_depth, limits.max_nodes],
            "timezone": self.timezone,
        }

    @classmethod
    def from_json(cls, value: Any) -> _ConfigFacts | None:
        try:
            size, depth, nodes = (int(v) for v in value["limits"])
            folders = {str(k): str(v) for k, v in value["folders"].items()}
            return cls(folders, Limits(size, depth, nodes), str(value["timezone"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def lint_repository(root: Path, options: LintOptions) -> LintResult:
    cache = LintCache() if options.cache else None
    try:
        return _lint(root, options, cache)
    finally:
        if cache is not None:
            cache.close()


def _lint(root: Path, options: LintOptions, cache: LintCache | None) -> LintResult:
    named = named_files(root, options.paths)
    config_bytes = _config_bytes(root)
    facts_key = result_key([b"config", code_fingerprint().encode(), config_bytes or b""])
    tree: ReadTree | None = None
    listing: Listing | None = None
    run: bytes | None = None
    started = time.time()
    stats_key = result_key([b"stats", code_fingerprint().encode(), str(root.resolve()).encode()])
    if cache is not None and config_bytes is not None:
        facts = _ConfigFacts.from_json(cache.value(facts_key))
        if facts is not None:
            layout = Layout(facts.folders)
            stats = cache.value(stats_key)
            signatures = stats.get("files") if isinstance(stats, dict) else None
            listing = (
                Listing.of(root, layout, stats.get("clean"))
                if isinstance(signatures, dict) and isinstance(stats, dict)
                else None
            )
            quick = (
                quick_fingerprint(
                    root, listing, layout, named, facts.limits, signatures, full=not options.paths
                )
                if isinstance(signatures, dict) and listing is not None
                else None
            )
            if quick is not None:
                hit = cache.result(_run_key(config_bytes, quick, named, options, facts.timezone))
                if hit is not None:
                    return LintResult(*hit)
            if not options.paths and isinstance(stats, dict) and listing is not None:
                # Edits that changed no file's values: the last full run, patched.
                from itsmcode.lint.incremental import relint_edited

                zone = facts.timezone
                edited = relint_edited(
                    root,
                    listing,
                    layout,
                    facts.limits,
                    stats,
                    outside_fingerprint(root, layout, facts.limits),
                    lambda fp: _run_key(config_bytes, fp, named, options, zone),
                    options,
                    cache,
                    started,
                )
                if edited is not None:
                    run = _run_key(config_bytes, edited.fingerprint, named, options, zone)
                    cache.put_result(run, edited.result.diagnostics, edited.result.files)
                    cache.put_value(stats_key, edited.stats)
                    return edited.result
            if options.paths and isinstance(signatures, dict) and listing is not None:
                # The pre-commit hook: the named files judged from what they depend on.
                from itsmcode.lint.scope import facts_by_stat, lint_in_scope

                others = facts_by_stat(root, listing, named, signatures)
                scoped = (
                    lint_in_scope(
                        root, listing, layout, named, facts.limits, others, options, cache
                    )
                    if others is not None
                    else None
                )
                if scoped is not None:
                    return scoped
            tree = read_tree(root, layout, named, facts.limits, full=not options.paths)
            run = _run_key(config_bytes, tree_fingerprint(tree), named, options, facts.timezone)
            hit = cache.result(run)
            if hit is not None:
                known = signatures if isinstance(signatures, dict) else {}
                cache.put_value(
                    stats_key,
                    stat_signatures(root, tree, started, _facts(tree, known), named, listing),
                )
                return LintResult(*hit)
    # A miss: the models, the rules and the configuration are needed now.
    from itsmcode.lint.engine import lint_catalog, outside_records
    from itsmcode.lint.loading import build_catalog
    from itsmcode.load.config import load_config

    config = load_config(root)
    layout = Layout.from_config(config)
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    facts = _ConfigFacts(layout.folders, limits, config.spec.timezone)
    if cache is None:  # no cache key to take: the parse workers read the files
        from itsmcode.lint.loading import build_catalog_unread
        from itsmcode.load.source import outside_files

        catalog = build_catalog_unread(root, layout, named, config, limits, options.workers)
        outside = outside_files(root, layout, limits.max_file_size) if not options.paths else []
        return lint_catalog(catalog, named, options, outside_records(config, outside))
    if tree is None:
        tree = read_tree(root, layout, named, limits, full=not options.paths)
    catalog = build_catalog(tree, config, limits, cache, options.workers)
    result = lint_catalog(catalog, named, options, outside_records(config, tree.outside))
    if config_bytes is not None:
        cache.put_value(facts_key, facts.to_json())
        fingerprint = tree_fingerprint(tree)
        run = run or _run_key(config_bytes, fingerprint, named, options, facts.timezone)
        cache.put_result(run, result.diagnostics, result.files)
        if listing is None and options.paths:
            # The hook's first run: its listing judged now, so later ones need not.
            listing = Listing.of(root, layout)
        signed = stat_signatures(root, tree, started, _catalog_facts(catalog), named, listing)
        cache.put_value(stats_key, signed)
    return result


def _facts(tree: ReadTree, known: dict[str, Any]) -> dict[str, Any]:
    """The facts (``lint.scope``) an earlier run recorded for files whose content is
    unchanged: a cache hit loads nothing, so it carries them over."""
    found: dict[str, Any] = {}
    for path, key in tree.keys.items():
        entry = known.get(path)
        if isinstance(entry, list) and len(entry) >= 6 and entry[4] == key.hex():
            found[path] = entry[5]
    return found


def _catalog_facts(catalog: Catalog) -> dict[str, Any]:
    from itsmcode.lint.scope import facts_of

    return {record.path: facts_of(record) for record in catalog.records}


def _config_bytes(root: Path) -> bytes | None:
    try:
        return (root / CONFIG_FILE).read_bytes()
    except OSError:
        return None  # load_config reports it, located, on the slow path


def _run_key(
    config: bytes, files: list[list[str]], named: list[str], options: LintOptions, zone: str
) -> bytes:
    """Everything a lint result depends on. Rules read the clock as a date in the
    repository's zone only (``rules.USES_NOW``), so the date is part of the key."""
    now = options.now or datetime.now(timezone.utc)
    try:
        today = now.astimezone(ZoneInfo(zone)).date().isoformat()
    except (KeyError, ValueError):
        today = now.isoformat()
    scored = options.risk is not None  # risk-understated runs only then
    head = [code_fingerprint(), today, sorted(options.paths), named, files, scored]
    return result_key([json.dumps(head).encode("utf-8"), config])
