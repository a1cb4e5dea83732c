"""``itsm diff [BASE [HEAD]]``: the semantic diff of the catalog between git refs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from itsmcode.cli.options import color_option, repo_option, resolve_root, use_color
from itsmcode.reporters.diff import DIFF_REPORTERS

if TYPE_CHECKING:
    from itsmcode.diff.model import ChangeSet, LevelChange
    from itsmcode.models import Config


@click.command("diff")
@click.argument("revisions", nargs=-1, metavar="[BASE [HEAD]]")
@repo_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_REPORTERS.names),
    default="text",
    show_default=True,
    help="Output format; json is versioned and documented in docs/diff.md.",
)
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 when there are differences, 0 when there are none."
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing (implies --exit-code).")
@color_option
def diff(
    revisions: tuple[str, ...],
    repo: Path | None,
    fmt: str,
    exit_code: bool,
    quiet: bool,
    color: bool | None,
) -> None:
    """Show what changed in the catalog, what it means and what it impacts.

    \b
    Revisions follow git:
      itsm diff              HEAD against the work tree
      itsm diff main         merge-base(main, HEAD) against the work tree
      itsm diff A B, A..B    commit A against commit B
      itsm diff A...B        merge-base(A, B) against B (a pull request's view)

    Exit status: 0 (or, with --exit-code, 0 no differences and 1 differences),
    2 usage, configuration or git error, 3 an internal bug.
    """
    from itsmcode.diff import diff_repository
    from itsmcode.errors import ConfigError
    from itsmcode.load.config import load_config
    from itsmcode.reporters.diff.options import DiffReportOptions

    root = resolve_root(repo)
    try:
        config = load_config(root)
    except ConfigError:
        # A broken itsm.yaml in the work tree is itself a change to show, not a stop:
        # the diff then reads the layout from the base commit's config.
        config = None
    changeset = diff_repository(root, config, revisions)
    if not quiet and fmt in ("markdown", "json") and not changeset.empty:
        changeset.levels = _level_changes(root, config, changeset)
    if not quiet:
        DIFF_REPORTERS[fmt](changeset, sys.stdout, DiffReportOptions(color=use_color(color)))
    sys.exit(1 if (exit_code or quiet) and not changeset.empty else 0)


def _level_changes(
    root: Path, config: Config | None, changeset: ChangeSet
) -> list[LevelChange] | None:
    """The services the change raises or lowers a scorecard level (docs/score.md), when
    the scorecard practice is on at either side; None when it is off or a side's
    catalog cannot be read."""
    from datetime import datetime, timezone

    from itsmcode.diff.engine import catalog_after, catalog_before
    from itsmcode.diff.snapshots import configs_at, load_commit
    from itsmcode.errors import ItsmError
    from itsmcode.git.repo import GitRepo
    from itsmcode.load.snapshot import load_worktree
    from itsmcode.score.compare import level_changes

    repo = GitRepo(root)
    base_commit = changeset.base.commit
    assert base_commit is not None
    # Both sides' itsm.yaml first (two small reads): without the scorecard practice on
    # either side there is nothing to score, and no reason to load two whole catalogs.
    commits = [c for c in (base_commit, changeset.head.commit) if c]
    sides = [
        *configs_at(repo, commits).values(),
        *([config] if changeset.head.commit is None else []),
    ]
    if not any(c is not None and "scorecard" in c.spec.practices for c in sides):
        return None
    # One side is read whole; the other is derived from it (only the changed files).
    try:
        if changeset.head.commit is not None:
            base = load_commit(repo, base_commit, config)
            head = catalog_after(repo, root, base_commit, base, changeset.head.commit)
        elif config is not None:
            head = load_worktree(root, config)
            base = catalog_before(repo, root, base_commit, head)
        else:
            return None
    except ItsmError:
        return None
    return level_changes(base, head, datetime.now(timezone.utc).replace(microsecond=0))
