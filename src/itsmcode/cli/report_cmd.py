"""``itsm report sla|changes|problems``: the proactive reports (docs/reports.md).

Exit status: 0 reported, 1 a finding of a ``--fail-on`` type exists, 2 usage or
configuration error, 3 an internal bug.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.errors import ConfigError
from itsmcode.reporters.report import REPORT_WRITERS
from itsmcode.reports.common import NEEDS_PRACTICE

if TYPE_CHECKING:
    from itsmcode.load.catalog import Catalog

#: Finding types of each report (what --fail-on accepts), and the practice it needs.
FINDING_TYPES: dict[str, tuple[str, ...]] = {
    "sla": ("sla-breach", "availability-breach"),
    "changes": ("change-failure-rate", "review-overdue", "emergency-share"),
    "problems": (
        "recurring-incidents",
        "known-error-without-fix",
        "problem-review-due",
        "problem-incidents-mismatch",
        "review-due",
        "live-service-without-sla",
        "team-owns-nothing",
    ),
}

F = Callable[..., Any]


def _common(name: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return _options(func, name)

    return decorate


def _options(func: F, name: str) -> F:
    for decorator in reversed(
        [
            repo_option,
            click.option(
                "--since",
                metavar="DATE|TIME",
                help="Start of the period: a date (midnight in itsm.yaml's spec.timezone) or "
                "a timestamp with an offset. Default: 90 days before --until.",
            ),
            click.option(
                "--until",
                metavar="DATE|TIME",
                help="End of the period (excluded), and 'now' for whatever is still open. "
                "Default: now.",
            ),
            click.option(
                "--at",
                metavar="REF|DATE",
                help="Report on the repository as it was at a git revision (or at the last "
                "commit on HEAD's first-parent line on or before a date), as lint --at.",
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(REPORT_WRITERS.names),
                default="text",
                show_default=True,
                help="Output format.",
            ),
            click.option(
                "--fail-on",
                metavar="TYPE[,TYPE...]",
                default="",
                help="Exit 1 when a finding of one of these types exists (for CI): "
                + ", ".join(FINDING_TYPES[name])
                + ".",
            ),
        ]
    ):
        func = decorator(func)
    return func


@click.group()
def report() -> None:
    """Proactive reports: SLA attainment, change failure rate, recurring incidents.

    Exit status: 0 reported, 1 a finding of a --fail-on type exists, 2 usage or
    configuration error, 3 an internal bug. See docs/reports.md.
    """


def _run(name: str, **options: Any) -> None:
    from itsmcode.reports import changes, problems, sla
    from itsmcode.reports.common import parse_period

    builders = {"sla": sla.build, "changes": changes.build, "problems": problems.build}
    fail_on = _fail_on(name, options["fail_on"])
    catalog = load_catalog(resolve_root(options["repo"]), options["at"])
    practice = NEEDS_PRACTICE[name]
    if practice not in catalog.config.spec.practices:
        raise ConfigError(
            f"itsm report {name} needs the {practice} practice: add '{practice}' to "
            "spec.practices in itsm.yaml"
        )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    period = parse_period(options["since"], options["until"], catalog.config.spec.timezone, now)
    broken = sum(1 for record in catalog.records if record.entity is None)
    if broken:
        click.echo(
            f"itsm: warning: {broken} file{' did' if broken == 1 else 's did'} not load and "
            f"{'is' if broken == 1 else 'are'} left out of this report; run 'itsm lint' to "
            "see why",
            err=True,
        )
    from itsmcode.load.snapshot import paused_gc

    # Thousands of small result objects, none garbage until the end: as when loading.
    with paused_gc():
        result = builders[name](catalog, period)
        REPORT_WRITERS[options["fmt"]](result, sys.stdout)
    sys.exit(1 if any(f.type in fail_on for f in result.findings) else 0)


def _fail_on(name: str, text: str) -> set[str]:
    from itsmcode.suggest import did_you_mean

    wanted = {part.strip() for part in text.split(",") if part.strip()}
    known = FINDING_TYPES[name]
    for item in sorted(wanted - set(known)):
        raise ConfigError(
            f"--fail-on: '{item}' is not a finding of itsm report {name}"
            f"{did_you_mean(item, known)}; it reports {', '.join(known)}"
        )
    return wanted


def load_catalog(root: Path, at: str | None) -> Catalog:
    """The catalog of the worktree, or of a git revision or date (``--at``)."""
    from itsmcode.load.config import load_config

    if at is None:
        from itsmcode.load.snapshot import load_worktree

        config = load_config(root)
        return load_worktree(root, config)
    from itsmcode.audit.at import catalog_at

    try:
        fallback = load_config(root)
    except ConfigError:
        fallback = None
    return catalog_at(root, at, fallback)[0]


@report.command("sla")
@_common("sla")
def sla_cmd(**options: Any) -> None:
    """Response and resolution of each incident against its services' SLA targets, in
    the SLA calendar's business time; attainment per service and priority; availability."""
    _run("sla", **options)


@report.command("changes")
@_common("changes")
def changes_cmd(**options: Any) -> None:
    """Deployed changes and their failure rate (DORA) by service, type and team."""
    _run("changes", **options)


@report.command("problems")
@_common("problems")
def problems_cmd(**options: Any) -> None:
    """Recurring incidents without a problem record, problems needing attention, and
    catalog hygiene."""
    _run("problems", **options)
