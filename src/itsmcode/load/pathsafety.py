"""Paths every reader of a repository agrees on (policy.md, property 9).

The same commit can be read three ways: from git objects (the approval gate, the
audit), from a Linux checkout (CI lint) and from a case-insensitive or Windows
checkout (a maintainer's laptop). Within a kind's folder they must see the same files,
so a path that one of them would read differently is refused by all of them:

- an *alias*: a path that names a kind's folder, a YAML file in it, or ``itsm.yaml``
  only after case folding or Windows' stripping of trailing dots and spaces
  (``Catalog/services/x.yaml``, ``x.YAML``, ``x.yaml.``, ``x.yaml `` ): Linux and git
  see a separate file that no rule reads, a case-insensitive checkout may see it
  *instead of* the real one;
- two paths that fold to the same one (``Ledger.yaml`` beside ``ledger.yaml``);
- a control character (a newline) in the path, which no report can show faithfully;
- a symbolic link or a submodule at, in or above a kind's folder: git stores a link's
  target path (or a commit id), a checkout follows it (tested by mode or ``lstat``,
  not here).

``Places`` folds the kinds' folders once; ``path_problem`` judges one path.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from itsmcode.load.layout import CONFIG_FILE, Layout

YAML_SUFFIXES = (".yaml", ".yml")
#: The load check that reports these paths (rules/load_checks.py documents it).
UNSAFE_PATH = "unsafe-path"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

LINK_PROBLEM = (
    "symbolic link; git stores the link and a checkout follows it, so readers would "
    "disagree: replace the link with the file itself"
)
SUBMODULE_PROBLEM = (
    "a submodule; its files are not in this repository's git objects, so readers would "
    "disagree: copy the files in instead"
)


def fold(component: str) -> str:
    """One path component as a case-insensitive or Windows file system compares it."""
    return unicodedata.normalize("NFC", component).rstrip(". ").casefold()


@functools.lru_cache(maxsize=65536)
def fold_path(path: str) -> str:
    # Nearly every path: NFC and casefold leave lower-case ASCII as it is, so only a
    # component's trailing dots and spaces could change it.
    ascii_lower = path.isascii() and path == path.lower()
    if ascii_lower and not path.endswith((".", " ")) and "./" not in path and " /" not in path:
        return path
    return "/".join(fold(part) for part in path.split("/"))


def shown(path: str) -> str:
    """A path fit for a one-line message (control characters escaped)."""
    return path if not _CONTROL.search(path) else repr(path)[1:-1]


@dataclass(frozen=True)
class Places:
    """The folders (and single files, such as the policy and itsm.yaml) of every
    enabled kind under one or more layouts, literal and folded."""

    folders: tuple[tuple[str, str], ...]  # (literal, folded), longest first

    @classmethod
    def of(cls, layouts: Iterable[Layout]) -> Places:
        return cls.of_folders(f for layout in layouts for f in layout.folders.values())

    @classmethod
    def of_folders(cls, folders: Iterable[str]) -> Places:
        found = {CONFIG_FILE, *(f for f in folders if f)}
        ordered = sorted(found, key=lambda f: (-len(f), f))
        return cls(tuple((f, fold_path(f)) for f in ordered))

    def folder_of(self, path: str) -> str | None:
        """The kind folder ``path`` is in (or is), compared folded: aliases included."""
        folded = fold_path(path)
        for literal, key in self.folders:
            if folded == key or folded.startswith(key + "/"):
                return literal
        return None

    def touches(self, path: str) -> bool:
        """Whether ``path`` is at, in or above a kind's folder (a link there matters)."""
        if self.folder_of(path) is not None:
            return True
        folded = fold_path(path)
        return any(key.startswith(folded + "/") for _, key in self.folders)


def path_problem(path: str, places: Places) -> str | None:
    """Why ``path`` (repository-relative) is not one every reader agrees on, or None.

    Only paths in a kind's folder (compared folded) are judged: elsewhere a file is
    no entity for any reader.
    """
    return _problem_in(path, places.folder_of(path), places)


def _problem_in(path: str, folder: str | None, places: Places) -> str | None:
    """``path_problem`` with ``places.folder_of(path)`` known."""
    if folder is None:
        return _ancestor_alias(path, places)
    if _CONTROL.search(path):
        return (
            "control character in the path (a newline?); no report can show it faithfully: "
            "rename the file"
        )
    if not (path == folder or path.startswith(folder + "/")):
        return (
            f"an alias of {folder} (differs only in case or by a trailing dot or space): "
            f"a case-insensitive or Windows checkout reads it as {folder}, git and Linux "
            "do not; move it into "
            f"{folder}"
        )
    below = path[len(folder) :].lstrip("/")
    parts = below.split("/") if below else []
    if any(part != part.rstrip(". ") for part in parts):
        return (
            "a name ending in a dot or space: Windows drops it, so the file may replace "
            "another one there; rename it"
        )
    name = path.rsplit("/", 1)[-1]
    if not name.endswith(YAML_SUFFIXES) and fold(name).endswith(YAML_SUFFIXES):
        return (
            "an alias of a YAML file name (the extension differs only in case): git and "
            "Linux skip it, a case-insensitive checkout may read it; name it .yaml"
        )
    return None


def _ancestor_alias(path: str, places: Places) -> str | None:
    """``Catalog`` where the kinds' folders are under ``catalog/``."""
    folded = fold_path(path)
    depth = path.count("/") + 1
    for literal, key in places.folders:
        if key.startswith(folded + "/"):
            real = "/".join(literal.split("/")[:depth])
            if real != path:
                return (
                    f"an alias of {real} (differs only in case or by a trailing dot or "
                    f"space): a case-insensitive or Windows checkout reads it as {real}, git "
                    f"and Linux do not; move its files into {real}"
                )
    return None


def clash_problem(path: str, other: str) -> str:
    return (
        f"differs from {shown(other)} only in case: a case-insensitive checkout keeps one "
        "of the two; rename or remove one"
    )


def path_problems(paths: Iterable[str], places: Places) -> dict[str, str]:
    """``path_problem`` of each path, and a clash for paths in a kind's folder that fold
    to the same path as another one of ``paths``."""
    found: dict[str, str] = {}
    first: dict[str, str] = {}
    for path in sorted(paths):
        folder = places.folder_of(path)
        why = _problem_in(path, folder, places)
        if why is not None:
            found[path] = why
            continue
        if folder is None:
            continue
        other = first.setdefault(fold_path(path), path)
        if other != path:
            found[path] = clash_problem(path, other)
            found.setdefault(other, clash_problem(other, path))
    return found
