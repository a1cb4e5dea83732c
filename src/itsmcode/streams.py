"""Standard output when its reader has gone away (``itsm lint | head -1``)."""

from __future__ import annotations

import io
import os
import sys

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
