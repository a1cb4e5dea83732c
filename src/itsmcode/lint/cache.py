"""The lint cache: parsed files and whole results, keyed by content, code and config.

Two tables in one SQLite file under ``$XDG_CACHE_HOME/itsmcode`` (default
``~/.cache/itsmcode``, marked with a CACHEDIR.TAG so backups skip it):

- ``files``: a file's parsed values (plain values, marshalled), keyed by a hash of its bytes, the
  parser limits and the code fingerprint. Parsing is most of a cold run; validation
  and the rules are cheap next to it, so an edit re-parses only what changed.
- ``results``: a whole run's diagnostics, keyed by every file's key and path, the
  itsm.yaml bytes, the files named on the command line, the code fingerprint and, when
  an enabled rule reads the date, today's date. An unchanged repository is answered
  without parsing, validating or importing the models.

The code fingerprint is the version plus the size and mtime of every module of the
installed package, so an upgrade or a local edit of itsmcode never reads old entries.
Values carry a checksum: a torn, corrupt or foreign entry is a miss, never a wrong
answer or a crash; a database that SQLite cannot open is deleted and rebuilt. Two runs
at once are safe (SQLite's locking; a writer that waits too long skips writing). The
approval gate and the audit never use this cache (docs/security.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import itsmcode
from itsmcode.diagnostics import Diagnostic, Location, Severity

#: Bound on the number of file entries kept; the least recently used go first.
MAX_FILE_ENTRIES = 200_000
MAX_RESULT_ENTRIES = 256
#: An entry's last use is recorded again only when older than this (seconds): the order
#: in which a full cache forgets entries needs no finer time, and rewriting hundreds of
#: rows on every run is most of what reading them costs.
TOUCH_AFTER = 3600.0
#: Databases kept in the cache folder (one per itsmcode build), the newest.
KEPT_DATABASES = 3
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file marks the itsmcode lint cache (https://bford.info/cachedir/).\n"
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (key BLOB PRIMARY KEY, value BLOB NOT NULL, used REAL NOT NULL);
CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, value BLOB NOT NULL, used REAL NOT NULL);
"""


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "itsmcode"


@cache
def code_fingerprint() -> str:
    """itsmcode's version and the size and mtime of every module of the package."""
    package = Path(itsmcode.__file__).parent
    digest = hashlib.blake2b(itsmcode.__version__.encode(), digest_size=16)
    for module in sorted(package.rglob("*.py")):
        info = module.stat()
        digest.update(
            f"{module.relative_to(package)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode()
        )
    return digest.hexdigest()


def file_key(data: bytes, limits: tuple[int, ...]) -> bytes:
    digest = hashlib.blake2b(data, digest_size=20, person=b"itsm-file")
    digest.update(repr(limits).encode())
    return digest.digest()


def result_key(parts: Iterable[bytes]) -> bytes:
    digest = hashlib.blake2b(digest_size=20, person=b"itsm-result")
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    files: int
    results: int
    size: int


class _Kept:
    """Connections a long-lived process keeps from one run to the next (the lint server
    turns this on: ``keep_connections``). Closing a database's last connection
    checkpoints its write-ahead log, most of what the cache costs a one-file run; a kept
    connection is used again only while its file is the same file (same inode), so a
    cleared or replaced cache is opened afresh."""

    enabled: ClassVar[bool] = False
    connections: ClassVar[dict[str, tuple[int, sqlite3.Connection]]] = {}


def keep_connections() -> None:
    _Kept.enabled = True


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


class LintCache:
    """One open cache database; every failure degrades to a miss."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or cache_root()
        self.path = self.directory / f"lint-{code_fingerprint()[:16]}.sqlite"
        self._db: sqlite3.Connection | None = None
        kept = _Kept.connections.pop(str(self.path), None)
        if kept is not None:
            if _inode(self.path) == kept[0]:
                self._db = kept[1]
                return
            kept[1].close()
        try:
            self._db = self._open()
        except (OSError, sqlite3.Error):
            self._db = None  # a read-only or broken home: lint runs uncached

    def _open(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_TAG, encoding="utf-8")
        if not self.path.exists():
            _prune(self.directory, keep=KEPT_DATABASES - 1)
        for attempt in range(2):
            try:
                db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # a cache needs no fsync per write
                db.executescript(_SCHEMA)
                db.execute("SELECT count(*) FROM files").fetchone()
                return db
            except sqlite3.DatabaseError:
                if attempt:
                    raise
                self.path.unlink(missing_ok=True)  # not a database any more: rebuild
        raise AssertionError("unreachable")

    def files(self, keys: Iterable[bytes]) -> dict[bytes, Any]:
        wanted = list(dict.fromkeys(keys))
        found: dict[bytes, Any] = {}
        if self._db is None or not wanted:
            return found
        touched: list[bytes] = []
        stale = time.time() - TOUCH_AFTER
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                rows = self._db.execute(
                    "SELECT key, value, used FROM files "
                    f"WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                for key, value, used in rows:
                    decoded = _decode(value)
                    if decoded is not _MISS:
                        found[key] = decoded
                        if used < stale:
                            touched.append(key)
            self._touch("files", touched)
        except sqlite3.Error:
            return {}
        return found

    def put_files(self, values: Mapping[bytes, Any]) -> None:
        self._put("files", [(k, _encode(v)) for k, v in values.items()], MAX_FILE_ENTRIES)

    def value(self, key: bytes) -> Any:
        """A stored run-level value (a result, a config's facts), or None."""
        if self._db is None:
            return None
        try:
            # The checksum first: a large value decoded earlier in this process is not
            # even read again (``_DECODED``).
            row = self._db.execute(
                "SELECT substr(value, 1, 16) FROM results WHERE key = ?", (key,)
            ).fetchone()
            if row and isinstance(row[0], bytes) and row[0] in _DECODED:
                decoded = _DECODED[row[0]]
            else:
                row = self._db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
                decoded = _decode(row[0]) if row else _MISS
        except sqlite3.Error:
            return None
        if decoded is _MISS:
            return None
        self._touch("results", [key])
        return decoded

    def put_value(self, key: bytes, value: Any) -> None:
        self._put("results", [(key, _encode(value))], MAX_RESULT_ENTRIES)

    def result(self, key: bytes) -> tuple[list[Diagnostic], int] | None:
        stored = self.value(key)
        try:
            return [_diagnostic(d) for d in stored["diagnostics"]], int(stored["files"])
        except (KeyError, TypeError, ValueError):
            return None

    def put_result(self, key: bytes, diagnostics: list[Diagnostic], files: int) -> None:
        self.put_value(key, {"diagnostics": [_plain(d) for d in diagnostics], "files": files})

    def _put(self, table: str, rows: list[tuple[bytes, bytes]], bound: int) -> None:
        if self._db is None or not rows:
            return
        now = time.time()
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)",
                    [(k, v, now) for k, v in rows],
                )
                # Trimming sorts the whole table: only when it is over the bound
                # (counting is cheap), not on every write.
                (count,) = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()
                if count > bound:
                    self._db.execute(
                        f"DELETE FROM {table} WHERE key IN (SELECT key FROM {table} "
                        f"ORDER BY used DESC LIMIT -1 OFFSET ?)",
                        (bound,),
                    )
        except sqlite3.Error:
            pass  # another run holds the lock: this run's entries are simply not kept

    def _touch(self, table: str, keys: list[bytes]) -> None:
        if self._db is None or not keys:
            return
        now = time.time()
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                f"UPDATE {table} SET used = ? WHERE key = ?", [(now, k) for k in keys]
            )

    def close(self) -> None:
        if self._db is None:
            return
        inode = _inode(self.path) if _Kept.enabled else None
        if inode is not None:
            _Kept.connections[str(self.path)] = (inode, self._db)
        else:
            self._db.close()
        self._db = None


def info(directory: Path | None = None) -> list[CacheInfo]:
    """One line per cache database found (this version's and older ones)."""
    root = directory or cache_root()
    out = []
    for path in sorted(root.glob("lint-*.sqlite")):
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
            try:
                files = db.execute("SELECT count(*) FROM files").fetchone()[0]
                results = db.execute("SELECT count(*) FROM results").fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            files = results = -1
        size = sum(p.stat().st_size for p in root.glob(path.name + "*") if p.is_file())
        out.append(CacheInfo(path, files, results, size))
    return out


def _prune(directory: Path, keep: int) -> None:
    """Delete all but the ``keep`` most recently written databases: each itsmcode build
    (an upgrade, or every edit of an editable install) starts its own, and the folder
    must stay bounded. A run still using a deleted one keeps working on it (POSIX) and
    its writes are simply not kept."""
    found = []
    for path in directory.glob("lint-*.sqlite"):
        with contextlib.suppress(OSError):
            found.append((max(p.stat().st_mtime for p in directory.glob(path.name + "*")), path))
    for _, path in sorted(found, reverse=True)[keep:]:
        for part in directory.glob(path.name + "*"):
            part.unlink(missing_ok=True)


def clear(directory: Path | None = None) -> int:
    """Delete every cache database; the number of files removed."""
    root = directory or cache_root()
    removed = 0
    for path in root.glob("lint-*.sqlite*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


_MISS = object()


def _encode(value: Any) -> bytes:
    # marshal: plain values (dicts, lists, tuples, strings, numbers) round-trip exactly
    # (JSON would turn tuples into lists and integer keys into strings) and load several
    # times faster than JSON; the checksum keeps a torn or corrupt entry from loading.
    body = marshal.dumps(value, 4)
    return hashlib.blake2b(body, digest_size=16).digest() + body


#: Large values decoded earlier in this process, by checksum: the lint server
#: (``itsmcode.daemon``) reads the same repository's stats on every run, and decoding
#: them costs more than the rest of its answer. The checksum is of the bytes, so a
#: value is only ever reused for the bytes it came from (or for a stored entry whose
#: body has since been damaged under an intact checksum: the value is the good one).
_DECODED: dict[bytes, Any] = {}
_DECODED_MIN_SIZE = 1 << 18
_DECODED_KEPT = 4


def _decode(blob: Any) -> Any:
    """A stored value, or ``_MISS``. Large ones may be shared with an earlier call:
    callers never mutate what the cache returns."""
    if not isinstance(blob, bytes) or len(blob) < 16:
        return _MISS
    check, body = blob[:16], blob[16:]
    if hashlib.blake2b(body, digest_size=16).digest() != check:
        return _MISS
    if check in _DECODED:
        return _DECODED[check]
    try:
        value = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return _MISS
    if len(body) >= _DECODED_MIN_SIZE:
        while len(_DECODED) >= _DECODED_KEPT:
            del _DECODED[next(iter(_DECODED))]
        _DECODED[check] = value
    return value


def _plain(diagnostic: Diagnostic) -> list[Any]:
    where = diagnostic.location
    return [
        where.path,
        where.line,
        where.column,
        diagnostic.rule,
        diagnostic.message,
        diagnostic.severity.value,
    ]


def _diagnostic(row: list[Any]) -> Diagnostic:
    path, line, column, rule, message, severity = row
    return Diagnostic(Location(path, line, column), rule, message, Severity(severity))
