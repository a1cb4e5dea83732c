"""The ``itsm`` command group: every subcommand, and exceptions mapped to exit codes.

Commands parse options, call the library and pick a reporter; they never print
diagnostics themselves. Every ItsmError becomes one line on stderr and exit 2; any
other exception is a bug and is reported as one (exit 3), never as a bare traceback.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from typing import Any

import click

from itsmcode import __version__
from itsmcode.errors import ItsmError
from itsmcode.streams import EXIT_BROKEN_PIPE, quiet_stdout

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


#: ``itsm`` or ``itsm policy`` alone: click shows the help (click 8.2 and later).
_NO_ARGS_IS_HELP: type[Exception] | None = getattr(click.exceptions, "NoArgsIsHelpError", None)


def _usage_error(exc: click.ClickException) -> str:
    """A click error as one line in itsm's style, pointing at the command's --help."""
    if _NO_ARGS_IS_HELP is not None and isinstance(exc, _NO_ARGS_IS_HELP):
        return exc.format_message()  # the help text itself, as click prints it
    message = " ".join(exc.format_message().split())
    message = message[:1].lower() + message[1:]  # "no such option", like every other message
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        message += f" (see '{exc.ctx.command_path} --help')"
    return f"itsm: error: {message}"


class ItsmGroup(click.Group):
    """Maps exceptions to exit codes in one place (like pre-commit's error_handler)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0]) if args else ""
        if args and name not in COMMANDS and not name.startswith("-"):
            from itsmcode.suggest import did_you_mean

            ctx.fail(f"no such command '{name}'{did_you_mean(name, COMMANDS)}")
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        # A file name that is not UTF-8 is read back with lone surrogates (surrogateescape):
        # shown escaped (\udcff), never an encoding error halfway through a report.
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(errors="backslashreplace")
        # click's standalone mode prints its own "Usage: ... Error: ..." block and exits 1
        # on a broken pipe; run it non-standalone and report in one style instead.
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
            sys.stdout.flush()
        except click.ClickException as exc:
            click.echo(_usage_error(exc), err=True)
            code = exc.exit_code
        except click.Abort:
            click.echo("itsm: interrupted", err=True)
            code = EXIT_INTERRUPTED
        except BrokenPipeError:
            quiet_stdout()
            code = EXIT_BROKEN_PIPE
        sys.exit(code if isinstance(code, int) else EXIT_OK)

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
            quiet_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt:
            click.echo("itsm: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
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


#: Every subcommand: name → "module:attribute". A command's module is imported only when
#: that command runs (or help lists them all), so ``itsm --version`` and a one-file lint
#: in a pre-commit hook import nothing they do not use.
COMMANDS: dict[str, str] = {
    "lint": "itsmcode.cli.lint_cmd:lint",
    "fmt": "itsmcode.cli.fmt_cmd:fmt",
    "new": "itsmcode.cli.new_cmd:new",
    "init": "itsmcode.cli.init_cmd:init",
    "schema": "itsmcode.cli.schema_cmd:schema",
    "diff": "itsmcode.cli.diff_cmd:diff",
    "show": "itsmcode.cli.show_cmd:show",
    "policy": "itsmcode.cli.policy_cmd:policy",
    "audit": "itsmcode.cli.audit_cmd:audit",
    "history": "itsmcode.cli.audit_cmd:history",
    "cache": "itsmcode.cli.cache_cmd:cache",
    "daemon": "itsmcode.cli.daemon_cmd:daemon",
    "report": "itsmcode.cli.report_cmd:report",
    "score": "itsmcode.cli.score_cmd:score",
    "calendar": "itsmcode.cli.calendar_cmd:calendar",
    "impact": "itsmcode.cli.impact_cmd:impact",
    "graph": "itsmcode.cli.impact_cmd:graph",
    "risk": "itsmcode.cli.risk_cmd:risk",
    "cab": "itsmcode.cli.cab_cmd:cab",
    "import": "itsmcode.cli.import_cmd:import_group",
    "export": "itsmcode.cli.export_cmd:export_group",
    "site": "itsmcode.cli.site_cmd:site",
}
