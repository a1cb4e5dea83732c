"""``itsm policy check|test|record``: change approval as code (docs/reference/policy.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from itsmcode.cli.options import repo_option, resolve_root

if TYPE_CHECKING:
    pass

from itsmcode.reporters.policy import POLICY_REPORTERS

_FILE = click.Path(dir_okay=False, path_type=Path)
_COMMITS_HELP = (
    "JSON array of GitHub REST pull request commits (pages concatenated): who GitHub "
    "ties each commit's author and committer to. Without it, git's e-mails alone."
)


@click.group()
def policy() -> None:
    """Evaluate and test the approval policy of pull requests."""


@policy.command()
@repo_option
@click.option(
    "--base", metavar="REV", help="Base commit (default: pull_request.base.sha of --event)."
)
@click.option(
    "--head", metavar="REV", help="Head commit (default: pull_request.head.sha of --event)."
)
@click.option(
    "--event",
    type=_FILE,
    help="GitHub pull_request, pull_request_review or merge_group payload.",
)
@click.option(
    "--reviews",
    type=_FILE,
    help="JSON array of GitHub REST reviews (paginated arrays concatenated).",
)
@click.option(
    "--queued",
    "queued",
    type=_FILE,
    multiple=True,
    metavar="FILE",
    help="With a merge_group --event: one pull request of the group, as "
    '{"pull_request": ..., "reviews": [...], "commits": [...]} from the REST API '
    "(repeatable, one per pull request in the group).",
)
@click.option("--commits", type=_FILE, metavar="FILE", help=_COMMITS_HELP)
@click.option(
    "--author", metavar="LOGIN", help="Author login (default: pull_request.user.login of --event)."
)
@click.option(
    "--label",
    "labels",
    metavar="LABEL",
    multiple=True,
    help="A PR label (repeatable; adds to --event).",
)
@click.option("--now", metavar="TIME", help="Evaluation time for freezes, ISO 8601 (default: now).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(POLICY_REPORTERS.names),
    default=None,
    help="Output format (default: github under GitHub Actions, else text).",
)
def check(
    repo: Path | None,
    base: str | None,
    head: str | None,
    event: Path | None,
    reviews: Path | None,
    queued: tuple[Path, ...],
    commits: Path | None,
    author: str | None,
    labels: tuple[str, ...],
    now: str | None,
    fmt: str | None,
) -> None:
    """Decide whether a pull request has the approvals the policy requires.

    The policy, teams and calendars are read from the base commit; the changes are
    what merging the head lands on the base (the head's own changes when the branch
    is up to date). With a merge_group --event, every pull request given with
    --queued is judged at the group's base (merge_group.base_sha), and the group's
    history must be exactly those pull requests (docs/ci.md, "Merge queue"). Exit
    status: 0 approved, 1 not approved, 2 usage or configuration error.
    """
    from itsmcode.policy.check import run_check
    from itsmcode.policy.inputs import (
        load_commits,
        load_merge_group,
        load_pull_request,
        load_reviews,
        parse_now,
        pull_facts,
    )
    from itsmcode.reporters.base import ReportOptions

    root = resolve_root(repo)
    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    options = ReportOptions(root=root, environ=dict(os.environ))
    group = load_merge_group(event) if event is not None else None
    if group is not None:
        given = [
            name
            for name, v in (
                ("--base", base),
                ("--head", head),
                ("--author", author),
                ("--reviews", reviews),
                ("--commits", commits),
                ("--label", labels),
            )
            if v
        ]
        if given or not queued:
            raise click.UsageError(
                "a merge_group --event takes its pull requests from --queued FILE (one per "
                "pull request in the group)"
                + (f", not {', '.join(given)}" if given else "; none given")
            )
        from itsmcode.policy.queue import load_queued, run_group
        from itsmcode.reporters.policy import queue as queue_report

        outcome = run_group(root, group, [load_queued(p) for p in queued], parse_now(now))
        queue_report.report(outcome, sys.stdout, options, fmt)
        sys.exit(0 if outcome.approved else 1)
    if queued:
        raise click.UsageError("--queued needs a merge_group payload as --event")
    pr, review = load_pull_request(event) if event is not None else (None, None)
    facts = pull_facts(
        pr, base=base, head=head, author=author, labels=labels, commits=load_commits(commits)
    )
    result = run_check(root, facts, load_reviews(reviews, review), parse_now(now))
    POLICY_REPORTERS[fmt](result, sys.stdout, options)
    sys.exit(0 if result.approved else 1)


@policy.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@repo_option
def test_cmd(paths: tuple[Path, ...], repo: Path | None) -> None:
    """Run policy scenario files or folders (default: processes/policy-tests/).

    Each scenario describes a change (or names two refs), the reviews and the expected
    decision. Exit status: 0 all pass, 1 a scenario's expectation does not hold, 2 a
    scenario file is invalid.
    """
    from itsmcode.policy.scenarios import DEFAULT_DIR, run_files

    root = resolve_root(repo)
    files: list[Path] = []
    for path in paths:
        # A directory stands for its scenario files, like the default one.
        files.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
    if not paths:
        files = sorted((root / DEFAULT_DIR).glob("*.y*ml"))
    if not files:
        from itsmcode.errors import ConfigError

        raise ConfigError(f"no scenario files given and none in {DEFAULT_DIR}/")
    outcome = run_files(root, files, click.echo)
    sys.exit(0 if outcome else 1)


@policy.command()
@repo_option
@click.option(
    "--merge", "merge", metavar="REV", required=True, help="The merge commit to annotate."
)
@click.option(
    "--event",
    type=_FILE,
    required=True,
    help="pull_request payload (or the REST pull request object) of the merged PR.",
)
@click.option("--reviews", type=_FILE, required=True, help="JSON array of GitHub REST reviews.")
@click.option("--commits", type=_FILE, metavar="FILE", help=_COMMITS_HELP)
@click.option(
    "--base", metavar="REV", help="Base commit (default: the merge commit's first parent)."
)
@click.option(
    "--head", metavar="REV", help="Head commit (default: pull_request.head.sha of --event)."
)
@click.option(
    "--now",
    metavar="TIME",
    help="Evaluation time for freezes, ISO 8601 (default: when the merge landed: its "
    "committer date, never before its first parent's).",
)
@click.option(
    "--notes-ref",
    metavar="REF",
    default="refs/notes/itsmcode",
    show_default=True,
    help="Notes ref to write.",
)
@click.option("--dry-run", is_flag=True, help="Print the note without writing it.")
def record(
    repo: Path | None,
    merge: str,
    event: Path,
    reviews: Path,
    commits: Path | None,
    base: str | None,
    head: str | None,
    now: str | None,
    notes_ref: str,
    dry_run: bool,
) -> None:
    """Write the approval decision of a merged pull request as a git note.

    The note (docs/reference/policy.md, "Approval record") goes on the merge commit
    under --notes-ref and is printed. Only reviews submitted by the merge count: the
    earlier of the time the merge landed (its committer date, never before its first
    parent's) and the pull request's merged_at; approvals given later (or without a
    time) are named on stderr and left out. The pull request's head commit must be in
    the clone (fetch refs/pull/N/head after a squash or rebase merge). Exit status: 0
    written, 2 error.
    """
    from itsmcode.errors import ConfigError
    from itsmcode.policy.check import run_check
    from itsmcode.policy.github import reviews_at
    from itsmcode.policy.inputs import (
        load_commits,
        load_pull_request,
        load_reviews,
        parse_now,
        pull_facts,
    )
    from itsmcode.policy.record import RecordGit, approval_cutoff, build_record, require_head

    root = resolve_root(repo)
    git = RecordGit(root)
    merge_sha = git.resolve(merge)
    merged_at, implausible = git.landed_time(merge_sha)
    if implausible:
        click.echo(f"itsm: warning: implausible-date: {implausible}", err=True)
    if base is None:
        parents = git.parents(merge_sha)
        if not parents:
            raise ConfigError(f"{merge_sha[:12]} has no parent; pass --base")
        base = parents[0]
    pr, review = load_pull_request(event)
    facts = pull_facts(
        pr, base=base, head=head, author=None, labels=(), commits=load_commits(commits)
    )
    require_head(git, facts.head_sha, facts.number)
    # Was the change authorized before it went in? Reviews after the merge are not part
    # of the answer, and the freeze is the one in force when it landed.
    cutoff = approval_cutoff(merged_at, pr)
    counted, late = reviews_at(load_reviews(reviews, review), cutoff)
    for approval in late:
        when = approval.submitted_at.isoformat() if approval.submitted_at else "no time"
        click.echo(
            f"itsm: warning: approval by {approval.login!r} ({when}) is not counted: it was "
            f"not submitted before the merge at {cutoff.isoformat()}",
            err=True,
        )
    moment = parse_now(now) if now is not None else merged_at
    result = run_check(root, facts, counted, moment, landed=merge_sha)
    text = build_record(result, merge_sha, git.tree_of(merge_sha), moment).to_json()
    if not dry_run:
        git.add_note(merge_sha, text, notes_ref)
    click.echo(text, nl=False)
