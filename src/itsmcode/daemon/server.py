"""The server side of ``itsm lint --daemon``: one warm process per user and installation.

It serves one request at a time (a hook's runs are serial anyway), each with the
client's folder and environment, through a handler the command-line layer supplies
(``cli/daemon_cmd.py`` runs ``itsm lint`` itself). It stops when idle for a while, when
asked (``itsm daemon stop``), after a run that made it large (``MAX_MEMORY_MB``), and as
soon as the installed code differs from the code it started with: that request is
declined, so the client runs it in-process with the new code, and the next run starts
a fresh server. A lock file keeps it to one server
per address; only the lock's holder creates or removes the socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import resource
import socket
import struct
import sys
import time
from collections.abc import Callable
from typing import Any

from itsmcode.daemon.address import Address
from itsmcode.daemon.wire import WireError, exchange, receive, send

#: request header -> (exit status, stdout bytes, stderr bytes); ValueError declines it.
Handler = Callable[[dict[str, Any]], tuple[int, bytes, bytes]]
#: A client that connected must send its request within this long.
REQUEST_TIMEOUT = 10.0
#: A server that ever held more than this (MB) exits after answering: Python keeps the
#: memory of a run that loaded a whole large repository, and a server should not sit on
#: it between commits. The next run answers itself and starts a fresh one.
MAX_MEMORY_MB = 200


def peak_memory() -> int:
    """This process's peak resident memory in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def serve(
    where: Address,
    handler: Handler,
    code: Callable[[], str],
    idle: float,
    max_memory_mb: float = MAX_MEMORY_MB,
) -> bool:
    """Serve until ``idle`` seconds pass without a run, stopped, or the code changes; False at once
    when another server holds the address."""
    lock = os.open(where.lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(lock)
        return False
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(where.socket)  # left by a server that was killed
        mask = os.umask(0o077)
        try:
            listener.bind(where.socket)
        finally:
            os.umask(mask)
        listener.listen(16)
        _loop(listener, handler, code, idle, max_memory_mb)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(where.socket)
        listener.close()
        os.close(lock)
    return True


def _loop(
    listener: socket.socket,
    handler: Handler,
    code: Callable[[], str],
    idle: float,
    max_memory_mb: float,
) -> None:
    started, served, snapshot = time.time(), 0, code()
    deadline = time.monotonic() + idle  # only runs keep it alive, not status questions
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        listener.settimeout(remaining)
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            return
        with connection:
            if not _same_user(connection):
                continue
            connection.settimeout(REQUEST_TIMEOUT)
            try:
                header, _ = receive(connection)
                connection.settimeout(None)
                action = header.get("action", "run")
                if action == "status":
                    status = {"pid": os.getpid(), "started": started, "served": served}
                    send(connection, {**status, "idle": idle})
                    continue
                if action == "stop":
                    send(connection, {"stopped": os.getpid()})
                    return
                if code() != snapshot:
                    send(connection, {"declined": "itsmcode was reinstalled or changed"})
                    return
                try:
                    status_code, out, err = handler(header)
                except ValueError as exc:
                    send(connection, {"declined": str(exc)})
                    continue
                served += 1
                deadline = time.monotonic() + idle
                send(connection, {"exit": status_code}, out, err)
                if peak_memory() > max_memory_mb * 1024 * 1024:
                    return  # a run loaded a whole large repository: give the memory back
            except (OSError, WireError):
                continue  # the client went away or sent garbage: it runs in-process


def _same_user(connection: socket.socket) -> bool:
    """The peer runs as this user (Linux's SO_PEERCRED; elsewhere the private folder
    is the only way in)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    credentials = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def ask(where: Address, action: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """A ``status`` or ``stop`` request's answer, or None when no server answers."""
    answer = exchange(where.socket, {"action": action}, timeout, timeout)
    return None if answer is None else answer[0]
