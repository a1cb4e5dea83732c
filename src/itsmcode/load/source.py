"""Where entity files come from. This module reads the work tree, defensively.

Every file is checked to be a regular file under the size limit before it is read,
and read at most once. Symbolic links are never followed: git stores a link, not the
file it points to, so the approval gate (which reads git objects) and lint would see
two catalogs (policy.md, property 9). Problems come back as located YamlProblems,
never exceptions.

Discovery lists what every reader must agree on: the YAML files of the kinds' folders,
and also each link, alias path (``Catalog/``, ``x.YAML``, ``x.yaml.``), case clash and
control-character name there, so that the loader reports them (pathsafety.py).
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.pathsafety import (
    LINK_PROBLEM,
    UNSAFE_PATH,
    YAML_SUFFIXES,
    Places,
    fold,
    path_problem,
    path_problems,
)
from itsmcode.load.yamlio import UNREADABLE, YamlProblem

__all__ = [
    "YAML_SUFFIXES",
    "SourceFile",
    "discover",
    "listed_files",
    "outside_files",
    "read",
    "read_files",
    "yaml_files_under",
]


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

    The listing is remembered for this process with the stat of every folder it read
    (``_Listed``): a folder's names change only with its modification time, so while no
    such folder changed the same listing is returned without walking again (the lint
    server's runs; a run that lists twice).
    """
    key = (str(root), tuple(sorted(layout.folders.items())))
    earlier = _LISTED.get(key)
    if earlier is not None and earlier.unchanged():
        return list(earlier.found)
    started = time.time()
    read: list[str] = [str(root)]
    found = _discover(root, layout, read)
    listed = _Listed.of(read, found, started)
    if listed is not None:
        _LISTED.pop(key, None)
        while len(_LISTED) >= _LISTED_KEPT:
            del _LISTED[next(iter(_LISTED))]
        _LISTED[key] = listed
    return list(found)


#: A folder changed this close to a listing may change again within the same clock tick
#: unseen (git's "racy" entries; FAT keeps times to 2 s): such a listing is not kept.
_RACY_SECONDS = 3.0
_LISTED_KEPT = 8
_FolderStat = tuple[int, int, int, int] | None


def _folder_stat(path: str) -> _FolderStat:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_mode, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


@dataclass(frozen=True)
class _Listed:
    """A listing and the stat of every folder whose entries it depends on."""

    folders: dict[str, _FolderStat]
    found: list[str]

    @classmethod
    def of(cls, read: list[str], found: list[str], started: float) -> _Listed | None:
        horizon = (started - _RACY_SECONDS) * 1e9
        folders = {path: _folder_stat(path) for path in read}
        if any(s is not None and (s[2] >= horizon or s[3] >= horizon) for s in folders.values()):
            return None
        return cls(folders, found)

    def unchanged(self) -> bool:
        return all(_folder_stat(path) == known for path, known in self.folders.items())


_LISTED: dict[tuple[str, tuple[tuple[str, str], ...]], _Listed] = {}


def _discover(root: Path, layout: Layout, read: list[str]) -> list[str]:
    """``discover``'s walk; ``read`` collects every folder whose entries it looked at."""
    found: set[str] = set()
    places = Places.of([layout])
    if (root / CONFIG_FILE).exists() or (root / CONFIG_FILE).is_symlink():
        found.add(CONFIG_FILE)
    found.update(_aliases(root, [CONFIG_FILE]))
    for folder in layout.folders.values():
        parts = folder.split("/")
        read.extend(str(root.joinpath(*parts[:i])) for i in range(1, len(parts)))
        found.update(_aliases(root, [folder]))
        link = _linked_ancestor(root, folder)
        if link is not None:
            found.add(link)  # reported by read(); what it leads to is not the repository's
            continue
        target = root / folder
        if folder.endswith(YAML_SUFFIXES):
            if target.exists() or target.is_symlink():
                found.add(folder)
            continue
        read.append(str(target))
        found.update(_walk(root, target, places, read))
    return sorted(found)


def _linked_ancestor(root: Path, folder: str) -> str | None:
    """The first symbolic link on the way from ``root`` to ``folder`` (itself included)."""
    parts = folder.split("/")
    for i in range(1, len(parts) + 1):
        path = "/".join(parts[:i])
        if (root / path).is_symlink():
            return path
    return None


def _aliases(root: Path, folders: list[str]) -> Iterator[str]:
    """Entries on the way to each folder whose name equals a step only when folded
    (``Catalog`` beside or instead of ``catalog``): the same folder on a
    case-insensitive checkout, another one on Linux and in git."""
    for folder in folders:
        parts = folder.split("/")
        for i, part in enumerate(parts):
            parent = root.joinpath(*parts[:i])
            try:
                names = os.listdir(parent)
            except OSError:
                break
            prefix = "/".join(parts[:i])
            for name in names:
                if name != part and fold(name) == fold(part):
                    yield f"{prefix}/{name}" if prefix else name
            if part not in names:
                break


def outside_files(root: Path, layout: Layout, max_size: int) -> list[SourceFile]:
    """YAML files outside every kind's folder that mention ``itsmcode/`` (a misplaced
    entity, for the unknown-location rule), hidden folders and links not entered."""
    places = Places.of([layout])
    found: list[SourceFile] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).relative_to(root).as_posix()
        here = "" if here == "." else here
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and places.folder_of(f"{here}/{d}" if here else d) is None
        )
        for name in sorted(filenames):
            path = f"{here}/{name}" if here else name
            if not name.endswith(YAML_SUFFIXES) or name.startswith("."):
                continue
            if places.folder_of(path) is not None:
                continue
            source = read(root, path, max_size)
            if source.data is not None and b"itsmcode/" in source.data:
                found.append(source)
    return found


def read_files(
    root: Path, layout: Layout, extra_paths: Iterable[str], max_file_size: int
) -> list[SourceFile]:
    """The bytes (or the reading problem) of every file of the kinds' folders and of
    ``extra_paths``, in path order. A path readers disagree about (pathsafety.py) is
    reported, not read."""
    return [
        read(root, path, max_file_size) if problem is None else SourceFile(path, None, problem)
        for path, problem in listed_files(root, layout, extra_paths)
    ]


def listed_files(
    root: Path, layout: Layout, extra_paths: Iterable[str]
) -> list[tuple[str, YamlProblem | None]]:
    """``read_files``'s paths, in order, each with the problem that keeps it from being
    read (an unsafe path, pathsafety.py) or None: for a caller that reads elsewhere."""
    paths = sorted(set(discover(root, layout)) | set(extra_paths))
    unsafe = path_problems(paths, Places.of([layout]))
    return [
        (path, YamlProblem(UNSAFE_PATH, unsafe[path]) if path in unsafe else None) for path in paths
    ]


def yaml_files_under(root: Path, folder: str) -> list[str]:
    """Repository-relative paths of the YAML files below ``folder`` (a named directory)."""
    return sorted(_walk(root, root / folder))


def _walk(
    root: Path, top: Path, places: Places | None = None, read: list[str] | None = None
) -> Iterator[str]:
    # os.walk does not follow directory symlinks, so a link cannot lead the scan
    # outside the repository or into a loop; every link is listed for read() to report.
    # Plain strings, not pathlib: a large repository has tens of thousands of names.
    top_text = str(top)
    prefix = top.relative_to(root).as_posix()
    prefix = "" if prefix == "." else prefix
    for dirpath, dirnames, filenames in os.walk(top_text):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if read is not None:
            read.append(dirpath)
        below = dirpath[len(top_text) :].replace(os.sep, "/").strip("/")
        here = "/".join(p for p in (prefix, below) if p)
        seen: dict[str, str] = {}
        for name in sorted((*filenames, *dirnames)):
            path = f"{here}/{name}" if here else name
            wanted = name.endswith(YAML_SUFFIXES) and not name.startswith(".")
            clash = seen.setdefault(fold(name), name) != name
            if places is not None and not wanted and not clash:
                # Not YAML by name: listed only if some reader would disagree about it.
                wanted = os.path.islink(os.path.join(dirpath, name)) or bool(
                    path_problem(path, places)
                )
            if wanted or clash:
                yield path


def read(root: Path | str, path: str, max_size: int) -> SourceFile:
    """Read one repository file safely (see the module docstring)."""
    # Plain strings, not pathlib: a cold lint reads every file of the repository.
    base = str(root)
    full = os.path.join(base, path)
    try:
        info = os.lstat(full)
        is_link = stat.S_ISLNK(info.st_mode)
        if is_link or not _dir_direct(base, os.path.dirname(full)):
            if not _inside(os.path.realpath(full), _realpath(str(root))):
                where = "" if is_link else " (through a linked folder)"
                return _problem(
                    path, f"symbolic link pointing outside the repository{where}; not read"
                )
            if not is_link:
                return _problem(path, _LINKED_FOLDER)
            _stat_link(full)  # a dangling link or a loop says so
            return _problem(path, LINK_PROBLEM)
        if not stat.S_ISREG(info.st_mode):
            return _problem(path, _not_regular(info.st_mode))
        if info.st_size > max_size:
            return _problem(path, _too_large(info.st_size, max_size))
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open won't hang.
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                return _problem(path, "not a regular file; not read")
            data = _read_at_most(fd, max_size + 1, opened.st_size)
        finally:
            os.close(fd)
    except _LinkProblem as exc:
        return _problem(path, str(exc))
    except OSError as exc:
        return _problem(path, _os_error(exc))
    if len(data) > max_size:
        return _problem(path, f"file grew over the {_size(max_size)} limit while being read")
    return SourceFile(path, data)


def _read_at_most(fd: int, limit: int, size: int) -> bytes:
    """Up to ``limit`` bytes from ``fd``, until its end. The first read asks for the
    ``size`` fstat gave plus one byte (a file that grew since shows it), later ones for
    64 KiB: no read allocates the whole limit for a small file."""
    parts: list[bytes] = []
    total = 0
    want = size + 1
    while total < limit:
        part = os.read(fd, min(want, limit - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
        want = 1 << 16
    return b"".join(parts)


_LINKED_FOLDER = (
    "reached through a symbolically linked folder; git stores the link and a checkout "
    "follows it, so readers would disagree: replace the link with the folder itself"
)


class _LinkProblem(Exception):
    """A symbolic link that leads nowhere readable."""


def _stat_link(full: str) -> os.stat_result:
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
def _dir_direct(root: str, directory: str) -> bool:
    """Whether ``directory`` is where its path says inside ``root``: no symbolically
    linked folder on the way (the root itself may be reached through one).

    Cached per folder: resolving every file's full path would cost more than parsing
    it, and the folders of one repository are few.
    """
    expected = os.path.normpath(os.path.join(_realpath(root), os.path.relpath(directory, root)))
    return os.path.realpath(directory) == expected


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
