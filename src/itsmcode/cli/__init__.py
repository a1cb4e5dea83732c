"""The ``itsm`` command: thin click commands over the library.

Commands parse options, call the library and pick a reporter; they never print
diagnostics themselves. Every ItsmError becomes one line on stderr and exit 2; any
other exception is a bug and is reported as one (exit 3), never as a bare traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from itsmcode import __version__
from itsmcode.errors import ItsmError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class ItsmGroup(click.Group):
    """Maps exceptions to exit codes in one place (like pre-commit's error_handler)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ItsmError as exc:
            click.echo(f"itsm: error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (``itsm lint | head``): stop quietly, like cat does.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(EXIT_FINDINGS)
        except KeyboardInterrupt:
            click.echo("itsm: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if os.environ.get("ITSM_DEBUG"):
                raise
            click.echo(
                f"itsm: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in itsmcode, not in your files. Re-run with ITSM_DEBUG=1 for "
                "the traceback and report it with the command you ran.",
                err=True,
            )
            ctx.exit(EXIT_BUG)


@click.group(cls=ItsmGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="itsm")
def cli() -> None:
    """IT Service Management as code: lint, diff and govern an ITSM repository."""


def _register() -> None:
    # Each command module imports its heavy dependencies lazily, so ``itsm --version``
    # and a one-file lint in a pre-commit hook start quickly.
    from itsmcode.cli import init_cmd, lint_cmd, schema_cmd

    cli.add_command(lint_cmd.lint)
    cli.add_command(init_cmd.init)
    cli.add_command(schema_cmd.schema)
    from itsmcode.cli import policy_cmd

    cli.add_command(policy_cmd.policy)
    from itsmcode.cli import diff_cmd, show_cmd

    cli.add_command(diff_cmd.diff)
    cli.add_command(show_cmd.show)
    from itsmcode.cli import audit_cmd

    cli.add_command(audit_cmd.audit)
    cli.add_command(audit_cmd.history)
    from itsmcode.cli import import_cmd

    cli.add_command(import_cmd.import_group)
    from itsmcode.cli import export_cmd

    cli.add_command(export_cmd.export_group)


_register()


def main() -> None:
    cli(prog_name="itsm")
    sys.exit(EXIT_OK)
