"""Writing files so that nobody ever sees half of one: the one atomic-write helper.

The text goes to a new file beside the target (random name, ``O_EXCL``, so it never
collides with a file of the user's), is flushed and fsynced, then renamed over the
target in one step. A crash leaves the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


class ChangedUnderfoot(Exception):
    """The file changed between reading and writing it (an editor saved meanwhile)."""


def write_atomic(target: Path, data: str | bytes, *, expect: bytes | None = None) -> None:
    """Replace (or create) ``target`` with ``data`` in one step.

    An existing file keeps its permission bits. With ``expect``, the write goes ahead
    only if the file still holds exactly those bytes, so a rewrite never discards an
    edit made after the file was read.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = 0o666 & ~_umask()
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if expect is not None and target.read_bytes() != expect:
            raise ChangedUnderfoot(str(target))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
