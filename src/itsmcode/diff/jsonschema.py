"""The JSON Schema of ``itsm diff --format json`` (schemaVersion 1).

docs/diff.md embeds this schema verbatim; a test keeps the two in step and validates
real output against it. Additive changes (a new optional key, a new meaning type)
keep the version; anything that breaks a consumer bumps ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from typing import Any

from itsmcode.diff.model import SCHEMA_VERSION

_ANY: dict[str, Any] = {}
_STR_OR_NULL = {"type": ["string", "null"]}
_DIAGNOSTIC = {
    "type": "object",
    "required": ["path", "line", "column", "severity", "rule", "message"],
    "additionalProperties": False,
    "properties": {
        "path": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "severity": {"enum": ["error", "warning"]},
        "rule": {"type": "string"},
        "message": {"type": "string"},
    },
}
_SIDE = {
    "type": "object",
    "required": ["ref", "commit", "worktree"],
    "additionalProperties": False,
    "properties": {
        "ref": {"type": "string", "description": "The revision as given, or 'worktree'."},
        "commit": {**_STR_OR_NULL, "description": "Commit id; null for the work tree."},
        "worktree": {"type": "boolean"},
    },
}
_FIELD = {
    "type": "object",
    "required": ["path", "op"],
    "additionalProperties": False,
    "properties": {
        "path": {
            "type": "string",
            "description": "Stable path: spec.dependsOn[service=ledger].type, "
            "spec.services[=payments-api], spec.freezes[0].name",
        },
        "op": {"enum": ["added", "removed", "changed", "reordered"]},
        "old": _ANY,
        "new": _ANY,
    },
}
_MEANING = {
    "type": "object",
    "required": ["type", "message", "old", "new"],
    "additionalProperties": False,
    "properties": {
        "type": {
            "type": "string",
            "description": "sla.loosened, sla.tightened, tier.raised, tier.lowered, "
            "lifecycle.changed, owner.changed, support.changed, sla.changed, "
            "dependency.added, dependency.removed, dependency.changed, status.transition, "
            "status.closed-edited, window.moved, risk.raised, risk.lowered, type.changed, "
            "review.added",
        },
        "message": {"type": "string"},
        "path": {"type": "string"},
        "direction": {
            "enum": ["loosened", "tightened", "raised", "lowered", "changed", "added", "removed"]
        },
        "old": _ANY,
        "new": _ANY,
        "valid": {"type": "boolean"},
    },
}
_ENTITY = {
    "type": "object",
    "required": [
        "status",
        "kind",
        "name",
        "path",
        "oldPath",
        "oldName",
        "similarity",
        "fields",
        "meanings",
        "problems",
    ],
    "additionalProperties": False,
    "properties": {
        "status": {"enum": ["added", "removed", "modified", "moved", "renamed"]},
        "kind": _STR_OR_NULL,
        "name": _STR_OR_NULL,
        "path": {"type": "string", "description": "Head path (base path when removed)."},
        "oldPath": {**_STR_OR_NULL, "description": "Base path of a moved or renamed file."},
        "oldName": {**_STR_OR_NULL, "description": "Former name of a renamed entity."},
        "similarity": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "fields": {"type": "array", "items": _FIELD},
        "meanings": {"type": "array", "items": _MEANING},
        "problems": {
            "type": "object",
            "required": ["base", "head"],
            "additionalProperties": False,
            "properties": {
                "base": {"type": "array", "items": _DIAGNOSTIC},
                "head": {"type": "array", "items": _DIAGNOSTIC},
            },
        },
    },
}
_IMPACT = {
    "type": "object",
    "required": ["service", "tier", "affected", "reasons", "via", "distance", "dependsOn"],
    "additionalProperties": False,
    "properties": {
        "service": {"type": "string"},
        "tier": {"type": ["integer", "null"]},
        "affected": {"type": "boolean"},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "via": {"type": "array", "items": {"type": "string"}},
        "distance": {"type": "integer", "minimum": 0},
        "dependsOn": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Its direct dependencies that are impacted too (graph edges).",
        },
    },
}
_COUNT = {"type": "integer", "minimum": 0}
_LEVEL = {
    "type": "object",
    "required": ["service", "scorecard", "old", "new", "direction", "fails"],
    "additionalProperties": False,
    "properties": {
        "service": {"type": "string"},
        "scorecard": {"type": "string"},
        "old": {**_STR_OR_NULL, "description": "Level at the base; null: no level."},
        "new": {**_STR_OR_NULL, "description": "Level at the head; null: no level."},
        "direction": {"enum": ["raised", "lowered"]},
        "fails": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Lowered: the checks the head fails at the old level or below.",
        },
    },
}

DIFF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"https://itsmcode.dev/schemas/diff-v{SCHEMA_VERSION}.json",
    "title": "itsm diff --format json",
    "type": "object",
    "required": ["schemaVersion", "base", "head", "summary", "entities", "impact", "diagnostics"],
    "additionalProperties": False,
    "properties": {
        "schemaVersion": {"const": SCHEMA_VERSION},
        "base": _SIDE,
        "head": _SIDE,
        "summary": {
            "type": "object",
            "required": [
                "added",
                "removed",
                "modified",
                "moved",
                "renamed",
                "entities",
                "impacted",
                "diagnostics",
            ],
            "additionalProperties": False,
            "properties": {
                k: _COUNT
                for k in (
                    "added",
                    "removed",
                    "modified",
                    "moved",
                    "renamed",
                    "entities",
                    "impacted",
                    "diagnostics",
                )
            },
        },
        "entities": {"type": "array", "items": _ENTITY},
        "impact": {"type": "array", "items": _IMPACT},
        "diagnostics": {"type": "array", "items": _DIAGNOSTIC},
        "levels": {
            "type": "array",
            "items": _LEVEL,
            "description": "Services whose scorecard level the change raises or lowers "
            "(itsm score); present when the scorecard practice is on.",
        },
    },
}
