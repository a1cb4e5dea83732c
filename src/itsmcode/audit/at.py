"""``--at REF|DATE``: which commit a point in time names, and the catalog there.

A date names the last commit on the branch's *first-parent* line committed at or
before it: what the branch actually held then. (A side-branch commit written before
the date but merged after it was not on the branch yet; ``git rev-list --before``
would pick it.) A bare date (YYYY-MM-DD) means the end of that day, UTC.
"""

from __future__ import annotations

import re
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
