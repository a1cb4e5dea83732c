"""The ChangeSet: what a semantic diff of two catalog snapshots found, as plain data.

Reporters, the approval policy and the audit read this model; ``to_json`` is the
documented, versioned wire format (docs/diff.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from itsmcode.diagnostics import Diagnostic

#: Bumped on any incompatible change of the JSON output (docs/diff.md).
SCHEMA_VERSION = 1

Status = Literal["added", "removed", "modified", "moved", "renamed"]
Op = Literal["added", "removed", "changed", "reordered"]
Direction = Literal["loosened", "tightened", "raised", "lowered", "changed", "added", "removed"]


@dataclass(frozen=True)
class FieldChange:
    """One change at a stable path such as ``spec.dependsOn[service=ledger].type``."""

    path: str
    op: Op
    old: Any = None
    new: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "op": self.op}
        if self.op != "added":
            out["old"] = self.old
        if self.op != "removed":
            out["new"] = self.new
        return out


@dataclass(frozen=True, kw_only=True)
class Meaning:
    """A derived fact: what a field change means (an SLA loosened, a tier raised...).

    ``type`` is a stable id the policy engine matches on; ``message`` is for people.
    """

    type: str
    message: str
    path: str = ""
    direction: Direction | None = None
    old: Any = None
    new: Any = None
    valid: bool | None = None  # for status transitions only

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.path:
            out["path"] = self.path
        if self.direction is not None:
            out["direction"] = self.direction
        out["old"] = self.old
        out["new"] = self.new
        if self.valid is not None:
            out["valid"] = self.valid
        return out


@dataclass
class EntityChange:
    """One entity (or, when it does not parse, one file) that differs between sides."""

    status: Status
    kind: str | None
    name: str | None
    path: str
    old_path: str | None = None
    old_name: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    meanings: list[Meaning] = field(default_factory=list)
    base_problems: list[Diagnostic] = field(default_factory=list)
    head_problems: list[Diagnostic] = field(default_factory=list)
    similarity: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind or "~", self.name or "~", self.path)

    @property
    def label(self) -> str:
        if self.kind and self.name:
            return f"{self.kind} {self.name}"
        return self.path

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "kind": self.kind,
            "name": self.name,
            "path": self.path,
            "oldPath": self.old_path,
            "oldName": self.old_name,
            "similarity": self.similarity,
            "fields": [f.to_json() for f in self.fields],
            "meanings": [m.to_json() for m in self.meanings],
            "problems": {
                "base": [_diagnostic_json(d) for d in self.base_problems],
                "head": [_diagnostic_json(d) for d in self.head_problems],
            },
        }


@dataclass(frozen=True)
class ImpactedService:
    """A service in the blast radius: changed itself, or depending on one that is."""

    name: str
    tier: int | None
    affected: bool
    reasons: tuple[str, ...] = ()
    via: tuple[str, ...] = ()  # dependency path from an affected service, nearest last
    distance: int = 0
    #: Its direct dependencies that are in the impact too: the edges of the impact graph.
    depends_on: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.name,
            "tier": self.tier,
            "affected": self.affected,
            "reasons": list(self.reasons),
            "via": list(self.via),
            "distance": self.distance,
            "dependsOn": list(self.depends_on),
        }


@dataclass(frozen=True)
class Side:
    """What one side of the diff is: a commit, or the work tree."""

    label: str  # as the user wrote it: "HEAD", "main", "worktree"
    commit: str | None  # None for the work tree

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.label, "commit": self.commit, "worktree": self.commit is None}


@dataclass(frozen=True)
class LevelChange:
    """A service whose level on a scorecard differs between the two sides (each side
    scored with its own scorecards, as ``itsm score`` does; docs/score.md)."""

    service: str
    scorecard: str
    old: str | None  # None: no level
    new: str | None
    raised: bool
    #: Lowered: the head's failing checks at the old level or below (why it dropped).
    fails: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "scorecard": self.scorecard,
            "old": self.old,
            "new": self.new,
            "direction": "raised" if self.raised else "lowered",
            "fails": list(self.fails),
        }


@dataclass
class ChangeSet:
    """Everything that differs between two snapshots, and what it means."""

    base: Side
    head: Side
    entities: list[EntityChange] = field(default_factory=list)
    impact: list[ImpactedService] = field(default_factory=list)
    #: Problems found in the *relation* of the two sides (invalid status transitions).
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Services whose scorecard level the change raises or lowers; None when not scored
    #: (the scorecard practice is off on both sides, or the format does not show it).
    levels: list[LevelChange] | None = None

    @property
    def empty(self) -> bool:
        return not self.entities

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in ("added", "removed", "modified", "moved", "renamed")}
        for entity in self.entities:
            out[entity.status] += 1
        return out

    def meanings(self) -> list[tuple[EntityChange, Meaning]]:
        return [(e, m) for e in self.entities for m in e.meanings]

    def to_json(self) -> dict[str, Any]:
        return {
            "schemaVersion": SCHEMA_VERSION,
            "base": self.base.to_json(),
            "head": self.head.to_json(),
            "summary": {
                **self.counts(),
                "entities": len(self.entities),
                "impacted": len(self.impact),
                "diagnostics": len(self.diagnostics),
            },
            "entities": [e.to_json() for e in self.entities],
            "impact": [i.to_json() for i in self.impact],
            "diagnostics": [_diagnostic_json(d) for d in self.diagnostics],
            **({} if self.levels is None else {"levels": [c.to_json() for c in self.levels]}),
        }


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.location.path,
        "line": d.location.line,
        "column": d.location.column,
        "severity": d.severity.value,
        "rule": d.rule,
        "message": d.message,
    }
