"""Reading Backstage catalog descriptor files: the given files and folders, and the
files their ``Location`` entities point at, never anything outside the given trees.

A tree is a PATH argument if it is a folder, or the folder holding it if it is a
file. Targets are relative to the file that names them; URLs, absolute paths and
paths leaving the tree are refused with the reason in the report.
"""

from __future__ import annotations

import os
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsmcode.interop.plan import ImportPlan
from itsmcode.load.source import YAML_SUFFIXES, read
from itsmcode.load.yamlio import Limits, YamlProblem, decode, load_documents

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_GLOB = re.compile(r"[*?\[]")
#: A whole organisation's Users and Groups often sit in one file, larger than itsmcode's
#: own 1 MiB; depth, alias and node limits still apply per document.
MAX_FILE_SIZE = 8 * 1024 * 1024
#: At most this many files are read in one import, Location targets included.
MAX_FILES = 10_000


@dataclass(frozen=True)
class Found:
    """A Backstage entity (a mapping) and where it was written (``path:line``)."""

    data: dict[str, Any]
    where: str


def read_catalog(paths: list[Path], plan: ImportPlan, limits: Limits | None = None) -> list[Found]:
    limits = limits or Limits(max_file_size=MAX_FILE_SIZE)
    queue: deque[tuple[Path, str]] = deque()  # (tree, tree-relative path)
    for given in paths:
        if given.is_dir():
            queue.extend((given, rel) for rel in _yaml_files(given))
        else:
            queue.append((given.parent, given.name))
    seen: set[str] = set()
    found: list[Found] = []
    while queue:
        tree, rel = queue.popleft()
        shown = (tree / rel).as_posix()
        key = os.path.realpath(tree / rel)
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_FILES:
            plan.lost(shown, "", f"more than {MAX_FILES} files; the rest are not read")
            break
        for doc in _documents(tree, rel, shown, plan, limits):
            found.append(doc)
            if doc.data.get("kind") == "Location":
                queue.extend(_targets(tree, rel, doc, plan))
    return found


def _yaml_files(folder: Path) -> list[str]:
    # os.walk does not follow folder symlinks; dot-folders (.git, .github) are skipped.
    files = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for name in sorted(filenames):
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                files.append(Path(dirpath, name).relative_to(folder).as_posix())
    return files


def _documents(tree: Path, rel: str, shown: str, plan: ImportPlan, limits: Limits) -> list[Found]:
    source = read(tree, rel, limits.max_file_size)
    try:
        if source.problem:
            raise source.problem
        documents = load_documents(decode(source.data or b""), limits)
    except YamlProblem as problem:
        plan.lost(f"{shown}:{problem.line}:{problem.column}", "", f"not read: {problem.message}")
        return []
    found = []
    for doc in documents:
        where = f"{shown}:{doc.line}"
        if doc.data is None:
            continue  # an empty document (a stray '---'): nothing to import, nothing lost
        api = doc.data.get("apiVersion") if isinstance(doc.data, dict) else None
        if not isinstance(api, str) or "backstage.io/" not in api:
            plan.lost(where, "apiVersion", "not a Backstage entity (apiVersion *backstage.io/*)")
            continue
        found.append(Found(doc.data, where))
    return found


def _targets(tree: Path, rel: str, doc: Found, plan: ImportPlan) -> list[tuple[Path, str]]:
    spec = doc.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    targets: list[Any] = []
    if "target" in spec:
        targets.append(spec["target"])
    if isinstance(spec.get("targets"), list):
        targets.extend(spec["targets"])
    kind = spec.get("type", "file")
    queued: list[tuple[Path, str]] = []
    base = Path(rel).parent
    for target in targets:
        if not isinstance(target, str) or not target:
            plan.lost(doc.where, "spec.targets", f"target {target!r} is not a path")
            continue
        if _SCHEME.match(target) or kind not in ("file", "url"):
            plan.lost(
                doc.where,
                "spec.targets",
                f"'{target}' not followed: only files inside the given folder are read "
                "(import a URL's files by passing their checkout)",
            )
            continue
        joined = os.path.normpath((base / target).as_posix())
        if os.path.isabs(target) or joined == ".." or joined.startswith("../"):
            outside = f"'{target}' points outside {tree.as_posix()}/; not read"
            plan.lost(doc.where, "spec.targets", outside)
            continue
        if _GLOB.search(joined):
            matches = sorted(p.relative_to(tree).as_posix() for p in tree.glob(joined))
        else:
            matches = [joined] if os.path.lexists(tree / joined) else []
        if not matches:
            plan.lost(doc.where, "spec.targets", f"'{target}' not found")
            continue
        queued.extend((tree, match) for match in matches)
    return queued
