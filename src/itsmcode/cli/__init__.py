"""The ``itsm`` command: thin click commands over the library (``cli/group.py``).

``main`` stays free of imports: ``itsm lint --daemon`` (the pre-commit hook) first asks
the lint server (``itsmcode.daemon``), and only when none answers are click and the
commands imported to run it here.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.stdout is None or sys.stderr is None:
        # Started with a standard stream closed (``itsm lint >&-``): what would be
        # written there is discarded, as a shell user who closed it expects.
        import os

        discard = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run
        sys.stdout = sys.stdout or discard
        sys.stderr = sys.stderr or discard
    arguments = sys.argv[1:]
    if "--daemon" in arguments:
        from itsmcode.daemon.client import forward, wants_server

        if wants_server(arguments):
            try:
                status = forward(arguments)
            except KeyboardInterrupt:
                print("itsm: interrupted", file=sys.stderr)
                status = 130  # as the command itself reports a Ctrl-C
            if status is not None:
                sys.exit(status)
    from itsmcode.cli.group import cli

    if arguments[:1] == ["lint"]:
        from itsmcode.streams import exit_now

        # A cold lint of a large repository leaves a catalog of millions of objects:
        # freeing them one by one at exit costs a tenth of a second, for nothing.
        exit_now(lambda: cli(prog_name="itsm"))
    cli(prog_name="itsm")
