"""A catalog snapshot: every loaded file, indexed by kind and name, with the graph."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from itsmcode.diagnostics import Diagnostic, Location, Severity
from itsmcode.load.pathsafety import fold_path
from itsmcode.load.yamlio import YamlDocument
from itsmcode.models import (
    MODELS,
    SLA,
    ApprovalPolicy,
    Calendar,
    ChangeRequest,
    Config,
    Entity,
    Service,
    StandardChange,
    Team,
)
from itsmcode.models.types import NAME_PATTERN

if TYPE_CHECKING:
    from itsmcode.load.layout import Layout

E = TypeVar("E", bound=Entity)
_NAME = re.compile(NAME_PATTERN)


@dataclass
class Record:
    """One file of the repository as loaded: document, entity, and what was wrong."""

    path: str
    document: YamlDocument | None = None
    entity: Entity | None = None
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        if self.entity is not None:
            return self.entity.kind
        # A file that failed validation still names its kind and name, so references
        # to it resolve; but only values that are themselves valid (the schema error
        # reports the others), so no rule repeats a typo'd kind or a megabyte name.
        kind = self.document.data.get("kind") if self.document else None
        return kind if isinstance(kind, str) and kind in MODELS else None

    @property
    def name(self) -> str | None:
        if self.entity is not None:
            return self.entity.name
        meta = self.document.data.get("metadata") if self.document else None
        name = meta.get("name") if isinstance(meta, dict) else None
        return name if isinstance(name, str) and _NAME.match(name) else None

    def location(self, loc: Sequence[str | int] = (), *, key: bool = False) -> Location:
        """Where ``loc`` (a path of mapping keys and list indexes) is in this file."""
        if self.document is None:
            return Location(self.path)
        line, column = self.document.locate(loc, key=key)
        return Location(self.path, line, column)

    def diagnostic(
        self, rule: str, loc: Sequence[str | int], message: str, *, key: bool = False
    ) -> Diagnostic:
        """A diagnostic at ``loc``; the lint engine sets the configured severity."""
        return Diagnostic(self.location(loc, key=key), rule, message, Severity.ERROR)


class Catalog:
    """All records of one snapshot. Lookups see valid entities; names see every file.

    The records are indexed when first looked up: change none of them afterwards.
    """

    def __init__(self, records: Iterable[Record], config: Config) -> None:
        self.records = list(records)
        self.config = config
        self._by_kind: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
        # Valid records per model class, in path order, filled on first use: rules walk
        # the same few kinds again and again, over every record of the repository.
        self._valid: dict[type[Entity], list[Record]] = {}
        self._by_class: dict[type[Entity], list[Record]] | None = None
        self._folded: dict[str, list[str]] | None = None
        # Files that do not name themselves: few, and unloaded() is asked per kind.
        self._nameless: list[Record] = []
        for record in self.records:
            kind, name = record.kind, record.name
            if kind and name:
                self._by_kind[kind][name].append(record)
            else:
                self._nameless.append(record)

    def names(self, kind: str) -> set[str]:
        """Names of every file of a kind, valid or not (references to them resolve)."""
        return set(self._by_kind.get(kind, {}))

    def unloaded(self, kind: str, layout: Layout) -> dict[str, str]:
        """Files of a kind that did not load far enough to name themselves, by file stem.

        A file with a YAML syntax error (or an invalid kind or name) resolves no name,
        yet its stem is the name it would have (name-matches-file): references to it
        are then explained by that file's own errors rather than called unknown.
        """
        found: dict[str, str] = {}
        for record in self._nameless:
            if (record.kind or layout.kind_for_path(record.path)) == kind:
                found.setdefault(PurePosixPath(record.path).stem, record.path)
        return found

    def records_named(self, kind: str, name: str) -> list[Record]:
        return list(self._by_kind.get(kind, {}).get(name, []))

    def get(self, model: type[E], name: str) -> E | None:
        for record in self._by_kind.get(model.KIND, {}).get(name, []):
            if isinstance(record.entity, model):
                return record.entity
        return None

    def each(self, model: type[E]) -> Iterator[tuple[Record, E]]:
        """(record, entity) for every valid entity of a kind, in path order."""
        records = self._valid.get(model)
        if records is None:
            records = self._valid[model] = self._of_class(model)
        for record in records:
            yield record, record.entity  # type: ignore[misc]

    def _of_class(self, model: type[Entity]) -> list[Record]:
        """The valid records of ``model``, in path order. Every valid record is sorted
        by its entity's class in one walk, the first time any kind is asked for; a
        model with subclasses among them (``Entity``) gets a walk of its own."""
        if self._by_class is None:
            self._by_class = defaultdict(list)
            for record in self.records:
                if record.entity is not None:
                    self._by_class[type(record.entity)].append(record)
        matching = [c for c in self._by_class if issubclass(c, model)]
        if len(matching) > 1:
            return [r for r in self.records if isinstance(r.entity, model)]
        return list(self._by_class[matching[0]]) if matching else []

    def all(self, model: type[E]) -> list[E]:
        return [entity for _, entity in self.each(model)]

    # Typed conveniences, the lookups rules use most.
    def service(self, name: str) -> Service | None:
        return self.get(Service, name)

    def team(self, name: str) -> Team | None:
        return self.get(Team, name)

    def sla(self, name: str) -> SLA | None:
        return self.get(SLA, name)

    def calendar(self, name: str) -> Calendar | None:
        return self.get(Calendar, name)

    def standard_change(self, name: str) -> StandardChange | None:
        return self.get(StandardChange, name)

    @property
    def policy(self) -> ApprovalPolicy | None:
        policies = self.all(ApprovalPolicy)
        return policies[0] if policies else None

    @property
    def changes(self) -> list[ChangeRequest]:
        return self.all(ChangeRequest)

    @cached_property
    def member_logins(self) -> dict[str, list[str]]:
        """Lower-cased GitHub login -> names of the teams that list it."""
        members: dict[str, list[str]] = defaultdict(list)
        for team in self.all(Team):
            for login in sorted(team.logins()):
                members[login].append(team.name)
        return dict(members)

    @cached_property
    def dependencies(self) -> dict[str, list[tuple[str, str]]]:
        """Service name -> [(dependency name, hard|soft)] for every valid service."""
        return {s.name: [(d.service, d.type) for d in s.spec.depends_on] for s in self.all(Service)}

    @cached_property
    def dependents(self) -> dict[str, set[str]]:
        """Service name -> the services that depend on it directly."""
        reverse: dict[str, set[str]] = defaultdict(set)
        for service, deps in self.dependencies.items():
            for dep, _ in deps:
                reverse[dep].add(service)
        return dict(reverse)

    def record_at(self, path: str) -> Record | None:
        """The record of the file at ``path``: an item's facts come from its own file,
        never from a lookup by name that a second file of that name could shadow."""
        return self._at_path.get(path)

    @cached_property
    def _at_path(self) -> dict[str, Record]:
        return {record.path: record for record in self.records}

    def folded_paths(self) -> dict[str, list[str]]:
        """Record paths by their case-folded form (``pathsafety.fold_path``), computed once."""
        if self._folded is None:
            folded: dict[str, list[str]] = defaultdict(list)
            for path in self._record_paths():
                folded[fold_path(path)].append(path)
            self._folded = dict(folded)
        return self._folded

    def _record_paths(self) -> Iterable[str]:
        return (record.path for record in self.records)

    def duplicates(self) -> list[tuple[str, str, list[str]]]:
        """(kind, name, paths) for every name more than one file of a kind uses."""
        return [
            (kind, name, [r.path for r in records])
            for kind in sorted(self._by_kind)
            for name, records in sorted(self._by_kind[kind].items())
            if len(records) > 1
        ]

    def raw(self, record: Record) -> dict[str, Any]:
        return record.document.data if record.document else {}
