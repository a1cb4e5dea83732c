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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from itsmcode.diagnostics import LintResult
from itsmcode.lint.cache import LintCache, file_key
from itsmcode.lint.loading import Listing, ReadTree, bounds, load_records
from itsmcode.lint.needs import (
    CYCLES,
    DEPENDENTS,
    DEPENDENTS_ENOUGH,
    DIRECT,
    EVERYTHING,
    LINKS,
    NEIGHBOURS,
    OWNED,
    PARTS,
    REFERENCES,
    SAME_NAME,
    SIBLINGS,
    SMALL_KINDS,
)
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
_ANY: tuple[str, ...] = ()  # FactIndex._referring: files of any kind

#: One file's facts: kind, name (each only if valid, as ``Record.kind``/``name``) and
#: the (kind, name) pairs its valid entity references; a change's requester among them as
#: (LOGIN, lower-cased login), which no file defines (OWNED's inverse looks changes up
#: by it).
Facts = tuple[str | None, str | None, tuple[tuple[str, str], ...]]
LOGIN = "login"


def facts_of(record: Record) -> Facts:
    refs: tuple[tuple[str, str], ...] = ()
    entity = record.entity
    if entity is not None:
        found = [(kind, name) for _, kind, name in entity.references()]
        requester = getattr(getattr(entity, "spec", None), "requester", None)
        if record.kind == "ChangeRequest" and isinstance(requester, str):
            found.append((LOGIN, requester.lower()))
        refs = tuple(dict.fromkeys(found))
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
            if needs is None or not set(needs) <= PARTS:
                parts.add(EVERYTHING)  # undeclared, or a part this version cannot bring
            else:
                parts |= set(needs)
        return cls(frozenset(parts))


class FactIndex:
    """Every file's facts, indexed for the neighbourhood and for the catalog's names."""

    @classmethod
    def of(cls, facts: dict[str, Facts]) -> FactIndex:
        """The index of ``facts``: the one made last in this process when the facts are
        the same (the lint server's consecutive runs on one repository: building it,
        and the indexes it derives on demand, costs more than the rest of a one-file
        answer). Built on a copy, so that the caller's dict may change afterwards."""
        last = _LAST_INDEX.get("index")
        if last is not None and last.facts == facts:
            return last
        index = cls(dict(facts))
        _LAST_INDEX["index"] = index
        return index

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

    def neighbourhood(self, path: str, needs: Needs, teams: Iterable[str] = ()) -> set[str] | None:
        """The files ``path``'s diagnostics can depend on (itself included), or None
        when the rules need the whole repository. ``teams``: the teams listing the file's
        requester as a member (for OWNED; the caller reads them off the loaded teams)."""
        if EVERYTHING in needs.parts:
            return None
        kind, name, refs = self.facts[path]
        parts = needs.parts
        found = {path}
        # Every lookup by name answers from all the files of that name (the catalog
        # picks one of them): each part brings them all.
        if SAME_NAME in parts and kind and name:
            found.update(self.by_name.get((kind, name), ()))
        if REFERENCES in parts:
            found.update(self._referenced(refs))
        if DIRECT in parts:
            found.update(self._files(refs))
        if CYCLES in parts and kind and name:
            found.update(self._files(self._cycle((kind, name))))
        if LINKS in parts and kind and name:
            found.update(self.referrers.get((kind, name), ()))
        if SMALL_KINDS in parts:
            found.update(self.small)
        services = [n for k, n in refs if k == "Service"]
        if DEPENDENTS in parts:
            found.update(self._files(("Service", n) for n in self._dependents(services)))
        if SIBLINGS in parts:
            found.update(self._siblings(services))
        if NEIGHBOURS in parts:
            related = self._related(services)
            found.update(self._files(("Service", n) for n in related))
            found.update(self._referring(related, ("ChangeRequest",)))
        if OWNED in parts:
            for team in teams:
                owned = {self.facts[p][1] for p in self._referring([team], ("Service",), "Team")}
                names = sorted(n for n in owned if n)
                found.update(self._files(("Service", n) for n in names))
                found.update(self._siblings(names))
        return found

    @cached_property
    def small(self) -> list[str]:
        """Every file of a small kind (SMALL_KINDS)."""
        return [p for p, f in sorted(self.facts.items()) if f[0] and f[0] not in LARGE_KINDS]

    def _files(self, refs: Iterable[tuple[str, str]]) -> set[str]:
        """Every file defining one of ``refs`` (all files of a name: which one a lookup
        by name answers depends on them all)."""
        return {p for ref in refs for p in self.by_name.get(ref, ())}

    def _referring(
        self, names: Iterable[str], kinds: tuple[str, ...], of: str = "Service"
    ) -> set[str]:
        """Files of ``kinds`` referencing an entity of kind ``of`` named in ``names``."""
        return {
            p
            for n in names
            for p in self.referrers.get((of, n), ())
            if kinds is _ANY or self.facts[p][0] in kinds
        }

    def _dependents(self, services: Sequence[str]) -> set[str]:
        """DEPENDENTS: a breadth-first walk over the services depending on ``services``,
        in name order, until DEPENDENTS_ENOUGH are found (a prefix of the walk, so each
        found one is reached through found ones), or all when a name is defined twice
        (then which file's dependsOn counts is the catalog's choice: walk them all)."""
        seen = set(services)
        order = sorted(seen)
        bounded = True
        count = 0
        i = 0
        while i < len(order) and (count < DEPENDENTS_ENOUGH or not bounded):
            users = self._users.get(order[i], ())
            i += 1
            for user in users:
                if user not in seen:
                    seen.add(user)
                    order.append(user)
                    count += 1
                    if len(self.by_name.get(("Service", user), ())) > 1:
                        bounded = False
        return seen - set(services)

    @cached_property
    def _users(self) -> dict[str, list[str]]:
        """Service name -> the names of the services whose files reference it, sorted."""
        found: dict[str, set[str]] = {}
        for kind, name, refs in self.facts.values():
            if kind != "Service" or not name:
                continue
            for ref_kind, target in refs:
                if ref_kind == "Service":
                    found.setdefault(target, set()).add(name)
        return {n: sorted(users) for n, users in found.items()}

    def _siblings(self, services: Sequence[str]) -> set[str]:
        """SIBLINGS of a file referencing ``services``."""
        found = self._referring(services, ("ChangeRequest", "Incident"))
        changes = [self.facts[p][1] for p in found if self.facts[p][0] == "ChangeRequest"]
        found |= self._referring([n for n in changes if n], ("Incident",), "ChangeRequest")
        return found

    def _related(self, services: Sequence[str]) -> set[str]:
        """Services one of ``services`` depends on directly, or that depend on one."""
        related: set[str] = set()
        for name in services:
            related.update(self._users.get(name, ()))
            for path in self.by_name.get(("Service", name), ()):
                related.update(n for k, n in self.facts[path][2] if k == "Service")
        return related

    def seen_by(
        self,
        part: str,
        path: str,
        logins: Callable[[str], Iterable[str]] | None = None,
    ) -> set[str] | None:
        """The inverse of ``part``: every file whose neighbourhood through ``part`` can
        hold ``path`` (a superset), or None when that is not known from the facts (a
        small kind, EVERYTHING). ``logins``: the members of a team, for OWNED (None:
        not known)."""
        kind, name, refs = self.facts[path]
        key = (str(kind), str(name))
        if part == EVERYTHING or kind is None or name is None:
            return None
        if part == SAME_NAME:
            return set(self.by_name.get(key, ()))
        if part == DIRECT:
            return set(self.referrers.get(key, ()))
        if part == REFERENCES:
            return self._referring_onwards(key)
        if part == LINKS:
            return self._files(refs)
        if part == CYCLES:
            return self._files(self._cycle(key))
        if part == SMALL_KINDS:
            return None if kind not in LARGE_KINDS else set()
        if part == DEPENDENTS:
            if kind != "Service":
                return set()
            # In the walk of any file referencing a service this one depends on, onwards.
            return self._referring(self._depended_on(name), _ANY)
        if part == SIBLINGS:
            services = [n for k, n in refs if k == "Service"]
            if kind == "Incident":
                for change in self._files((k, n) for k, n in refs if k == "ChangeRequest"):
                    services.extend(n for k, n in self.facts[change][2] if k == "Service")
            elif kind != "ChangeRequest":
                return set()
            return self._referring(services, _ANY)
        if part == NEIGHBOURS:
            if kind == "Service":
                return self._referring(self._related([name]), _ANY)
            if kind == "ChangeRequest":
                services = [n for k, n in refs if k == "Service"]
                return self._referring(self._related(services), _ANY)
            return set()
        if part == OWNED:
            if kind not in ("Service", "ChangeRequest", "Incident"):
                return set()
            if logins is None:
                return None
            # The changes whose requester is in a team whose history holds this file.
            found: set[str] = set()
            for team in self._teams_of_history(path):
                for login in logins(team):
                    found.update(self.referrers.get((LOGIN, login), ()))
            return found
        return None  # a part this version does not know

    def _teams_of_history(self, path: str) -> set[str]:
        """The teams (owner or support, as the facts hold them) of the services whose
        SIBLINGS hold ``path``: a service's own, a change's or incident's services', an
        incident's caused changes' services'."""
        kind, _, refs = self.facts[path]
        services = [n for k, n in refs if k == "Service"]
        if kind == "Service":
            services = [str(self.facts[path][1])]
        if kind == "Incident":
            for change in self._files((k, n) for k, n in refs if k == "ChangeRequest"):
                services.extend(n for k, n in self.facts[change][2] if k == "Service")
        return {
            n
            for p in self._files(("Service", s) for s in services)
            for k, n in self.facts[p][2]
            if k == "Team"
        }

    def _cycle(self, key: tuple[str, str]) -> set[tuple[str, str]]:
        """The entities on a cycle of references through ``key`` (besides it): those it
        reaches that reach it back. A path between two of them runs through such
        entities only, so the two walks (onwards and back) go in step until the shorter
        ends, and the other walks again within what that one found: a service deep in a
        large graph reaches thousands, a platform service is reached by thousands."""
        onwards = _Walk(key, self._targets)
        back = _Walk(key, self._sources)
        while not (onwards.done or back.done):
            onwards.step()
            back.step()
        finished, other = (onwards, back) if onwards.done else (back, onwards)
        within = _Walk(key, other.edges, finished.seen)
        while not within.done:
            within.step()
        return within.seen - {key}

    def _targets(self, key: tuple[str, str]) -> Iterable[tuple[str, str]]:
        return (ref for p in self.by_name.get(key, ()) for ref in self.facts[p][2])

    def _sources(self, key: tuple[str, str]) -> Iterable[tuple[str, str]]:
        for path in self.referrers.get(key, ()):
            kind, name, _ = self.facts[path]
            if kind and name:
                yield (kind, name)

    def _referring_onwards(self, key: tuple[str, str]) -> set[str]:
        """Every file from which ``key`` is reached through references (REFERENCES)."""
        found: set[str] = set()
        frontier = [key]
        seen = {key}
        while frontier:
            for path in self.referrers.get(frontier.pop(), ()):
                if path in found:
                    continue
                found.add(path)
                kind, name, _ = self.facts[path]
                if kind and name and (kind, name) not in seen:
                    seen.add((kind, name))
                    frontier.append((kind, name))
        return found

    def _depended_on(self, name: str) -> set[str]:
        """``name`` and every service it depends on, onwards (any file of each name)."""
        seen = {name}
        stack = [name]
        while stack:
            for path in self.by_name.get(("Service", stack.pop()), ()):
                for kind, target in self.facts[path][2]:
                    if kind == "Service" and target not in seen:
                        seen.add(target)
                        stack.append(target)
        return seen

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


class _Walk:
    """A walk over entities from ``start`` along ``edges``, one entity a step, within
    ``inside`` if given."""

    def __init__(
        self,
        start: tuple[str, str],
        edges: Callable[[tuple[str, str]], Iterable[tuple[str, str]]],
        inside: set[tuple[str, str]] | None = None,
    ) -> None:
        self.edges = edges
        self.inside = inside
        self.seen = {start}
        self.stack = [start]

    @property
    def done(self) -> bool:
        return not self.stack

    def step(self) -> None:
        for nxt in self.edges(self.stack.pop()):
            if nxt not in self.seen and (self.inside is None or nxt in self.inside):
                self.seen.add(nxt)
                self.stack.append(nxt)


_LAST_INDEX: dict[str, FactIndex] = {}


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
        try:
            known = signatures[path]
            info = lstat(prefix + path)
            if (
                info.st_mtime_ns != known[1]
                or info.st_ctime_ns != known[3]
                or info.st_size != known[0]
                or info.st_ino != known[2]
                or not regular(info.st_mode)
            ):
                return None  # changed since its facts were recorded, or racy (no stat kept)
            found = facts_from_cache(known[5])
        except (KeyError, OSError, TypeError, IndexError):
            return None  # new, gone, or without facts recorded
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
    max_files: int | None = None,
) -> LintResult | None:
    """The named files' diagnostics from their neighbourhood, or None when this run
    cannot be answered so (then the caller loads everything): a path is unusual
    (``unsafe-path``), a named file in the kinds' folders was not listed, an enabled
    rule needs the whole repository for a named file, or the neighbourhoods hold more
    than ``max_files`` files. ``others``: the facts of every other listed file, unchanged
    since they were recorded (``facts_by_stat``)."""
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
    index = FactIndex.of(facts)
    needs = {p: Needs.of(facts[p][0], RULES.values(), severities) for p in own}
    if any(EVERYTHING in n.parts for n in needs.values()):
        return None
    loaded = dict(own)
    if any(OWNED in n.parts for n in needs.values()):
        # OWNED follows the requester into the teams listing it: read them first.
        small = _read(root, [p for p in index.small if p not in loaded], limits)
        loaded.update((r.path, r) for r in load_records(small, limits, cache, 1))
    wanted: set[str] = set()
    for path, record in own.items():
        teams = _teams_of(record, loaded.values()) if OWNED in needs[path].parts else ()
        hood = index.neighbourhood(path, needs[path], teams)
        if hood is None:
            return None
        wanted |= hood
    if max_files is not None and len(wanted) > max_files:
        return None
    rest = _read(root, sorted(wanted - set(loaded)), limits)
    loaded.update((r.path, r) for r in load_records(rest, limits, cache, 1))
    records = sorted((r for p, r in loaded.items() if p in wanted or p in own), key=_path)
    catalog = scoped_catalog(records, config, index)
    return lint_catalog(catalog, named, options)


def team_logins(
    root: Path, index: FactIndex, limits: Limits, cache: LintCache
) -> Callable[[str], set[str]]:
    """A team's member logins, lower-cased (every file of its name, read on first ask),
    as ``catalog.member_logins`` reads them: for ``FactIndex.seen_by``'s OWNED."""
    from itsmcode.models import Team

    known: dict[str, set[str]] = {}

    def logins(team: str) -> set[str]:
        if team not in known:
            paths = sorted(index.by_name.get(("Team", team), ()))
            records = load_records(_read(root, paths, limits), limits, cache, 1)
            known[team] = {
                login for r in records if isinstance(r.entity, Team) for login in r.entity.logins()
            }
        return known[team]

    return logins


def _path(record: Record) -> str:
    return record.path


def _teams_of(record: Record, loaded: Iterable[Record]) -> list[str]:
    """The teams listing ``record``'s requester (a change's), as ``catalog.member_logins``."""
    from itsmcode.models import ChangeRequest, Team

    if not isinstance(record.entity, ChangeRequest):
        return []
    login = record.entity.spec.requester.lower()
    return sorted(
        {r.entity.name for r in loaded if isinstance(r.entity, Team) and login in r.entity.logins()}
    )


def _read(root: Path, paths: list[str], limits: Limits) -> ReadTree:
    sources = [read(root, path, limits.max_file_size) for path in paths]
    keys = {s.path: file_key(s.data, bounds(limits)) for s in sources if s.data is not None}
    return ReadTree(sources, keys)
