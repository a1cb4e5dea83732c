"""Scoped lint: judging a few files from the facts of the rest of the repository.

``itsm lint FILE`` (the pre-commit hook) reports FILE's diagnostics only. Each rule
declares what of the repository it reads to judge one file (``NEEDS`` in its module,
the parts below, and ``KINDS``, the kinds of file it reports on); the rest of the
repository is known by its *facts*, one small tuple per file recorded by the last run
that loaded it: kind, name and the (kind, name) of every entity it references. From
those facts this module picks the files the named files' diagnostics can depend on (the
*neighbourhood*); only they are read and validated, and the catalog they form answers
``names`` and ``unloaded`` for the whole repository from the facts, so did-you-mean
suggestions and broken-file explanations equal a full run's.

A rule that declares no ``NEEDS`` (any rule written before this existed) reads the whole
catalog: a run that needs it falls back to loading everything, slower but never wrong.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from itsmcode.diagnostics import LintResult
from itsmcode.lint.cache import LintCache, file_key
from itsmcode.lint.loading import Listing, ReadTree, bounds, load_records
from itsmcode.lint.needs import EVERYTHING, LINKS, REFERENCES, SAME_NAME, SMALL_KINDS
from itsmcode.lint.options import LintOptions
from itsmcode.load.layout import Layout
from itsmcode.load.pathsafety import Places, path_problems
from itsmcode.load.source import read
from itsmcode.load.yamlio import Limits

if TYPE_CHECKING:
    from itsmcode.diagnostics import Severity
    from itsmcode.lint.rules.base import RuleModule
    from itsmcode.load.catalog import Catalog, Record
    from itsmcode.models import Config

#: Kinds whose files are many in a large repository; every other kind (teams, SLAs,
#: calendars, the policy, standard changes, scorecards, itsm.yaml) is few, and a rule
#: that needs SMALL_KINDS gets all of their files.
LARGE_KINDS = frozenset({"Service", "ChangeRequest", "Incident", "Problem"})

#: One file's facts: kind, name (each only if valid, as ``Record.kind``/``name``) and
#: the (kind, name) pairs its valid entity references.
Facts = tuple[str | None, str | None, tuple[tuple[str, str], ...]]


def facts_of(record: Record) -> Facts:
    refs: tuple[tuple[str, str], ...] = ()
    if record.entity is not None:
        refs = tuple(dict.fromkeys((kind, name) for _, kind, name in record.entity.references()))
    return (record.kind, record.name, refs)


def facts_from_cache(value: Any) -> Facts | None:
    """Facts as ``facts_of`` made them and the cache kept them (entries are checksummed
    and written by this version only: a shape check suffices); None otherwise."""
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], tuple):
        return value
    return None


@dataclass(frozen=True)
class Needs:
    """What the enabled rules read to judge files of one kind."""

    parts: frozenset[str]

    @classmethod
    def of(
        cls, kind: str | None, rules: Iterable[RuleModule], severities: dict[str, Severity | None]
    ) -> Needs:
        parts: set[str] = set()
        for rule in rules:
            if severities.get(rule.ID) is None:
                continue
            kinds = getattr(rule, "KINDS", None)
            if kinds is not None and kind not in kinds:
                continue
            needs = getattr(rule, "NEEDS", None)
            parts |= {EVERYTHING} if needs is None else set(needs)
        return cls(frozenset(parts))


class FactIndex:
    """Every file's facts, indexed for the neighbourhood and for the catalog's names."""

    def __init__(self, facts: dict[str, Facts]) -> None:
        self.facts = facts
        self.by_name: dict[tuple[str, str], list[str]] = {}
        self._names: dict[str, set[str]] = {}
        self._nameless: list[str] = []  # files that did not load far enough to name themselves
        for path in sorted(facts):
            kind, name, _ = facts[path]
            if kind and name:
                self.by_name.setdefault((kind, name), []).append(path)
                self._names.setdefault(kind, set()).add(name)
            else:
                self._nameless.append(path)

    @cached_property
    def referrers(self) -> dict[tuple[str, str], list[str]]:
        found: dict[tuple[str, str], list[str]] = {}
        for path in sorted(self.facts):
            for ref in self.facts[path][2]:
                found.setdefault(ref, []).append(path)
        return found

    def names(self, kind: str) -> set[str]:
        return set(self._names.get(kind, ()))

    def unloaded(self, kind: str, layout: Layout) -> dict[str, str]:
        """``Catalog.unloaded`` over every file's facts."""
        found: dict[str, str] = {}
        for path in self._nameless:
            if (self.facts[path][0] or layout.kind_for_path(path)) == kind:
                found.setdefault(PurePosixPath(path).stem, path)
        return found

    def neighbourhood(self, path: str, needs: Needs) -> set[str] | None:
        """The files ``path``'s diagnostics can depend on (itself included), or None
        when the rules need the whole repository."""
        if EVERYTHING in needs.parts:
            return None
        kind, name, refs = self.facts[path]
        found = {path}
        if SAME_NAME in needs.parts and kind and name:
            found.update(self.by_name.get((kind, name), ()))
        if REFERENCES in needs.parts:
            found.update(self._referenced(refs))
        if LINKS in needs.parts and kind and name:
            found.update(self.referrers.get((kind, name), ()))
        if SMALL_KINDS in needs.parts:
            found.update(p for p, f in self.facts.items() if f[0] and f[0] not in LARGE_KINDS)
        return found

    def _referenced(self, refs: Sequence[tuple[str, str]]) -> set[str]:
        """Every file defining what ``refs`` name, and what those reference, onwards."""
        found: set[str] = set()
        frontier = list(refs)
        seen: set[tuple[str, str]] = set()
        while frontier:
            target = frontier.pop()
            if target in seen:
                continue
            seen.add(target)
            for path in self.by_name.get(target, ()):
                if path not in found:
                    found.add(path)
                    frontier.extend(self.facts[path][2])
        return found


def scoped_catalog(records: Iterable[Record], config: Config, index: FactIndex) -> Catalog:
    """A catalog of some records that answers name look-ups for the whole repository."""
    from itsmcode.load.catalog import Catalog

    class _Scoped(Catalog):
        def names(self, kind: str) -> set[str]:
            return index.names(kind)

        def unloaded(self, kind: str, layout: Layout) -> dict[str, str]:
            return index.unloaded(kind, layout)

    return _Scoped(records, config)


def facts_by_stat(
    root: Path, listing: Listing, named: list[str], signatures: dict[str, list[Any]]
) -> dict[str, Facts] | None:
    """The recorded facts of every listed file but the named ones, or None when one of
    them changed (its stat differs from the one recorded with its facts) or has none."""
    # The pre-commit hook's one walk over every file, ``file_signature`` inlined: it is
    # most of what a scoped run costs besides imports.
    facts: dict[str, Facts] = {}
    prefix = os.path.join(str(root), "")
    skip = set(named)
    lstat, regular = os.lstat, stat.S_ISREG
    for path in listing.found:
        if path in skip:
            continue
        known = signatures.get(path)
        if known is None or len(known) < 6:
            return None
        try:
            info = lstat(prefix + path)
        except OSError:
            return None
        if (
            not regular(info.st_mode)
            or info.st_size != known[0]
            or info.st_mtime_ns != known[1]
            or info.st_ino != known[2]
            or info.st_ctime_ns != known[3]
        ):
            return None  # changed since its facts were recorded, or racy (no stat kept)
        found = facts_from_cache(known[5])
        if found is None:
            return None
        facts[path] = found
    return facts


def lint_in_scope(
    root: Path,
    listing: Listing,
    layout: Layout,
    named: list[str],
    limits: Limits,
    others: dict[str, Facts],
    options: LintOptions,
    cache: LintCache,
) -> LintResult | None:
    """The named files' diagnostics from their neighbourhood, or None when this run
    cannot be answered so (then the caller loads everything): a path is unusual
    (``unsafe-path``), a named file in the kinds' folders was not listed, or an enabled
    rule needs the whole repository for a named file. ``others``: the facts of every other listed
    file, unchanged since they were recorded (``facts_by_stat``)."""
    listed = set(listing.found)
    # Files outside the kinds' folders (the hook names every changed YAML file, workflows
    # included) are loaded as a full run loads them; the engine keeps the ITSM entities.
    foreign = {p for p in named if p not in listed and layout.kind_for_path(p) is None}
    if not named or listing.unusual or any(p not in listed for p in set(named) - foreign):
        return None
    if foreign and path_problems(sorted(listed | foreign), Places.of([layout])):
        return None
    facts = dict(others)
    # Only now the models: every other file is known by its facts.
    from itsmcode.lint.engine import configured_severities, lint_catalog
    from itsmcode.lint.rules import RULES
    from itsmcode.load.config import load_config

    config = load_config(root)
    severities = configured_severities(config)
    mine = _read(root, sorted(set(named)), limits)
    own = {r.path: r for r in load_records(mine, limits, cache, 1)}
    for path, record in own.items():
        facts[path] = facts_of(record)
    index = FactIndex(facts)
    wanted: set[str] = set()
    for path in own:
        hood = index.neighbourhood(path, Needs.of(facts[path][0], RULES.values(), severities))
        if hood is None:
            return None
        wanted |= hood
    rest = _read(root, sorted(wanted - set(own)), limits)
    records = [*own.values(), *load_records(rest, limits, cache, 1)]
    records.sort(key=lambda r: r.path)
    catalog = scoped_catalog(records, config, index)
    return lint_catalog(catalog, named, options)


def _read(root: Path, paths: list[str], limits: Limits) -> ReadTree:
    sources = [read(root, path, limits.max_file_size) for path in paths]
    keys = {s.path: file_key(s.data, bounds(limits)) for s in sources if s.data is not None}
    return ReadTree(sources, keys)
