"""``itsm audit`` as a library call: the population of changes, its evidence, its controls.

``run_audit`` resolves the population, opens the ledger (``ledger.open_for_run``),
reads the notes, has ``rows.build_rows`` make the evidence, writes the header and
records the run in the ledger (``ledger.record_run``). git is read in a fixed number
of processes (see ``gitlog``); the rest is pure Python over the replayed snapshots.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from itsmcode import __version__
from itsmcode.audit import ledger as ledgers
from itsmcode.audit.evidence import AuditReport, ExportHeader
from itsmcode.audit.landed import Landing, landings
from itsmcode.audit.replay import Replay
from itsmcode.audit.rows import MAX_NOTE_SIZE, RowContext, Side, build_rows, parse_note
from itsmcode.errors import ConfigError, GitError
from itsmcode.git.log import AuditGit, LogCommit
from itsmcode.models import Config
from itsmcode.policy.approval_record import NOTES_REF, ApprovalRecord


@dataclass(frozen=True)
class AuditOptions:
    branch: str | None = None
    range: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ledger: Path | None = None
    notes_ref: str = NOTES_REF
    now: datetime | None = None
    command: str = "itsm audit"
    #: "itsm": only commits that touch ITSM files (SCOPES); "all": every commit.
    scope: str = "itsm"
    #: Ledger heads whose rewrite is explained (--acknowledge-rewrite), and why.
    acknowledge: tuple[str, ...] = ()
    acknowledge_reason: str | None = None


SCOPES = {
    "itsm": "commits that change itsm.yaml, a kind's folder (catalog, changes, policy), "
    ".github/workflows/ or a path the policy's rules name",
    "all": "every commit",
}


@dataclass(frozen=True)
class Population:
    """Which commits the audit covers, resolved."""

    branch: str
    tip: str
    revisions: tuple[str, ...]
    label: str


def resolve_population(repo: AuditGit, options: AuditOptions) -> Population:
    if options.range:
        if "..." in options.range or ".." not in options.range:
            raise ConfigError(f"--range {options.range!r}: give two revisions as A..B")
        left, right = options.range.split("..", 1)
        base, tip = repo.resolve(left or "HEAD"), repo.resolve(right or "HEAD")
        return Population(options.range, tip, (f"{base}..{tip}",), options.range)
    branch = options.branch
    if branch is None:
        branch = "main" if repo.ref_commit("main^{commit}") else "HEAD"
    tip = repo.resolve(branch)
    return Population(branch, tip, (tip,), branch)


def run_audit(
    root: Path,
    options: AuditOptions,
    fallback: Config | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AuditReport:
    """The evidence report for ``options`` in the repository at ``root``."""
    # As in snapshot.load_worktree: the commits, records and parsed files built here are
    # not garbage until the report is done, so the cycle collector would only rescan them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _audit(root, options, fallback, progress)
    finally:
        if enabled:
            gc.enable()


def _audit(
    root: Path,
    options: AuditOptions,
    fallback: Config | None,
    progress: Callable[[int, int], None] | None,
) -> AuditReport:
    repo = AuditGit(root)
    population = resolve_population(repo, options)
    now = options.now or datetime.now(timezone.utc)
    ledger, rewrites = ledgers.open_for_run(
        repo,
        options.ledger,
        population.branch,
        population.tip,
        options.acknowledge,
        options.acknowledge_reason,
        now,
    )
    log = repo.first_parent_log(population.revisions)
    landed = _landed(repo, log, ledger, population, options, now)
    # Each commit is judged at the time it really landed, which never goes back along
    # the line: the period is the consecutive commits that landed inside it.
    start = next(
        (
            i
            for i, c in enumerate(log)
            if options.since is None or landed[c.sha].at >= options.since
        ),
        len(log),
    )
    commits = log[start:]
    context = _context(repo, population, options, commits, {c.sha for c in log}, landed)
    replay = Replay(repo, commits, fallback)
    rows, skipped = build_rows(
        replay.steps(),
        context,
        now,
        None if progress is None else lambda done: progress(done, len(commits)),
    )
    report = AuditReport(
        _header(repo, population, options, replay, now), rows, list(rewrites.values()), skipped
    )
    if options.ledger is not None:
        ledgers.record_run(
            options.ledger, ledger, population.branch, population.tip, now, bool(rewrites)
        )
    return report


def _landed(
    repo: AuditGit,
    log: list[LogCommit],
    ledger: ledgers.Ledger,
    population: Population,
    options: AuditOptions,
    now: datetime,
) -> dict[str, Landing]:
    """When each commit of the first-parent line really landed (``landed.landings``)."""
    mainline = {c.sha for c in log}
    outside = {p for c in log for p in c.parents} - mainline
    runs = ledger.runs(population.branch)
    if options.ledger is not None:
        # This run is recorded too: judge as a re-run with the grown ledger will.
        runs.append((population.tip, now))
    return landings(
        log,
        repo.committer_dates(outside),
        runs,
        datetime.now(timezone.utc),
        repo.notes_written(options.notes_ref),
    )


def _context(
    repo: AuditGit,
    population: Population,
    options: AuditOptions,
    commits: list[LogCommit],
    mainline: set[str],
    landed: dict[str, Landing],
) -> RowContext:
    """The notes of ``commits``, parsed, and what their rows look up in git."""
    notes = repo.notes(options.notes_ref)
    noted = {c.sha: notes[c.sha] for c in commits if c.sha in notes}
    note_blobs = repo.read_blobs(noted.values(), MAX_NOTE_SIZE)
    records: dict[str, ApprovalRecord | str] = {}
    for sha, blob_sha in noted.items():
        records[sha] = parse_note(note_blobs[blob_sha].data, note_blobs[blob_sha].problem)
    parents = {c.sha: c.parents for c in commits}
    # Only a head that is neither the commit nor a merged parent needs its tree looked up.
    heads = [
        r.commits.head
        for sha, r in records.items()
        if isinstance(r, ApprovalRecord)
        and r.commits.head != sha
        and r.commits.head not in parents[sha][1:]
    ]
    side: Side = {}
    if any(len(c.parents) > 1 for c in commits if isinstance(records.get(c.sha), ApprovalRecord)):
        side = repo.side_commits(population.revisions)
    return RowContext(
        repo,
        records,
        repo.trees_of(heads),
        side,
        mainline,
        landed,
        options.since,
        options.until,
        options.scope == "all",
    )


def _header(
    repo: AuditGit,
    population: Population,
    options: AuditOptions,
    replay: Replay,
    now: datetime,
) -> ExportHeader:
    return ExportHeader(
        tool="itsmcode",
        version=__version__,
        command=options.command,
        repository=str(repo.toplevel),
        branch=population.branch,
        head=population.tip,
        range=f"{replay.start or '(root)'}..{population.tip}"
        if not options.range
        else f"{population.revisions[0]}",
        since=options.since.isoformat() if options.since else None,
        until=options.until.isoformat() if options.until else None,
        notes_ref=options.notes_ref,
        notes_commit=repo.ref_commit(options.notes_ref),
        generated_at=now.isoformat(),
        scope=f"{options.scope}: {SCOPES[options.scope]}",
    )


__all__ = ["AuditOptions", "GitError", "run_audit"]
