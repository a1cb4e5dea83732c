"""Where entity files come from. This module reads the work tree, defensively.

Every file is opened without following it out of the repository, checked to be a
regular file under the size limit before it is read, and read at most once. Problems
come back as located YamlProblems, never exceptions.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.yamlio import UNREADABLE, YamlProblem

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A file's repository-relative POSIX path and either its bytes or why not."""

    path: str
    data: bytes | None
    problem: YamlProblem | None = None


def discover(root: Path, layout: Layout) -> list[str]:
    """Repository-relative paths of every YAML file in the kinds' folders, sorted.

    A *directory* named like a YAML file is listed too, so that ``read`` reports it
    instead of it being skipped without a word; its contents are still scanned.
    """
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


def read_files(
    root: Path, layout: Layout, extra_paths: Iterable[str], max_file_size: int
) -> list[SourceFile]:
    """The bytes (or the reading problem) of every file of the kinds' folders and of
    ``extra_paths``, in path order."""
    paths = sorted(set(discover(root, layout)) | set(extra_paths))
    return [read(root, path, max_file_size) for path in paths]


def yaml_files_under(root: Path, folder: str) -> list[str]:
    """Repository-relative paths of the YAML files below ``folder`` (a named directory)."""
    return sorted(_walk(root, root / folder))


def _walk(root: Path, top: Path) -> Iterator[str]:
    # os.walk does not follow directory symlinks, so a link cannot lead the scan
    # outside the repository or into a loop; file symlinks are checked on read.
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in (*filenames, *dirnames):
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                yield Path(dirpath, name).relative_to(root).as_posix()


def read(root: Path, path: str, max_size: int) -> SourceFile:
    """Read one repository file safely (see the module docstring)."""
    full = root / path
    try:
        info = os.lstat(full)
        if stat.S_ISLNK(info.st_mode) or not _dir_inside(str(root), str(full.parent)):
            if not _inside(os.path.realpath(full), _realpath(str(root))):
                where = "" if stat.S_ISLNK(info.st_mode) else " (through a linked folder)"
                return _problem(
                    path, f"symbolic link pointing outside the repository{where}; not read"
                )
            info = _stat_link(full)
        if not stat.S_ISREG(info.st_mode):
            return _problem(path, _not_regular(info.st_mode))
        if info.st_size > max_size:
            return _problem(path, _too_large(info.st_size, max_size))
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open won't hang.
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return _problem(path, "not a regular file; not read")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(max_size + 1)
        finally:
            os.close(fd)
    except _LinkProblem as exc:
        return _problem(path, str(exc))
    except OSError as exc:
        return _problem(path, _os_error(exc))
    if len(data) > max_size:
        return _problem(path, f"file grew over the {_size(max_size)} limit while being read")
    return SourceFile(path, data)


class _LinkProblem(Exception):
    """A symbolic link that leads nowhere readable."""


def _stat_link(full: Path) -> os.stat_result:
    try:
        return os.stat(full)
    except FileNotFoundError:
        raise _LinkProblem("symbolic link to a missing file; fix or remove the link") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _LinkProblem("symbolic link loop; fix or remove the link") from None
        raise


@functools.lru_cache(maxsize=4096)
def _realpath(path: str) -> str:
    return os.path.realpath(path)


@functools.lru_cache(maxsize=4096)
def _dir_inside(root: str, directory: str) -> bool:
    """Whether ``directory`` really is inside ``root`` (no symlinked folder on the way).

    Cached per folder: resolving every file's full path would cost more than parsing
    it, and the folders of one repository are few.
    """
    return _inside(os.path.realpath(directory), _realpath(root))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory named like a YAML file; rename it (its files are still linted)"
    if stat.S_ISFIFO(mode):
        kind = "a FIFO (named pipe)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:  # pragma: no cover - every POSIX type is named above
        kind = "a special file"
    return f"{kind}, not a regular file; not read"


def _too_large(size: int, max_size: int) -> str:
    return (
        f"file is {size:,} bytes, over the limit of {max_size:,} ({_size(max_size)}); "
        "split it, or raise spec.lint.maxFileSize in itsm.yaml"
    )


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} bytes"


def _os_error(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; make the file readable"
    if exc.errno == errno.ENOENT:
        return "no such file"
    return f"cannot read file: {exc.strerror or exc}"


def _problem(path: str, message: str) -> SourceFile:
    return SourceFile(path, None, YamlProblem(UNREADABLE, message))
