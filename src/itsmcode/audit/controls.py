"""The controls checked on every evidence row: one function per control.

Each returns the violations it finds, each named by its control id with a reason an
auditor can act on. ``CONTROLS`` is the registry and the documentation (docs/audit.md
lists the same ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsmcode.audit.evidence import Violation
from itsmcode.audit.reevaluate import late_approvals, too_late, why_not
from itsmcode.audit.replay import Step
from itsmcode.git.log import LogCommit
from itsmcode.models.types import format_duration
from itsmcode.policy.approval_record import ApprovalRecord
from itsmcode.policy.evaluate import Decision
from itsmcode.policy.github import normalize_login

CONTROLS: dict[str, str] = {
    "direct-commit": "A change reached the protected branch without a pull request.",
    "no-approval-record": "No valid approval record (git note) is attached to the change.",
    "approval-not-valid": "The recorded approvals do not satisfy the policy in force at "
    "the parent commit (re-evaluated; the note's verdict is ignored).",
    "approved-after-merge": "A recorded approval was submitted after the change landed "
    "(or has no submission time): it did not authorize the change.",
    "approver-is-author": "A recorded approver is the pull request's author (or the "
    "commit's author).",
    "emergency-review-overdue": "An emergency change has no retrospective review merged "
    "within the policy's retroReview.within.",
    "break-glass-retrospective-overdue": "A change merged on break-glass has no "
    "retrospective approval (a later change adding its change request's spec.review, "
    "approved as the policy's breakGlass.retrospective.require says) within its deadline.",
    "implemented-outside-window": "A change request's outcome.finishedAt lies outside "
    "its spec.window.",
    "note-head-mismatch": "The approval record does not describe the commit it is "
    "attached to (merge sha, merged tree or approved head).",
    "history-rewritten": "A head recorded in the ledger is no longer on the branch's "
    "first-parent line: the audited history was rewritten (reported until acknowledged).",
    "implausible-date": "The commit's date is before its parent's, before a commit it "
    "merges, before a ledger run that did not contain it, or in the future: the change "
    "is judged at the time it can really have landed.",
    "evil-merge": "A merge commit's tree differs from the clean merge of its parents "
    "(git merge-tree): the difference is a change of its own that no approval covers.",
}


@dataclass
class RowFacts:
    """What the controls of one row look at."""

    step: Step
    pr: int | None
    note_present: bool
    record: ApprovalRecord | None
    record_error: str | None
    decisions: list[Decision] | None
    author_logins: frozenset[str] = frozenset()
    head_tree: str | None = None  # tree of the note's recorded head commit, if known
    extra: list[Violation] = field(default_factory=list)
    landed: datetime | None = None  # when it really landed (landed.py); None: committer date

    @property
    def landed_at(self) -> datetime:
        return self.landed or self.commit.committer_date

    @property
    def commit(self) -> LogCommit:
        return self.step.commit


def direct_commit(row: RowFacts) -> Iterator[Violation]:
    if row.pr is None:
        kind = "merge commit" if len(row.commit.parents) > 1 else "commit"
        yield Violation(
            "direct-commit",
            (
                f"{kind} {row.commit.sha[:12]} by {row.commit.author.name} "
                f"<{row.commit.author.email}> names no pull request (no approval record, "
                "no 'Merge pull request #N' or '(#N)' in its message)"
            ),
        )


def no_approval_record(row: RowFacts) -> Iterator[Violation]:
    if not row.note_present:
        yield Violation(
            "no-approval-record",
            "no note under refs/notes/itsmcode for "
            f"{row.commit.sha[:12]}: nothing shows who authorized it",
        )
    elif row.record is None:
        yield Violation(
            "no-approval-record",
            f"the note on {row.commit.sha[:12]} is not a "
            f"valid approval record ({row.record_error}); treat it as forged",
        )


def approval_not_valid(row: RowFacts) -> Iterator[Violation]:
    if row.record is None or row.decisions is None:
        return
    if not all(d.approved for d in row.decisions):
        claimed = row.record.decision
        yield Violation(
            "approval-not-valid",
            (
                f"the policy at the parent commit does not accept the recorded approvals "
                f"(the note claims '{claimed}'): {why_not(row.decisions)}"
            ),
        )


def approved_after_merge(row: RowFacts) -> Iterator[Violation]:
    """Was the change authorized before it went in? An approval recorded with a time after
    the change landed (or with none) was not; the re-evaluation leaves it out, and this
    says who approved late."""
    if row.record is None:
        return
    merged = row.landed_at
    late = late_approvals(row.record, merged)
    if late:
        who = "; ".join(f"{a.login} ({too_late(a, merged)})" for a in late)
        yield Violation(
            "approved-after-merge",
            (
                f"recorded approvals of pull request #{row.record.pull_request.number} that "
                f"did not authorize it before it merged: {who}"
            ),
        )


def approver_is_author(row: RowFacts) -> Iterator[Violation]:
    if row.record is None:
        return
    pr_author = normalize_login(row.record.pull_request.author)
    for approval in row.record.approvers:
        login = normalize_login(approval.login)
        if login is None:
            continue
        if login == pr_author:
            yield Violation(
                "approver-is-author",
                (
                    f"{approval.login} approved pull request #{row.record.pull_request.number}, "
                    "which they authored"
                ),
            )
        elif login in row.author_logins:
            yield Violation(
                "approver-is-author",
                (
                    f"{approval.login} approved a change whose commit they authored "
                    f"(pull request #{row.record.pull_request.number})"
                ),
            )


def note_head_mismatch(row: RowFacts) -> Iterator[Violation]:
    record = row.record
    if record is None:
        return
    commit = row.commit
    if record.commits.merge != commit.sha:
        yield Violation(
            "note-head-mismatch",
            (
                f"the note records merge commit {record.commits.merge[:12]} but is attached to "
                f"{commit.sha[:12]}"
            ),
        )
    if record.commits.merge_tree != commit.tree:
        yield Violation(
            "note-head-mismatch",
            (
                f"the note records merged tree {record.commits.merge_tree[:12]}, the commit "
                f"has tree {commit.tree[:12]}: the content differs from what was approved"
            ),
        )
    head = record.commits.head
    if head == commit.sha or head in commit.parents[1:]:
        return
    if row.head_tree is None:
        yield Violation(
            "note-head-mismatch",
            (
                f"the approved head {head[:12]} is not a merged parent of {commit.sha[:12]} and "
                "is not in this clone (fetch refs/pull/*/head to verify a squash merge)"
            ),
        )
    elif row.head_tree != commit.tree:
        yield Violation(
            "note-head-mismatch",
            (
                f"the approved head {head[:12]} is not a merged parent and its tree "
                f"{row.head_tree[:12]} differs from the merged tree {commit.tree[:12]}"
            ),
        )


def implemented_outside_window(row: RowFacts) -> Iterator[Violation]:
    step = row.step
    for entity in step.entities:
        if entity.kind != "ChangeRequest" or entity.status == "removed":
            continue
        change = step.new_change_request(entity)
        if change is None or change.spec.outcome is None:
            continue
        finished = change.spec.outcome.finished_at
        if finished is None:
            continue
        touched = entity.status == "added" or any(
            f.path.startswith(("spec.outcome", "spec.window")) for f in entity.fields
        )
        if not touched:
            continue
        window = change.spec.window
        if finished < window.start or finished > window.end:
            side = "before" if finished < window.start else "after"
            yield Violation(
                "implemented-outside-window",
                (
                    f"change request {change.name} finished at {finished.isoformat()}, {side} "
                    f"its window {window.start.isoformat()} .. {window.end.isoformat()}"
                ),
            )


ROW_CONTROLS = (
    direct_commit,
    no_approval_record,
    approval_not_valid,
    approved_after_merge,
    approver_is_author,
    note_head_mismatch,
    implemented_outside_window,
)


def check_row(row: RowFacts) -> list[Violation]:
    found: list[Violation] = []
    for control in ROW_CONTROLS:
        found.extend(control(row))
    found.extend(row.extra)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class EmergencyClock:
    """An emergency change request merged at ``merged``: its review is due by ``due``."""

    sha: str
    change: str
    rule: str
    merged: datetime
    within: timedelta

    @property
    def due(self) -> datetime:
        return self.merged + self.within


def emergency_review_overdue(
    clocks: Iterable[EmergencyClock],
    reviews: Mapping[str, list[tuple[str, datetime]]],
    now: datetime,
) -> Iterator[tuple[str, Violation]]:
    """(row sha, violation) for each emergency whose review came late or never.

    ``reviews`` maps a change request name to the later merged changes that added its
    ``spec.review`` (sha, merge time), oldest first.
    """
    for clock in clocks:
        later = [
            (sha, when)
            for sha, when in reviews.get(clock.change, [])
            if when >= clock.merged and sha != clock.sha
        ]
        within = format_duration(clock.within)
        if later:
            sha, when = later[0]
            if when > clock.due:
                yield (
                    clock.sha,
                    Violation(
                        "emergency-review-overdue",
                        (
                            f"emergency change {clock.change} (rule {clock.rule}) merged "
                            f"{clock.merged.isoformat()}; its review was merged in {sha[:12]} "
                            f"at {when.isoformat()}, after the {within} deadline "
                            f"{clock.due.isoformat()}"
                        ),
                    ),
                )
        elif now > clock.due:
            yield (
                clock.sha,
                Violation(
                    "emergency-review-overdue",
                    (
                        f"emergency change {clock.change} (rule {clock.rule}) merged "
                        f"{clock.merged.isoformat()}; no later merged change adds its spec.review, "
                        f"due within {within} (by {clock.due.isoformat()})"
                    ),
                ),
            )
