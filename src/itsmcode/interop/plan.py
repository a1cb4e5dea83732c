"""What an import would write, what it could not map, and writing it safely.

Every importer produces an ``ImportPlan``: entities as plain values (validated with the
loader's own validator before anything is written), plus a report of what had no
counterpart (``unmapped``), which names changed (``renamed``) and which values were
chosen without a source (``decisions``). Nothing is ever dropped without a line here.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsmcode.files import write_atomic
from itsmcode.load.catalog import Catalog
from itsmcode.load.layout import Layout
from itsmcode.load.validate import validate
from itsmcode.load.yamlio import dump
from itsmcode.models.types import NAME_PATTERN

_NAME = re.compile(NAME_PATTERN)
SCHEMAS_DIR = "schemas"


@dataclass(frozen=True)
class Planned:
    """An entity to write: its kind, name, plain values and where it came from."""

    kind: str
    name: str
    data: dict[str, Any]
    source: str


@dataclass(frozen=True)
class Unmapped:
    source: str
    field: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """A value set without a source value: a human should confirm it."""

    source: str
    field: str
    value: str
    reason: str


@dataclass
class ImportPlan:
    entities: list[Planned] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    rejected: list[Unmapped] = field(default_factory=list)  # input rows not imported

    def reject(self, source: str, where: str, reason: str) -> None:
        self.rejected.append(Unmapped(source, where, reason))

    def lost(self, source: str, where: str, reason: str) -> None:
        self.unmapped.append(Unmapped(source, where, reason))

    def decide(self, source: str, where: str, value: object, reason: str) -> None:
        self.decisions.append(Decision(source, where, str(value), reason))


@dataclass(frozen=True)
class Outcome:
    """What happened (or, in a dry run, would happen) to one planned entity."""

    entity: Planned
    path: str
    status: str  # "written", "would write", "exists" (skipped), "invalid" (skipped)
    reason: str = ""


def slug(text: str) -> str:
    """``text`` as an itsmcode name: lowercase ASCII letters, digits, inner hyphens.

    Accents are stripped (é -> e), every other run of characters becomes one hyphen;
    longer than 63 characters is cut. An empty result is ``""``: the caller reports it.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return name[:63].rstrip("-")


def is_name(text: str) -> bool:
    return bool(_NAME.match(text))


class Names:
    """Hands out itsmcode names per kind, unique, recording every change in the plan."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.taken: dict[str, dict[str, str]] = {}  # kind -> name -> source

    def claim(self, kind: str, source: str, wanted: str) -> str | None:
        """A free name for ``source`` (None, reported, when nothing usable is left)."""
        base = wanted if is_name(wanted) else slug(wanted)
        if not base:
            self.plan.lost(
                source, "metadata.name", f"'{wanted}' has no letters or digits to name it"
            )
            return None
        taken = self.taken.setdefault(kind, {})
        name, n = base, 1
        while name in taken:
            n += 1
            suffix = f"-{n}"
            name = base[: 63 - len(suffix)].rstrip("-") + suffix
        taken[name] = source
        if name != wanted:
            self.plan.renamed[source] = name
        return name

    def holder(self, kind: str, name: str) -> str | None:
        return self.taken.get(kind, {}).get(name)


def entity(kind: str, name: str, metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """An itsmcode envelope with empty metadata fields left out."""
    meta = {"name": name, **{k: v for k, v in metadata.items() if v not in (None, "", {}, [])}}
    return {"apiVersion": "itsmcode/v1", "kind": kind, "metadata": meta, "spec": spec}


def render(root: Path, path: str, data: dict[str, Any]) -> str:
    """The file text: a yaml-language-server modeline naming the kind's schema
    (``itsm schema export`` writes schemas/ at the root), then the entity."""
    schema = root / SCHEMAS_DIR / f"{str(data['kind']).lower()}.schema.json"
    relative = Path(os.path.relpath(schema, (root / path).parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}\n{dump(data)}"


def apply(
    root: Path,
    layout: Layout,
    catalog: Catalog,
    plan: ImportPlan,
    *,
    write: bool,
    force: bool,
) -> list[Outcome]:
    """Write (or with ``write=False`` only decide) each planned entity's file.

    An entity whose kind and name the repository already holds is kept unless ``force``;
    with ``force`` its existing file is replaced, so no duplicate appears. Entities the
    loader would refuse are never written.
    """
    outcomes: list[Outcome] = []
    for planned in plan.entities:
        existing = [r.path for r in catalog.records_named(planned.kind, planned.name)]
        path = existing[0] if existing else f"{layout.folders[planned.kind]}/{planned.name}.yaml"
        _, problems = validate(planned.data)
        if problems:
            first = problems[0]
            where = ".".join(str(p) for p in first.loc)
            outcomes.append(Outcome(planned, path, "invalid", f"{where}: {first.message}"))
            continue
        if (existing or os.path.lexists(root / path)) and not force:
            outcomes.append(Outcome(planned, path, "exists", "already exists; --force replaces it"))
            continue
        if write:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, render(root, path, planned.data))
        outcomes.append(Outcome(planned, path, "written" if write else "would write"))
    return outcomes
