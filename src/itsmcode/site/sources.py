"""What the site shows, computed in-process by the code the commands use: the catalog,
its lint result, the reports, the schedule of change, and the audit of the history
(whose evidence rows are also each service's history: one replay for both).

Every part that needs git says why it is missing instead of failing the build: a plain
directory has no history; a shallow clone or a repository without commits no audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from itsmcode.diagnostics import LintResult
from itsmcode.errors import ConfigError, GitError
from itsmcode.load.catalog import Catalog

if TYPE_CHECKING:
    from itsmcode.audit.evidence import AuditReport
    from itsmcode.git.repo import GitRepo
    from itsmcode.reports.calendar import Schedule
    from itsmcode.reports.changes import ChangesReport
    from itsmcode.reports.problems import ProblemsReport
    from itsmcode.reports.sla import SlaReport
    from itsmcode.score.engine import ScoreResult

#: What a history section says when the site was built from a directory without git.
NO_GIT = "no git history: built from a plain directory"
#: Months the schedule of change shows, the current one first.
SCHEDULE_MONTHS = 3


@dataclass(frozen=True)
class Provenance:
    """Which commit the site shows, and when it was built."""

    commit: str | None  # None: a plain directory (or a repository without commits)
    dirty: bool  # built from a work tree with uncommitted changes
    built_at: datetime
    #: Why there is no history (``NO_GIT`` or a git problem), None when there is.
    no_history: str | None
    at: str | None = None  # the --at the user gave


@dataclass
class Sources:
    root: Path
    catalog: Catalog
    provenance: Provenance
    lint: LintResult
    sla: SlaReport | None
    changes: ChangesReport | None
    problems: ProblemsReport | None
    #: Why a report is missing: "the incident practice is not enabled ..."
    missing_reports: dict[str, str]
    schedule: Schedule
    audit: AuditReport | None
    audit_problem: str | None
    #: ``itsm score`` (None without the scorecard practice).
    score: ScoreResult | None = None


def provenance(root: Path, at: str | None, now: datetime) -> Provenance:
    """The commit at ``at`` (git required), else the work tree's HEAD if there is git."""
    from itsmcode.git.log import AuditGit

    if at is not None:
        from itsmcode.audit.at import resolve_at

        return Provenance(resolve_at(root, at), False, now, None, at)
    try:
        repo = AuditGit(root)
    except GitError:
        return Provenance(None, False, now, NO_GIT)
    if not repo.has_commits():
        return Provenance(None, False, now, "no git history: the repository has no commits yet")
    return Provenance(repo.resolve("HEAD"), _dirty(root, repo), now, None)


def _dirty(root: Path, repo: GitRepo) -> bool:
    """Whether the ITSM files of the work tree differ from HEAD (tracked files only)."""
    from itsmcode.git.repo import run_git
    from itsmcode.load.config import load_config
    from itsmcode.load.layout import CONFIG_FILE, Layout

    folders = Layout.from_config(load_config(root), every_kind=True).folders.values()
    specs = [repo.prefix + path for path in (CONFIG_FILE, *sorted(set(folders)))]
    _, out, _ = run_git(
        repo.toplevel, ["status", "--porcelain", "--untracked-files=no", "--", *specs]
    )
    return bool(out.strip())


def load(root: Path, at: str | None, now: datetime, *, use_cache: bool = True) -> Sources:
    from itsmcode.reports import changes, problems, sla
    from itsmcode.reports.calendar import Period, local_midnight, schedule
    from itsmcode.reports.common import parse_period

    made = provenance(root, at, now)
    catalog, lint = _catalog_and_lint(root, made, now, use_cache)
    spec = catalog.config.spec
    period = parse_period(None, None, spec.timezone, now)
    missing = _missing_reports(catalog)
    zone = ZoneInfo(spec.timezone)
    first = local_midnight(now.astimezone(zone).date().replace(day=1), zone)
    until = local_midnight(_add_months(first, SCHEDULE_MONTHS), zone)
    audit, audit_problem = _audit(root, made, catalog)
    return Sources(
        root=root,
        catalog=catalog,
        provenance=made,
        lint=lint,
        sla=None if "sla" in missing else sla.build(catalog, period),
        changes=None if "changes" in missing else changes.build(catalog, period),
        problems=None if "problems" in missing else problems.build(catalog, period),
        missing_reports=missing,
        schedule=schedule(catalog, Period(first, until), now),
        audit=audit,
        audit_problem=audit_problem,
        score=_score(catalog, now),
    )


def _score(catalog: Catalog, now: datetime) -> ScoreResult | None:
    if "scorecard" not in catalog.config.spec.practices:
        return None
    from itsmcode.score.engine import score

    return score(catalog, now)


def _add_months(moment: datetime, months: int) -> date:
    """The first day of the month ``months`` after ``moment``'s."""
    month = moment.month - 1 + months
    return moment.date().replace(year=moment.year + month // 12, month=month % 12 + 1, day=1)


def _catalog_and_lint(
    root: Path, made: Provenance, now: datetime, use_cache: bool
) -> tuple[Catalog, LintResult]:
    """The catalog, loaded once, and what ``itsm lint`` (or ``lint --at``) says of it."""
    from itsmcode.load.config import load_config
    from itsmcode.reports.risk import scores_high

    if made.at is not None and made.commit is not None:
        from itsmcode.audit.at import catalog_at, lint_loaded

        try:
            fallback = load_config(root)
        except ConfigError:
            fallback = None
        catalog, _ = catalog_at(root, made.commit, fallback)
        return catalog, lint_loaded(catalog, (), now)
    from itsmcode.lint.cache import LintCache
    from itsmcode.lint.engine import lint_catalog, outside_records
    from itsmcode.lint.loading import build_catalog, read_tree
    from itsmcode.lint.options import LintOptions
    from itsmcode.load.layout import Layout
    from itsmcode.load.yamlio import Limits

    config = load_config(root)
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    tree = read_tree(root, Layout.from_config(config), (), limits, full=True)
    cache = LintCache() if use_cache else None
    try:
        catalog = build_catalog(tree, config, limits, cache, 0)
    finally:
        if cache is not None:
            cache.close()
    options = LintOptions(now=now, risk=scores_high)
    return catalog, lint_catalog(catalog, [], options, outside_records(config, tree.outside))


def _missing_reports(catalog: Catalog) -> dict[str, str]:
    """The reports whose practice the repository does not use, and what to do about it."""
    from itsmcode.reports.common import NEEDS_PRACTICE

    practices = catalog.config.spec.practices
    return {
        name: f"the {practice} practice is not enabled: add '{practice}' to spec.practices "
        "in itsm.yaml for this report"
        for name, practice in NEEDS_PRACTICE.items()
        if practice not in practices
    }


def _audit(root: Path, made: Provenance, catalog: Catalog) -> tuple[AuditReport | None, str | None]:
    """The audit of the first-parent history up to the commit shown, or why there is none."""
    if made.commit is None:
        return None, made.no_history
    from itsmcode.audit.run import AuditOptions, run_audit

    # The first-parent line up to the commit shown: HEAD's (the branch checked out), or
    # the commit --at names (a revision or a date).
    branch = made.commit if made.at is not None else "HEAD"
    options = AuditOptions(branch=branch, command="itsm site build", now=made.built_at)
    try:
        return run_audit(root, options, catalog.config), None
    except (GitError, ConfigError) as exc:
        return None, f"no audit: {exc}"
