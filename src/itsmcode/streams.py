"""Standard output when its reader has gone away (``itsm lint | head -1``)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from typing import NoReturn

#: 128 + SIGPIPE, what a shell reports for ``cat`` in the same place, so
#: ``set -o pipefail`` scripts see the usual status.
EXIT_BROKEN_PIPE = 141


def quiet_stdout() -> None:
    """Point stdout at /dev/null so flushes at exit cannot raise again (Python docs, SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (click's test runner): nothing is flushed at exit


def exit_now(run: Callable[[], object]) -> NoReturn:
    """Call ``run`` (a command that ends with ``sys.exit``) and end the process the
    moment it is done, its output flushed, without the interpreter's teardown (every
    module and object freed one by one, ``atexit`` handlers run).

    Only for a process's own entry point, for a command that cleans up after itself
    (closes its databases, shuts its process pool down) before it returns: never under
    a test runner or inside a server, whose process lives on."""
    try:
        run()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # what the interpreter does with sys.exit("message")
        print(code, file=sys.stderr)
        status = 1
    try:
        if sys.stdout is not None:  # None when started with stdout closed (>&-)
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        status = EXIT_BROKEN_PIPE
    except (OSError, ValueError):
        pass
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os._exit(status)
