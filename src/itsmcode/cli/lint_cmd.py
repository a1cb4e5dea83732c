"""``itsm lint``: schema and semantic validation with file:line:col diagnostics."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from itsmcode.cli.options import (
    DateTimeParam,
    color_option,
    repo_option,
    repo_relative,
    resolve_root,
    use_color,
)
from itsmcode.errors import ConfigError
from itsmcode.reporters.lint import LINT_REPORTERS

if TYPE_CHECKING:
    from itsmcode.load.catalog import Catalog
    from itsmcode.models import ChangeRequest


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@repo_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(LINT_REPORTERS.names),
    default=None,
    help="Output format (default: github under GitHub Actions, else text).",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--now",
    type=DateTimeParam(),
    metavar="TIME",
    default=None,
    help="Evaluate date rules (review-due) as of TIME (YYYY-MM-DD or "
    "YYYY-MM-DDTHH:MM:SS+HH:MM) instead of the current time.",
)
@click.option(
    "--list-rules", is_flag=True, help="List every rule with its default severity and exit."
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; only the exit code tells.")
@click.option(
    "--at",
    "at",
    metavar="REF|DATE",
    default=None,
    help="Lint the repository as it was at a git revision (or at the last commit on HEAD's "
    "first-parent line on or before a date, YYYY-MM-DD), read from git, not checked out.",
)
@click.option(
    "--changed",
    "changed",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[REF]",
    help="Report only the files changed since REF (default: the merge base with the "
    "upstream branch) and the files whose diagnostics they can change.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the lint cache.")
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Processes that parse files in a large repository (default 0: one per core).",
)
@click.option(
    "--daemon",
    is_flag=True,
    help="Answer from this user's lint server, starting one for the next run when none "
    "answers (the pre-commit hook's way to be fast; ignored under CI). See 'itsm daemon'.",
)
@color_option
def lint(
    paths: tuple[Path, ...],
    repo: Path | None,
    fmt: str | None,
    strict: bool,
    now: datetime | None,
    list_rules: bool,
    quiet: bool,
    at: str | None,
    changed: str | None,
    no_cache: bool,
    jobs: int,
    daemon: bool,
    color: bool | None,
) -> None:
    """Validate the repository (or only PATHS) against the schemas and the ITSM rules.

    Exit status: 0 no errors (warnings allowed), 1 errors found (or warnings with
    --strict), 2 usage or configuration error, 3 an internal bug.
    """
    from itsmcode.lint.options import LintOptions
    from itsmcode.lint.run import lint_repository
    from itsmcode.reporters.base import ReportOptions

    if list_rules:
        _print_rules()
        return
    if daemon:
        _start_server()
    root = resolve_root(repo)
    if at is None:  # with --at, paths name files as they were at that ref
        missing = [str(p) for p in paths if not os.path.lexists(p)]
        if missing:
            raise ConfigError(f"no such file or directory: {', '.join(missing)}")
    relative = tuple(repo_relative(root, p) for p in paths)
    if now is not None and now.tzinfo is None:
        from datetime import timezone

        now = now.replace(tzinfo=timezone.utc)
    if changed is not None and (paths or at is not None):
        raise ConfigError("--changed chooses the files itself: drop PATHS and --at")
    options = LintOptions(
        paths=relative, now=now, cache=not no_cache, workers=jobs, risk=_scores_high
    )
    if changed is not None:
        from itsmcode.lint.changed import lint_changed

        result = lint_changed(root, changed or None, options)
    elif at is not None:
        from itsmcode.audit.at import lint_at
        from itsmcode.load.config import load_config

        try:
            fallback = load_config(root)
        except ConfigError:
            fallback = None
        result = lint_at(root, at, relative, now, fallback)
    else:
        result = lint_repository(root, options)
    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt not in LINT_REPORTERS:
        raise ConfigError(f"--format {fmt} is not available in this version")
    if not quiet:
        report = ReportOptions(color=use_color(color), root=root, environ=dict(os.environ))
        LINT_REPORTERS[fmt](result, sys.stdout, report)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    sys.exit(1 if failed else 0)


def _start_server() -> None:
    """No server answered (``itsm.cli.main`` asked first): start one for the next run,
    which works while this run lints. Outside CI only, like the asking."""
    from itsmcode.daemon.address import address
    from itsmcode.daemon.client import in_ci, start_server

    if not in_ci() and address(create=True) is not None:
        start_server()


def _print_rules() -> None:
    from itsmcode.lint.rules import DEFAULT_SEVERITY, LOAD_CHECKS, RULES

    for rule_id in [*LOAD_CHECKS, *RULES]:
        module = RULES.get(rule_id) or LOAD_CHECKS[rule_id]
        summary = (module.__doc__ or "").strip().splitlines()[0]
        summary = summary.split(": ", 1)[-1] if summary.startswith(rule_id) else summary
        severity = DEFAULT_SEVERITY[rule_id]
        click.echo(f"{rule_id:24} {severity.value if severity else 'off':8} {summary}")


def _scores_high(catalog: Catalog, change: ChangeRequest) -> bool:
    """risk-understated's scorer, imported only when the rules run (not on a cache hit)."""
    from itsmcode.reports.risk import scores_high

    return scores_high(catalog, change)
