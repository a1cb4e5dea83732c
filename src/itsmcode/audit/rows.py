"""The audit's evidence rows: one ``EvidenceRow`` per change the replay steps through.

For each step: is it in the period and in scope, which note it carries and what it
says, the policy re-decided for it with the recorded approvals (``reevaluate``), the
controls it breaks (``controls.check_row``) and the emergency clocks it starts. The
population, the ledger and the report header are ``run.py``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from itsmcode.audit import breakglass
from itsmcode.audit.controls import (
    EmergencyClock,
    RowFacts,
    check_row,
    emergency_review_overdue,
)
from itsmcode.audit.evidence import ApproverEvidence, EvidenceRow, Violation, entity_evidence
from itsmcode.audit.landed import Landing
from itsmcode.audit.merges import evil_merge
from itsmcode.audit.reevaluate import decide, late_approvals, reviews_of, too_late
from itsmcode.audit.replay import Step
from itsmcode.git.facts import GitCommit
from itsmcode.git.log import AuditGit, LogCommit
from itsmcode.load.globs import matches
from itsmcode.policy.approval_record import ApprovalRecord, RecordError
from itsmcode.policy.evaluate import Decision, Ignored
from itsmcode.policy.facts import PullFacts, with_writers

_MERGE_PR = re.compile(r"^Merge pull request #(\d+)\b")
_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")
MAX_NOTE_SIZE = 1024 * 1024

#: sha -> (parents, commit) of every commit the audited revisions reach (merged sides).
Side = dict[str, tuple[tuple[str, ...], GitCommit]]


@dataclass(frozen=True)
class RowContext:
    """What every row of one run looks things up in."""

    repo: AuditGit
    records: Mapping[str, ApprovalRecord | str]
    head_trees: Mapping[str, str | None]
    side: Side
    mainline: set[str]
    landed: Mapping[str, Landing]
    since: datetime | None = None
    until: datetime | None = None
    scope_all: bool = False


def build_rows(
    steps: Iterable[Step],
    context: RowContext,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[EvidenceRow], int]:
    """The rows of the changes in period and in scope, and how many were out of scope."""
    rows: list[EvidenceRow] = []
    clocks: list[EmergencyClock] = []
    glass_clocks: list[breakglass.GlassClock] = []
    reviews: dict[str, list[tuple[str, datetime]]] = {}
    retrospectives: breakglass.Retrospectives = {}
    skipped = 0
    for index, step in enumerate(steps):
        landing = context.landed[step.commit.sha]
        note_reviews(step, reviews, landing.at)
        breakglass.note_retrospectives(
            step, context.records.get(step.commit.sha), landing.at, retrospectives
        )
        if in_period(landing.at, context.since, context.until):
            scoped = in_scope(step, context.scope_all)
            evil = evil_merge(context.repo, step, scoped)
            if evil is not None or any(scoped(p.path) for p in step.paths):
                extra = [*landing.problems, *([evil] if evil else [])]
                record = context.records.get(step.commit.sha)
                row, decisions = evidence_row(step, record, context, landing, extra)
                rows.append(row)
                clocks.extend(emergency_clocks(step, decisions, landing.at))
                if isinstance(record, ApprovalRecord) and record.break_glass is not None:
                    entry, glass = breakglass.evidence(step, record, decisions, landing.at)
                    row.break_glass = entry
                    glass_clocks.extend([glass] if glass else [])
            else:
                skipped += 1
        if progress is not None:
            progress(index + 1)
    by_sha = {row.sha: row for row in rows}
    for sha, violation in emergency_review_overdue(clocks, reviews, now):
        by_sha[sha].violations.append(violation)
    for sha, violation in breakglass.overdue(glass_clocks, retrospectives, now):
        by_sha[sha].violations.append(violation)
    return rows, skipped


def pr_from_message(commit: LogCommit) -> tuple[int | None, str | None]:
    """The pull request number GitHub writes into merge and squash commit messages."""
    merge = _MERGE_PR.match(commit.subject)
    if merge and len(commit.parents) > 1:
        return int(merge.group(1)), "merge-message"
    squash = _SQUASH_PR.search(commit.subject)
    if squash:
        return int(squash.group(1)), "squash-message"
    return None, None


def parse_note(data: bytes | None, problem: str | None) -> ApprovalRecord | str:
    if data is None:
        return problem or "unreadable note"
    try:
        return ApprovalRecord.from_json(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "the note is not UTF-8 text"
    except RecordError as exc:
        return str(exc)


def in_scope(step: Step, scope_all: bool) -> Callable[[str], bool]:
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


def in_period(when: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or when >= since) and (until is None or when <= until)


def evidence_row(
    step: Step,
    record: ApprovalRecord | str | None,
    context: RowContext,
    landing: Landing,
    extra: list[Violation],
) -> tuple[EvidenceRow, list[Decision] | None]:
    """One change's row, and the decisions re-made for it (None: no valid record)."""
    commit = step.commit
    valid = record if isinstance(record, ApprovalRecord) else None
    pr, source = (valid.pull_request.number, "note") if valid else pr_from_message(commit)
    base = step.before.catalog()
    decisions: list[Decision] | None = None
    written = _pr_commits(commit, context.side, context.mainline)
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
        context.head_trees.get(valid.commits.head) if valid else None,
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


def note_reviews(
    step: Step, reviews: dict[str, list[tuple[str, datetime]]], landed: datetime
) -> None:
    """Remember every change that adds a change request's ``spec.review``."""
    for entity in step.entities:
        if entity.kind != "ChangeRequest" or not entity.name or entity.status == "added":
            continue
        if any(f.path == "spec.review" and f.op == "added" for f in entity.fields):
            reviews.setdefault(entity.name, []).append((step.commit.sha, landed))


def emergency_clocks(
    step: Step, decisions: list[Decision] | None, landed: datetime
) -> list[EmergencyClock]:
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
