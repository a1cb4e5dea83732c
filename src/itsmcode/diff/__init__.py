"""Semantic diff of two catalog snapshots: entities, fields, meaning and impact."""

from __future__ import annotations

from itsmcode.diff.engine import diff_repository, resolve_range
from itsmcode.diff.model import (
    SCHEMA_VERSION,
    ChangeSet,
    EntityChange,
    FieldChange,
    ImpactedService,
    Meaning,
    Side,
)

__all__ = [
    "SCHEMA_VERSION",
    "ChangeSet",
    "EntityChange",
    "FieldChange",
    "ImpactedService",
    "Meaning",
    "Side",
    "diff_repository",
    "resolve_range",
]
