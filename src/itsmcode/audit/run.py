"""``itsm audit`` as a library call: the population of changes, its evidence, its controls.

git is read in a fixed number of processes (see ``gitlog``); the rest is pure Python
over the replayed snapshots.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from itsmcode import __version__
from itsmcode.audit import ledger as ledgers
from itsmcode.audit.controls import (
    EmergencyClock,
    RowFacts,
    check_row,
    emergency_review_overdue,
)
from itsmcode.audit.evidence import (
    ApproverEvidence,
    AuditReport,
    EvidenceRow,
    ExportHeader,
    Violation,
    entity_evidence,
)
from itsmcode.audit.landed import Landing, landings
from itsmcode.audit.merges import evil_merge
from itsmcode.audit.reevaluate import decide, late_approvals, reviews_of, too_late
from itsmcode.audit.replay import Replay, Step
from itsmcode.errors import ConfigError, GitError
from itsmcode.git.facts import GitCommit
from itsmcode.git.log import AuditGit, LogCommit
from itsmcode.load.globs import matches
from itsmcode.models import Config
from itsmcode.policy.approval_record import NOTES_REF, ApprovalRecord, RecordError
from itsmcode.policy.evaluate import Decision, Ignored
from itsmcode.policy.facts import PullFacts, with_writers

_MERGE_PR = re.compile(r"^Merge pull request #(\d+)\b")
_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")
MAX_NOTE_SIZE = 1024 * 1024

Side = dict[str, tuple[tuple[str, ...], GitCommit]]


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


def pr_from_message(commit: LogCommit) -> tuple[int | None, str | None]:
    """The pull request number GitHub writes into merge and squash commit messages."""
    merge = _MERGE_PR.match(commit.subject)
    if merge and len(commit.parents) > 1:
        return int(merge.group(1)), "merge-message"
    squash = _SQUASH_PR.search(commit.subject)
    if squash:
        return int(squash.group(1)), "squash-message"
    return None, None


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
    ledger = ledgers.read(options.ledger) if options.ledger else ledgers.Ledger()
    now = options.now or datetime.now(timezone.utc)
    rewrites: dict[str, Violation] = {}
    if options.ledger is not None:
        rewrites = ledgers.rewrites(repo, ledger, population.branch, population.tip)
    if options.acknowledge:
        if options.ledger is None or not options.acknowledge_reason:
            raise ConfigError("--acknowledge-rewrite needs --ledger and a --reason")
        made = ledgers.acknowledge(
            rewrites,
            population.branch,
            list(options.acknowledge),
            options.acknowledge_reason,
            now.isoformat(),
            len(ledger.entries),
        )
        ledger.acknowledgements.extend(a.to_json() for a in made)
        for acknowledged in made:
            rewrites.pop(acknowledged.head)
    log = repo.first_parent_log(population.revisions)
    mainline = {c.sha for c in log}
    # Each commit is judged at the time it really landed, which never goes back along
    # the line: the period is the consecutive commits that landed inside it.
    outside = {p for c in log for p in c.parents} - mainline
    runs = ledger.runs(population.branch)
    if options.ledger is not None:
        # This run is recorded too: judge as a re-run with the grown ledger will.
        runs.append((population.tip, now))
    landed = landings(
        log,
        repo.committer_dates(outside),
        runs,
        datetime.now(timezone.utc),
        repo.notes_written(options.notes_ref),
    )
    start = next(
        (
            i
            for i, c in enumerate(log)
            if options.since is None or landed[c.sha].at >= options.since
        ),
        len(log),
    )
    commits = log[start:]
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
    head_trees = repo.trees_of(heads)
    side: Side = {}
    if any(len(c.parents) > 1 for c in commits if isinstance(records.get(c.sha), ApprovalRecord)):
        side = repo.side_commits(population.revisions)

    rows: list[EvidenceRow] = []
    clocks: list[EmergencyClock] = []
    reviews: dict[str, list[tuple[str, datetime]]] = {}
    skipped = 0
    replay = Replay(repo, commits, fallback)
    scope_all = options.scope == "all"
    for index, step in enumerate(replay.steps()):
        commit = step.commit
        landing = landed[commit.sha]
        _note_reviews(step, reviews, landing.at)
        if _in_period(landing, options):
            in_scope = _scope(step, scope_all)
            evil = evil_merge(repo, step, in_scope)
            if evil is not None or any(in_scope(p.path) for p in step.paths):
                extra = [*landing.problems, *([evil] if evil else [])]
                row, decisions = _row(
                    step, records.get(commit.sha), head_trees, side, mainline, landing, extra
                )
                rows.append(row)
                clocks.extend(_clocks(step, decisions, landing.at))
            else:
                skipped += 1
        if progress is not None:
            progress(index + 1, len(commits))
    by_sha = {row.sha: row for row in rows}
    for sha, violation in emergency_review_overdue(clocks, reviews, now):
        by_sha[sha].violations.append(violation)

    report_violations = list(rewrites.values())
    header = ExportHeader(
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
    report = AuditReport(header, rows, report_violations, skipped)
    if options.ledger is not None:
        previous = ledger.heads(population.branch)
        ledgers.append(
            options.ledger,
            ledger,
            ledgers.LedgerEntry(
                population.branch,
                population.tip,
                now.isoformat(),
                rewritten_from=previous[-1][0] if report_violations and previous else None,
            ),
        )
    return report


def _scope(step: Step, scope_all: bool) -> Callable[[str], bool]:
    """Whether a path is in the audit's scope at this commit: with ``--scope itsm``, the
    ITSM files (``Step.is_itsm_path``) and every path a rule of the policy at the parent
    names in ``when.paths`` (what the policy governs)."""
    if scope_all:
        return lambda path: True
    globs: list[str] = []
    base = step.before.catalog()
    policy = base.policy_at(step.before.commit or "").policy if base is not None else None
    if policy is not None:
        globs = [g for rule in policy.spec.rules for g in rule.when.paths]
    return lambda path: step.is_itsm_path(path) or (bool(globs) and matches(path, globs))


def _in_period(landing: Landing, options: AuditOptions) -> bool:
    when = landing.at
    return (options.since is None or when >= options.since) and (
        options.until is None or when <= options.until
    )


def parse_note(data: bytes | None, problem: str | None) -> ApprovalRecord | str:
    if data is None:
        return problem or "unreadable note"
    try:
        return ApprovalRecord.from_json(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "the note is not UTF-8 text"
    except RecordError as exc:
        return str(exc)


def _row(
    step: Step,
    record: ApprovalRecord | str | None,
    head_trees: Mapping[str, str | None],
    side: Side,
    mainline: set[str],
    landing: Landing,
    extra: list[Violation],
) -> tuple[EvidenceRow, list[Decision] | None]:
    commit = step.commit
    valid = record if isinstance(record, ApprovalRecord) else None
    pr, source = (valid.pull_request.number, "note") if valid else pr_from_message(commit)
    base = step.before.catalog()
    decisions: list[Decision] | None = None
    written = _pr_commits(commit, side, mainline)
    if valid is not None:
        facts = PullFacts(
            valid.pull_request.author,
            valid.commits.head,
            step.before.commit or "",
            tuple(valid.pull_request.labels),
            valid.pull_request.number,
            valid.pull_request.base_ref,
            judge_verification=False,
        )
        # Who wrote it, and which identities nothing ties to a login: the same rule as
        # ``itsm policy check`` (git holds no GitHub commit list, so e-mails tie).
        if base is not None:
            facts = with_writers(facts, written, base)
        # Authorized before it went in: approvals submitted after the change landed (or
        # without a time) do not count (control approved-after-merge).
        merged = landing.at
        decisions = decide(step, facts, reviews_of(valid, merged), merged)
        late = late_approvals(valid, merged)
        for decision in decisions:
            decision.ignored.extend(Ignored(a.login, too_late(a, merged)) for a in late)
    # Who wrote the change: the authors of the pull request's commits. A merge commit's
    # own author is whoever pressed "merge", often an approver, so it is not one of them.
    authors = [c.author for c in written]
    author_logins = base.logins_of(authors) if base else frozenset()
    facts_row = RowFacts(
        step,
        pr,
        record is not None,
        valid,
        record if isinstance(record, str) else None,
        decisions,
        author_logins,
        head_trees.get(valid.commits.head) if valid else None,
        extra,
        landing.at,
    )
    row = EvidenceRow(
        sha=commit.sha,
        parents=commit.parents,
        date=commit.committer_date,
        landed_at=landing.at,
        author=f"{commit.author.name} <{commit.author.email}>",
        author_date=commit.author_date,
        committer=f"{commit.committer.name} <{commit.committer.email}>",
        subject=commit.subject,
        signature=commit.signature,
        pr=pr,
        pr_source=source,
        entities=[entity_evidence(e) for e in step.entities],
        change_requests=sorted(
            {e.name for e in step.entities if e.kind == "ChangeRequest" and e.name}
        ),
        approvers=[
            ApproverEvidence(a.login, a.submitted_at, a.commit)
            for a in (valid.approvers if valid else [])
        ],
        recorded_decision=valid.decision if valid else None,
        reevaluated=None
        if decisions is None
        else ("approved" if all(d.approved for d in decisions) else "not-approved"),
        policy=_policy_label(decisions),
        rules=[
            {
                "policy": d.source,
                "name": r.name,
                "status": r.status,
                "approvedBy": r.approvers,
                "missing": r.missing,
            }
            for d in decisions or []
            for r in d.rules
        ],
    )
    row.violations = check_row(facts_row)
    return row, decisions


def _policy_label(decisions: list[Decision] | None) -> str | None:
    if not decisions:
        return None
    first = decisions[0]
    return f"{first.policy_path or '(none)'}@{first.policy_commit[:12]}"


def _pr_commits(commit: LogCommit, side: Side, mainline: set[str]) -> list[GitCommit]:
    """The pull request's commits: those a merge brought in (its side parents' history
    off the mainline), or the commit itself when it is not a merge (a squash)."""
    if len(commit.parents) < 2:
        return [GitCommit(commit.sha, commit.author, commit.committer, commit.message)]
    found: list[GitCommit] = []
    todo = list(commit.parents[1:])
    seen: set[str] = set()
    while todo:
        sha = todo.pop()
        if sha in seen or sha in mainline or sha not in side:
            continue
        seen.add(sha)
        parents, written = side[sha]
        found.append(written)
        todo.extend(parents)
    return found


def _note_reviews(
    step: Step, reviews: dict[str, list[tuple[str, datetime]]], landed: datetime
) -> None:
    """Remember every change that adds a change request's ``spec.review``."""
    for entity in step.entities:
        if entity.kind != "ChangeRequest" or not entity.name or entity.status == "added":
            continue
        if any(f.path == "spec.review" and f.op == "added" for f in entity.fields):
            reviews.setdefault(entity.name, []).append((step.commit.sha, landed))


def _clocks(step: Step, decisions: list[Decision] | None, landed: datetime) -> list[EmergencyClock]:
    """Emergency change requests this commit brings in, with their review deadline."""
    emergencies = []
    for entity in step.entities:
        if entity.kind != "ChangeRequest" or entity.status == "removed":
            continue
        new = step.new_change_request(entity)
        old = step.old_change_request(entity) if entity.status != "added" else None
        if (
            new is not None
            and new.spec.type == "emergency"
            and (old is None or old.spec.type != "emergency")
        ):
            emergencies.append((entity, new))
    if not emergencies:
        return []
    base = step.before.catalog()
    if base is None:
        return []
    loaded = base.policy_at(step.before.commit or "")
    if loaded.policy is None:
        return []
    if decisions is None:
        facts = PullFacts("", step.commit.sha, step.before.commit or "")
        decisions = decide(step, facts, [], landed)
    retro = {r.name: r.retro_review for r in loaded.policy.spec.rules if r.retro_review}
    clocks = []
    for entity, change in emergencies:
        label = f"ChangeRequest {entity.name}"
        for rule in decisions[0].rules:
            review = retro.get(rule.name)
            if review is not None and rule.status != "skipped" and label in rule.matched:
                clocks.append(
                    EmergencyClock(
                        step.commit.sha,
                        change.name,
                        rule.name,
                        landed,
                        review.within,
                    )
                )
                break
    return clocks


__all__ = ["AuditOptions", "GitError", "run_audit"]
