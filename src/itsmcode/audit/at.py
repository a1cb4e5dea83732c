"""``--at REF|DATE``: which commit a point in time names, and the catalog there.

A date names the last commit on the branch's *first-parent* line committed at or
before it: what the branch actually held then. (A side-branch commit written before
the date but merged after it was not on the branch yet; ``git rev-list --before``
would pick it.) A bare date (YYYY-MM-DD) means the end of that day, UTC.
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from itsmcode.diagnostics import LintResult
from itsmcode.errors import ConfigError, GitError
from itsmcode.git.log import AuditGit
from itsmcode.load.catalog import Catalog
from itsmcode.models import Config

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ][0-9:.]+([Zz]|[+-]\d{2}:?\d{2})?)?$")


def parse_when(text: str, *, end_of_day: bool = False) -> datetime:
    """A date (YYYY-MM-DD: midnight UTC, or with ``end_of_day`` the day's last moment)
    or an ISO 8601 time (UTC when it has no offset)."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ConfigError(f"'{text}' is not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if end_of_day and len(text) == 10:
        value += timedelta(days=1) - timedelta(microseconds=1)
    return value


def resolve_at(root: Path, at: str, branch: str = "HEAD") -> str:
    """The commit ``at`` names: a revision, else a date on ``branch``'s first-parent line."""
    repo = AuditGit(root)
    try:
        return repo.resolve(at)
    except GitError:
        if not _DATE.match(at):
            raise
    return repo.commit_at_date(parse_when(at, end_of_day=True), branch, at)


def catalog_at(root: Path, at: str, fallback: Config | None) -> tuple[Catalog, str]:
    """The whole catalog as it stood at ``at`` (read from git, never checked out)."""
    from itsmcode.diff.snapshots import load_commit

    commit = resolve_at(root, at)
    return load_commit(AuditGit(root), commit, fallback), commit


def lint_at(
    root: Path, at: str, paths: tuple[str, ...], now: datetime | None, fallback: Config | None
) -> LintResult:
    """``itsm lint --at REF``: the same rules and configuration as lint, on the catalog
    (and the itsm.yaml) of a past commit."""
    catalog, _ = catalog_at(root, at, fallback)
    return lint_loaded(catalog, paths, now)


def lint_loaded(catalog: Catalog, paths: tuple[str, ...], now: datetime | None) -> LintResult:
    """The rules over a catalog read from git (``catalog_at``), as ``lint --at`` runs them."""
    from itsmcode.lint.engine import configured_severities, run_rules
    from itsmcode.lint.rules import LintContext
    from itsmcode.load.layout import Layout
    from itsmcode.reports.risk import scores_high

    config = catalog.config
    context = LintContext(
        config=config,
        layout=Layout.from_config(config),
        now=now or datetime.now(timezone.utc),
        risk=scores_high,
    )
    return run_rules(catalog, context, configured_severities(config), paths)


@dataclass(frozen=True)
class Past:
    """What the branch held at an instant: a commit, when it was committed, its catalog
    (None without a usable itsm.yaml); all None before the history starts."""

    commit: str | None
    committed: datetime | None
    catalog: Catalog | None


def catalogs_at(
    root: Path,
    instants: list[datetime],
    fallback: Config | None,
    tip: str = "HEAD",
    *,
    earliest: bool = False,
    worktree: Catalog | None = None,
) -> list[Past]:
    """The catalog on ``tip``'s first-parent line at each instant, as ``--at DATE``
    picks (the newest commit there committed at or before it); before the history
    starts nothing, or with ``earliest`` the first commit with an itsm.yaml. A fixed
    number of git processes whatever the number of instants: one ``log`` for the
    commit, one ``log --raw`` pass and one ``cat-file --batch`` stream through the
    audit's replay (or one ``ls-tree`` when a single commit serves; given the work
    tree's catalog, only the files that differ from it are read: ``catalog_before``).
    """
    from itsmcode.audit.replay import Replay
    from itsmcode.diff.snapshots import load_commit
    from itsmcode.git.log import SHALLOW_HINT

    repo = AuditGit(root)
    if repo.is_shallow():
        raise GitError(f"cannot read a trend from a partial history; {SHALLOW_HINT}")
    head = repo.resolve(tip)
    try:
        start: str | None = repo.commit_at_date(min(instants), head)
    except GitError:
        start = None  # the history starts after the first instant
    commits = repo.first_parent_log([f"{start}..{head}" if start else head])
    line: list[tuple[str, datetime]] = []
    if start is not None:
        line.append((start, repo.committer_dates([start])[start]))
    line += [(c.sha, c.committer_date) for c in commits]
    # Per instant, the newest position on the line committed at or before it.
    positions = [
        max((i for i, (_, when) in enumerate(line) if when <= instant), default=None)
        for instant in instants
    ]
    wanted = {p for p in positions if p is not None}
    # ``earliest``: an instant before the history gets the first commit with an itsm.yaml
    # of its own (before that, the repository was not an ITSM repository yet).
    first: int | None = None
    need_first = earliest and None in positions and bool(commits)
    catalogs: dict[int, Catalog | None] = {}
    if wanted == {0} and start is not None and not need_first:
        if worktree is not None:
            from itsmcode.diff.engine import catalog_before

            catalogs[0] = catalog_before(repo, root, start, worktree)
        else:
            catalogs[0] = load_commit(repo, start, fallback)
    elif wanted or need_first:
        offset = 1 if start is not None else 0  # position of commits[0] on the line
        upto = len(commits) if need_first else max(wanted) - offset + 1
        with closing(Replay(repo, commits[:upto], fallback).snapshots()) as snapshots:
            for index, (_, before, after) in enumerate(snapshots):
                if index == 0 and start is not None and 0 in wanted:
                    catalogs[0] = before.catalog()
                position = index + offset
                if position in wanted or (need_first and first is None and after.config):
                    catalogs[position] = after.catalog()
                    if need_first and first is None and after.config:
                        first = position
                if position >= max(wanted, default=-1) and (first is not None or not need_first):
                    break
    positions = [first if p is None else p for p in positions]
    return [
        Past(line[p][0], line[p][1], catalogs.get(p)) if p is not None else Past(None, None, None)
        for p in positions
    ]
