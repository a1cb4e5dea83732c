"""``itsm daemon start|stop|status``: the lint server behind ``itsm lint --daemon``.

The server (``itsmcode.daemon``) runs ``itsm lint`` here, in its own process, exactly as
a fresh ``itsm`` would: in the client's folder, with the client's environment, its
output captured as the client's terminal would receive it, and every memo of an
earlier request forgotten (``_forget_memos``).
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from typing import Any

import click

from itsmcode.errors import ConfigError

#: A server nobody asks for this long exits (seconds).
DEFAULT_IDLE = 900.0


@click.group()
def daemon() -> None:
    """The lint server that answers 'itsm lint --daemon' (the pre-commit hook).

    One server per user and itsmcode installation; it exits after a while without
    requests, and whenever itsmcode is upgraded.
    """


@daemon.command()
@click.option(
    "--idle",
    type=click.FloatRange(min=1),
    default=DEFAULT_IDLE,
    show_default=True,
    metavar="SECONDS",
    help="Exit after this long without a request.",
)
@click.option(
    "--max-memory",
    type=click.FloatRange(min=1),
    default=200,
    show_default=True,
    metavar="MB",
    help="Exit after a run that took the server past this much memory (a run that "
    "loaded a whole large repository); the next run starts a fresh one.",
)
@click.option("--foreground", is_flag=True, help="Serve in this process until stopped.")
def start(idle: float, max_memory: float, foreground: bool) -> None:
    """Start the lint server (in the background unless --foreground)."""
    from itsmcode.daemon.address import address
    from itsmcode.daemon.client import start_server
    from itsmcode.daemon.server import ask, serve

    where = address(create=True)
    if where is None:
        raise ConfigError(
            "no private folder for the server's socket: set XDG_RUNTIME_DIR or "
            "XDG_CACHE_HOME to a folder only you can enter (mode 700)"
        )
    running = ask(where, "status")
    if running is not None:
        click.echo(f"itsm lint server already running (pid {running.get('pid')})")
        return
    if foreground:
        from itsmcode.lint.cache import keep_connections

        keep_connections()
        os.chdir("/")  # never keeps a repository's folder busy
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        if not serve(where, run_request, _code_now, idle, max_memory):
            raise ConfigError("another itsm lint server holds this address")
        return
    started = start_server(idle, max_memory)
    deadline = time.monotonic() + 10
    while started and time.monotonic() < deadline:
        answer = ask(where, "status")
        if answer is not None:
            click.echo(f"itsm lint server started (pid {answer.get('pid')}): {where.socket}")
            return
        time.sleep(0.05)
    raise ConfigError("the itsm lint server did not start; run 'itsm daemon start --foreground'")


@daemon.command()
def stop() -> None:
    """Stop the lint server (exit 1 when none runs)."""
    from itsmcode.daemon.address import address
    from itsmcode.daemon.server import ask

    where = address()
    answer = ask(where, "stop") if where is not None else None
    if answer is None:
        click.echo("no itsm lint server running")
        sys.exit(1)
    click.echo(f"itsm lint server stopped (pid {answer.get('stopped')})")


@daemon.command()
def status() -> None:
    """Whether the lint server runs, since when, and how many runs it answered (exit 1
    when none runs)."""
    from itsmcode.daemon.address import address
    from itsmcode.daemon.server import ask

    where = address()
    answer = ask(where, "status") if where is not None else None
    if where is None or answer is None:
        click.echo("no itsm lint server running")
        sys.exit(1)
    served = answer.get("served")
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(answer.get("started", 0))))
    click.echo(
        f"itsm lint server running (pid {answer.get('pid')}) since {since}, "
        f"{served} run{'' if served == 1 else 's'} answered, exits after "
        f"{answer.get('idle'):g} s idle\n"
        f"socket: {where.socket}"
    )


def run_request(request: dict[str, Any]) -> tuple[int, bytes, bytes]:
    """Run the request's ``itsm lint`` as a fresh process would; ValueError declines it."""
    from itsmcode.cli.group import cli
    from itsmcode.daemon.client import FLAG

    argv, cwd, env = request.get("argv"), request.get("cwd"), request.get("env")
    tty, encoding = request.get("tty"), request.get("encoding")
    if not (
        isinstance(argv, list)
        and all(isinstance(a, str) for a in argv)
        and argv[:1] == ["lint"]
        and isinstance(cwd, str)
        and isinstance(env, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
        and isinstance(tty, list)
        and len(tty) == 2
        and isinstance(encoding, list)
        and len(encoding) == 2
        and all(isinstance(e, str) for e in encoding)
    ):
        raise ValueError("only 'itsm lint' is served")
    end = argv.index("--") if "--" in argv else len(argv)
    argv = [a for a in argv[:end] if a != FLAG] + argv[end:]
    out, err = _Captured(encoding[0], bool(tty[0])), _Captured(encoding[1], bool(tty[1]))
    saved = (dict(os.environ), os.getcwd(), sys.stdout, sys.stderr)
    try:
        os.chdir(cwd)
    except OSError as exc:
        raise ValueError(f"cannot enter {cwd!r}: {exc.strerror}") from None
    _forget_memos()
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    sys.stdout, sys.stderr = out, err
    try:
        cli.main(argv, prog_name="itsm")
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout, sys.stderr = saved[2], saved[3]
        os.environ.clear()
        os.environ.update(saved[0])
        time.tzset()
        os.chdir(saved[1])
    return status, out.captured(), err.captured()


class _Captured(io.TextIOWrapper):
    """A text stream that keeps what is written, and says it is a terminal when the
    client's is (so colour is chosen as it would be there)."""

    def __init__(self, encoding: str, terminal: bool) -> None:
        self._raw = io.BytesIO()
        try:
            super().__init__(self._raw, encoding=encoding, errors="backslashreplace")
        except LookupError:
            super().__init__(self._raw, encoding="utf-8", errors="backslashreplace")
        self._terminal = terminal

    def isatty(self) -> bool:
        return self._terminal

    def captured(self) -> bytes:
        self.flush()
        return self._raw.getvalue()


def _forget_memos() -> None:
    """Clear every ``functools`` cache in itsmcode's modules: a path's resolved target
    or a folder's safety verdict from an earlier request must be judged again. Kept:
    the code's fingerprint, which the server itself checks before every request."""
    from itsmcode.lint.cache import code_fingerprint

    for name, module in list(sys.modules.items()):
        if module is None or not (name == "itsmcode" or name.startswith("itsmcode.")):
            continue
        for value in list(vars(module).values()):
            if value is code_fingerprint:
                continue
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()


def _code_now() -> str:
    """The installed code as it is now: itsmcode's modules, the interpreter and the
    folders packages are installed in (a dependency upgraded changes their times)."""
    from itsmcode.lint.cache import code_fingerprint

    parts = [code_fingerprint.__wrapped__()]
    for place in [sys.executable, *sys.path]:
        try:
            info = os.stat(place or ".")
        except OSError:
            continue
        parts.append(f"{place}\0{info.st_mtime_ns}\0{info.st_size}")
    return "\n".join(parts)
