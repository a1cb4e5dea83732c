"""Where entity files come from. This module reads the work tree, defensively.

Every file is opened without following it out of the repository, checked to be a
regular file under the size limit before it is read, and read at most once. Problems
come back as located YamlProblems, never exceptions.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from itsmcode.layout import CONFIG_FILE, Layout
from itsmcode.yamlio import UNREADABLE, YamlProblem

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A file's repository-relative POSIX path and either its bytes or why not."""

    path: str
    data: bytes | None
    problem: YamlProblem | None = None


def discover(root: Path, layout: Layout) -> list[str]:
    """Repository-relative paths of every YAML file in the kinds' folders, sorted."""
    found: set[str] = set()
    if (root / CONFIG_FILE).exists() or (root / CONFIG_FILE).is_symlink():
        found.add(CONFIG_FILE)
    for folder in layout.folders.values():
        target = root / folder
        if folder.endswith(YAML_SUFFIXES):
            if target.exists() or target.is_symlink():
                found.add(folder)
            continue
        found.update(_walk(root, target))
    return sorted(found)


def _walk(root: Path, top: Path) -> Iterator[str]:
    # os.walk does not follow directory symlinks, so a link cannot lead the scan
    # outside the repository or into a loop; file symlinks are checked on read.
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in filenames:
            if filename.endswith(YAML_SUFFIXES) and not filename.startswith("."):
                yield Path(dirpath, filename).relative_to(root).as_posix()


def read(root: Path, path: str, max_size: int) -> SourceFile:
    """Read one repository file safely (see the module docstring)."""
    full = root / path
    try:
        if full.is_symlink():
            target = full.resolve()
            if not target.is_relative_to(root.resolve()):
                return _problem(path, "symbolic link pointing outside the repository; not read")
        info = os.stat(full)
        if not stat.S_ISREG(info.st_mode):
            return _problem(path, "not a regular file (a FIFO, device or directory); not read")
        if info.st_size > max_size:
            return _problem(
                path,
                f"file is {info.st_size} bytes, over the {max_size}-byte limit "
                "(spec.lint.maxFileSize in itsm.yaml)",
            )
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open won't hang.
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return _problem(path, "not a regular file; not read")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(max_size + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        return _problem(path, f"cannot read file: {exc.strerror or exc}")
    if len(data) > max_size:
        return _problem(path, f"file grew over the {max_size}-byte limit while being read")
    return SourceFile(path, data)


def _problem(path: str, message: str) -> SourceFile:
    return SourceFile(path, None, YamlProblem(UNREADABLE, message))
