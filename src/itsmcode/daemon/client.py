"""The client side of ``itsm lint --daemon``: ask the server, print its answer.

Imports only the standard library, so that asking costs a few milliseconds. Every
failure (no server, a server of another version that declines, a broken connection)
returns None and the caller runs the command itself: the server is a shortcut, never
a place where an answer can be lost. Output is written only once the whole answer has
arrived, so a failure halfway never prints half of it twice.
"""

from __future__ import annotations

import os
import sys

from itsmcode.daemon.address import address
from itsmcode.daemon.wire import exchange
from itsmcode.streams import EXIT_BROKEN_PIPE, quiet_stdout

FLAG = "--daemon"
#: A server that does not accept within this long is busy or stuck: run in-process.
CONNECT_TIMEOUT = 2.0
#: How long one answer may take (a first full load of a very large repository).
ANSWER_TIMEOUT = 600.0


def in_ci() -> bool:
    """CI runs each command once on a fresh machine: a server there would only linger."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def wants_server(argv: list[str]) -> bool:
    """``itsm lint ... --daemon ...`` (before any ``--``), outside CI."""
    options = argv[: argv.index("--")] if "--" in argv else argv
    return argv[:1] == ["lint"] and FLAG in options and not in_ci()


def forward(argv: list[str]) -> int | None:
    """Run ``itsm ARGV`` on this user's server and print its output; its exit status,
    or None when no server gave a whole answer."""
    where = address()
    streams = (sys.stdout, sys.stderr)
    if where is None or not all(hasattr(stream, "buffer") for stream in streams):
        return None  # no private folder, or output that is not a byte stream underneath
    request: dict[str, object] = {
        "argv": argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "tty": [_isatty(sys.stdout), _isatty(sys.stderr)],
        "encoding": [sys.stdout.encoding or "utf-8", sys.stderr.encoding or "utf-8"],
    }
    answer = exchange(where.socket, request, CONNECT_TIMEOUT, ANSWER_TIMEOUT)
    if answer is None:
        return None
    header, blobs = answer
    status = header.get("exit")
    if not isinstance(status, int) or len(blobs) != 2:
        return None  # declined: another version's code, or not a command it runs
    try:
        for stream, data in ((sys.stdout, blobs[0]), (sys.stderr, blobs[1])):
            stream.flush()
            stream.buffer.write(data)
            stream.flush()
    except BrokenPipeError:
        quiet_stdout()
        return EXIT_BROKEN_PIPE  # as the in-process command reports a reader that went away
    return status


def _isatty(stream: object) -> bool:
    try:
        return bool(getattr(stream, "isatty", lambda: False)())
    except ValueError:
        return False


def start_server(idle: float | None = None, max_memory_mb: float | None = None) -> bool:
    """Start a server in the background (whether one could be started).

    Detached the classic way (fork, new session, fork again), so that it outlives the
    hook, a Ctrl-C at the terminal does not reach it, and no zombie is left behind. It
    starts in ``/``: ``python -m`` puts the current folder first on the import path,
    and the current folder is a repository, whose files must never be imported as code.
    """
    command = [sys.executable, "-m", "itsmcode", "daemon", "start", "--foreground"]
    if idle is not None:
        command += ["--idle", str(idle)]
    if max_memory_mb is not None:
        command += ["--max-memory", str(max_memory_mb)]
    try:
        child = os.fork()
    except OSError:
        return False
    if child == 0:  # the child: it never returns
        try:
            os.setsid()
            if os.fork() == 0:
                os.chdir("/")
                quiet = os.open(os.devnull, os.O_RDWR)
                for stream in (0, 1, 2):
                    os.dup2(quiet, stream)
                os.execv(sys.executable, command)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    return True
