"""Where a user's lint server listens: a Unix socket in a folder only that user can enter.

The folder is ``$XDG_RUNTIME_DIR/itsmcode`` (a per-user, memory-backed folder on
systemd machines) or else ``$XDG_CACHE_HOME/itsmcode/daemon``. It must be a real
folder (not a symbolic link) owned by the user and closed to everybody else; anything
else means no server (the command runs in-process), never a socket where another user
could answer in the server's place. One server per Python environment (``sys.prefix``:
``python`` and ``python3`` of one virtual environment share it) and itsmcode
installation: the socket's name is a digest of both.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys

#: ``sun_path`` holds 108 bytes on Linux (104 on macOS) including the final NUL.
MAX_SOCKET_PATH = 100


class Address:
    """The server's folder, socket and lock file (a plain class: ``dataclasses`` would
    cost the client as much time as the rest of its imports together)."""

    __slots__ = ("folder", "lock", "socket")

    def __init__(self, folder: str, socket: str, lock: str) -> None:
        self.folder, self.socket, self.lock = folder, socket, lock


def address(create: bool = False) -> Address | None:
    """This interpreter's server address, or None where a safe one cannot be had (the
    folder is missing and ``create`` is off, is not private, or the path is too long)."""
    folder = _folder()
    if folder is None:
        return None
    if create:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError:
            return None
    if not private(folder):
        return None
    import itsmcode

    identity = "\0".join([sys.prefix, os.path.dirname(itsmcode.__file__), itsmcode.__version__])
    name = hashlib.blake2b(identity.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    socket_path = os.path.join(folder, f"lint-{name}.sock")
    if len(os.fsencode(socket_path)) > MAX_SOCKET_PATH:
        return None
    return Address(folder, socket_path, os.path.join(folder, f"lint-{name}.lock"))


def private(folder: str) -> bool:
    """A real folder of this user's that nobody else may enter or write."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )


def _folder() -> str | None:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and private(runtime):
        return os.path.join(runtime, "itsmcode")
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if not cache or not os.path.isabs(cache):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        cache = os.path.join(home, ".cache")
    return os.path.join(cache, "itsmcode", "daemon")
