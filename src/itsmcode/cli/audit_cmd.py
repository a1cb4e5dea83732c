"""``itsm audit`` and ``itsm history``: evidence and timelines from git history."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.reporters.audit import AUDIT_REPORTERS


def _fallback_config(root: Path) -> Any:
    from itsmcode.errors import ConfigError
    from itsmcode.load.config import load_config

    try:
        return load_config(root)
    except ConfigError:
        return None


#: Both commands read the approval records from the same notes ref.
notes_ref_option = click.option(
    "--notes-ref",
    default="refs/notes/itsmcode",  # approval_record.NOTES_REF, without importing pydantic
    show_default=True,
    help="Where the approval records (git notes) live.",
)


@click.command("audit")
@click.option(
    "--since",
    metavar="DATE",
    help="Only changes that landed at or after DATE "
    "(YYYY-MM-DD, UTC midnight, or an ISO 8601 time).",
)
@click.option(
    "--until",
    metavar="DATE",
    help="Only changes that landed at or before DATE (a date includes the whole day, UTC).",
)
@click.option(
    "--range",
    "range_",
    metavar="A..B",
    help="Audit the first-parent commits of A..B instead of a whole branch.",
)
@click.option(
    "--branch", metavar="REF", default=None, help="The protected branch (default: main, else HEAD)."
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Completeness ledger: checks that the head audited last time is still in "
    "the history, then records this run's head.",
)
@click.option(
    "--fail-on-violation",
    is_flag=True,
    help="Exit 1 when any control is violated (default: always 0, a report).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(AUDIT_REPORTERS.names),
    default="text",
    show_default=True,
    help="Output format.",
)
@notes_ref_option
@click.option(
    "--now",
    metavar="TIME",
    default=None,
    help="Judge review deadlines as of TIME instead of the current time "
    "(for reproducible exports).",
)
@click.option(
    "--scope",
    type=click.Choice(("itsm", "all")),
    default="itsm",
    show_default=True,
    help="Which commits are rows: itsm = those that change itsm.yaml, a kind's folder "
    "(catalog, changes, the policy), .github/workflows/ or a path the policy's rules "
    "name; all = every commit.",
)
@click.option(
    "--acknowledge-rewrite",
    "acknowledge",
    metavar="SHA",
    multiple=True,
    help="Record in the --ledger that the rewrite of this audited head is explained "
    "(needs --reason); history-rewritten is reported on every run until then.",
)
@click.option(
    "--reason",
    metavar="TEXT",
    default=None,
    help="Why the rewrite named by --acknowledge-rewrite is acceptable (kept in the ledger).",
)
@repo_option
def audit(
    since: str | None,
    until: str | None,
    range_: str | None,
    branch: str | None,
    ledger: Path | None,
    fail_on_violation: bool,
    fmt: str,
    notes_ref: str,
    now: str | None,
    scope: str,
    acknowledge: tuple[str, ...],
    reason: str | None,
    repo: Path | None,
) -> None:
    """Evidence for every change to the protected branch, with the controls checked.

    One row per first-parent commit (a pull request's merge commit, or a direct
    commit): who, when, which pull request, what changed, who approved (from the git
    notes under refs/notes/itsmcode), re-evaluated against the policy at the parent
    commit, and the signature status. See docs/audit.md for every control.

    Exit status: 0 report written (whatever it found), 1 violations with
    --fail-on-violation, 2 usage, configuration or git error.
    """
    from itsmcode.audit.at import parse_when
    from itsmcode.audit.run import AuditOptions, run_audit
    from itsmcode.errors import ConfigError
    from itsmcode.reporters.audit import AUDIT_REPORTERS

    if (acknowledge or reason is not None) and not (acknowledge and reason and ledger):
        raise ConfigError("--acknowledge-rewrite SHA needs --reason TEXT and --ledger FILE")
    start = parse_when(since) if since else None
    end = parse_when(until, end_of_day=True) if until else None
    if start is not None and end is not None and start > end:
        raise ConfigError(
            f"--since {since} is after --until {until}: the period is empty; swap them"
        )
    root = resolve_root(repo)
    parts = ["itsm", "audit"]
    for flag, value in (
        ("--branch", branch),
        ("--range", range_),
        ("--since", since),
        ("--until", until),
        ("--notes-ref", notes_ref),
        ("--now", now),
        ("--scope", scope if scope != "itsm" else None),
        ("--ledger", str(ledger) if ledger else None),
        ("--repo", str(repo) if repo else None),
        ("--format", fmt),
    ):
        if value is not None:
            parts += [flag, value]
    if fail_on_violation:
        parts.append("--fail-on-violation")
    options = AuditOptions(
        branch=branch,
        range=range_,
        since=start,
        until=end,
        ledger=ledger,
        notes_ref=notes_ref,
        now=parse_when(now) if now else None,
        command=shlex.join(parts),
        scope=scope,
        acknowledge=acknowledge,
        acknowledge_reason=reason,
    )
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="auditing", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    show_bar = sys.stderr.isatty()
    try:
        report = run_audit(root, options, _fallback_config(root), progress if show_bar else None)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for violation in report.violations:
        click.echo(f"itsm: WARNING: {violation.control}: {violation.reason}", err=True)
    AUDIT_REPORTERS[fmt](report, sys.stdout)
    sys.exit(1 if fail_on_violation and report.violation_count else 0)


@click.command("history")
@click.argument("kind")
@click.argument("name")
@click.option(
    "--branch",
    metavar="REF",
    default=None,
    help="The branch whose first-parent history to read (default: main, else HEAD).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Output format.",
)
@notes_ref_option
@repo_option
def history(
    kind: str, name: str, branch: str | None, fmt: str, notes_ref: str, repo: Path | None
) -> None:
    """The field-level timeline of one entity, across renames and moves.

    Every change to the branch that touched it: when, who, which pull request, who
    approved (from the approval records) and which fields changed.

    Exit status: 0 shown, 1 the entity never existed on the branch, 2 usage,
    configuration or git error.
    """
    from itsmcode.audit.history import entity_history

    root = resolve_root(repo)
    kind_name = _kind(kind)
    timeline = entity_history(root, kind_name, name, branch, _fallback_config(root), notes_ref)
    if not timeline.events:
        click.echo(
            f"itsm: no {kind_name} named '{name}' in the history of {timeline.branch}", err=True
        )
        sys.exit(1)
    if fmt == "json":
        json.dump(timeline.to_json(), sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        sys.exit(0)
    aliases = [n for n in timeline.names if n != name]
    also = f" (earlier: {', '.join(aliases)})" if aliases else ""
    click.echo(f"{kind_name} {name}{also} on {timeline.branch} ({timeline.head[:12]})")
    for went, what in (
        (timeline.renamed_to, "renamed to"),
        (timeline.earlier_renamed_to, f"an earlier {kind_name} {name} was renamed to"),
    ):
        if went is not None:
            click.echo(
                f"  {what} {went.name} in {went.sha[:12]} ({went.date.isoformat()}): "
                f"see itsm history {kind_name} {went.name}"
            )
    for event in timeline.events:
        pr = f"PR #{event.pr}" if event.pr is not None else "direct commit"
        approvers = ", ".join(event.approvers) or "no approval record"
        click.echo(f"\n{event.date.isoformat()} {event.sha[:12]} {pr} by {event.author}")
        click.echo(f"  approved by: {approvers}")
        what = event.status
        if event.old_name:
            what += f" from {event.old_name}"
        if event.old_path:
            what += f" (was {event.old_path})"
        click.echo(f"  {what}: {event.path}")
        for change in event.fields:
            if change.op == "added":
                click.echo(f"    + {change.path}: {_value(change.new)}")
            elif change.op == "removed":
                click.echo(f"    - {change.path}: {_value(change.old)}")
            elif change.op == "reordered":
                click.echo(f"    ~ {change.path} reordered")
            else:
                click.echo(f"    ~ {change.path}: {_value(change.old)} -> {_value(change.new)}")
        for meaning in event.meanings:
            click.echo(f"    = {meaning}")
    sys.exit(0)


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _kind(text: str) -> str:
    from itsmcode.errors import ConfigError
    from itsmcode.models import MODELS
    from itsmcode.suggest import did_you_mean

    lowered = {k.lower(): k for k in MODELS}
    aliases = {
        "change": "ChangeRequest",
        "changes": "ChangeRequest",
        "cr": "ChangeRequest",
        "policy": "ApprovalPolicy",
        "standard-change": "StandardChange",
    }
    key = text.lower()
    found = lowered.get(key) or aliases.get(key) or lowered.get(key.rstrip("s"))
    if found is None:
        raise ConfigError(
            f"unknown kind '{text}'{did_you_mean(text, MODELS)}; one of: " + ", ".join(MODELS)
        )
    return found
