"""Whether the catalog a pull request leaves can be judged at all (policy.md, property 9).

The approval rules match on facts read from files. A file whose facts are uncertain
would otherwise match *fewer* rules than its content deserves: a change request
that does not load has no risk, type or services; a second file with a name shadows
the first; a symbolic link or a case alias reads differently in a checkout than in
git. Each of these makes the evaluation fail closed, with a reason that says which
file and what to do, in ``itsm policy check``, ``policy record`` and the audit alike
(both call ``gather``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from itsmcode.diff.model import ChangeSet, EntityChange
from itsmcode.git.facts import PathChange, control_character_paths
from itsmcode.git.repo import SYMLINK_MODE
from itsmcode.load.catalog import Catalog
from itsmcode.load.layout import Layout
from itsmcode.load.pathsafety import (
    LINK_PROBLEM,
    SUBMODULE_PROBLEM,
    Places,
    clash_problem,
    fold_path,
    path_problem,
    shown,
)
from itsmcode.policy.facts import Facts, PullFacts, build_items

SUBMODULE_MODE = "160000"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FAILS = "the check fails closed"


def gather(
    pr: PullFacts,
    changeset: ChangeSet,
    paths: Sequence[PathChange],
    base: Catalog,
    head: Catalog,
    layouts: Sequence[Layout],
) -> Facts:
    """The facts of one evaluation: items read from each file's own path, and the
    reasons (if any) the catalog cannot be judged, which make every decision fail closed.

    ``base`` is the catalog the change applies to, ``head`` the one it leaves; where
    each kind lives is decided by ``layouts`` (the base's first, then the head's: a
    change that moves a folder is judged under both).
    """
    items = build_items(changeset, paths, base, head)
    facts = Facts(pr, items, base, base, head)
    facts.problems = catalog_problems(changeset.entities, paths, head, layouts)
    return facts


def catalog_problems(
    entities: Iterable[EntityChange],
    paths: Sequence[PathChange],
    head: Catalog,
    layouts: Sequence[Layout],
) -> list[str]:
    """Why the catalog the change leaves cannot be judged, one line per file."""
    places = Places.of(layouts)
    # A control character anywhere (in a kind's folder or not) is one reason, said once.
    problems = control_character_paths(paths)
    for change in paths:
        if change.status == "removed" or _CONTROL.search(change.path):
            continue
        why = path_problem(change.path, places)
        linked = change.mode in (SYMLINK_MODE, SUBMODULE_MODE)
        if why is None and linked and places.touches(change.path):
            why = LINK_PROBLEM if change.mode == SYMLINK_MODE else SUBMODULE_PROBLEM
        if why is not None:
            problems.append(f"{shown(change.path)}: {why}; {_FAILS}")
    problems.extend(_clashes(paths, head, places))
    for entity in entities:
        if entity.status == "removed":
            continue
        problems.extend(_unloadable(entity, head, layouts))
    for kind, name, found in head.duplicates():
        problems.append(
            f"{kind} '{name}' is defined by {len(found)} files ({', '.join(found)}): the "
            f"facts of one could be read from the other; keep one, {_FAILS}"
        )
    return problems


def _clashes(paths: Sequence[PathChange], head: Catalog, places: Places) -> list[str]:
    """Added files in a kind's folder that differ from another head file only in case."""
    added = [c.path for c in paths if c.status == "added" and places.folder_of(c.path)]
    if not added:
        return []
    folded = head.folded_paths()
    keys = [fold_path(path) for path in added]
    found = []
    for path, key in zip(added, keys, strict=True):
        others = [p for p in folded.get(key, []) if p != path]
        others += [p for p, k in zip(added, keys, strict=True) if k == key and p != path]
        if others:
            found.append(f"{shown(path)}: {clash_problem(path, others[0])}; {_FAILS}")
    return found


def _unloadable(entity: EntityChange, head: Catalog, layouts: Sequence[Layout]) -> list[str]:
    """A changed file that does not load, or lies in another kind's folder."""
    record = head.record_at(entity.path)
    label = f"{entity.kind} {entity.name}" if entity.kind and entity.name else entity.path
    if record is None or record.entity is None or record.problems:
        first = (
            record.problems[0]
            if record is not None and record.problems
            else (entity.head_problems[0] if entity.head_problems else None)
        )
        where = (
            f"{first.location.line}:{first.location.column}: {first.message} ({first.rule})"
            if first is not None and first.location.line
            else (f"{first.message} ({first.rule})" if first is not None else "not loaded")
        )
        return [
            f"{shown(entity.path)} ({label}) does not load: {where}; what it changes cannot be "
            f"judged, so {_FAILS} (fix the file; itsm lint shows every problem)"
        ]
    kind = record.kind
    for layout in layouts:
        folder_kind = layout.kind_for_path(entity.path)
        if folder_kind is not None and folder_kind != kind:
            return [
                f"{shown(entity.path)}: a {kind} in the folder of {folder_kind} "
                f"({layout.folders.get(folder_kind, folder_kind)}); rules about either kind "
                f"could miss it, so {_FAILS} (move it to its kind's folder)"
            ]
    return []
