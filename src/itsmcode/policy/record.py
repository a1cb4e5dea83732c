"""``itsm policy record``: the approval decision of a merged pull request as a git note.

The note is an ``ApprovalRecord`` (approval_record.py, the single source of its
format); it is written on the merge commit under ``refs/notes/itsmcode``. Pushing the
notes ref is the workflow's job.

The record answers "was this change authorized before it went in?": only reviews
submitted by the merge count (``github.reviews_at``). The merge is the earlier of the
time it landed and the pull request's ``merged_at``. The time it landed is the merge
commit's committer date, but never before its first parent's
(``RecordGit.landed_time``): a committer date is whatever the merging client wrote, and
must neither let a later approval in nor date the merge out of a freeze. The freeze is
judged at the landed time unless ``--now`` says otherwise.

The pull request's head commit must be in the clone: after a squash or rebase merge
no branch holds it (a fork's pull request least of all), so the record workflow
fetches ``refs/pull/N/head`` first; without it the record stops with one line saying
which ref to fetch (itsm never fetches: the clone, its remotes and credentials are
the workflow's).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from itsmcode.errors import ConfigError, GitError
from itsmcode.git.facts import PolicyGit
from itsmcode.git.log import parse_time
from itsmcode.models.types import format_duration
from itsmcode.policy.approval_record import (
    Approval,
    ApprovalRecord,
    BreakGlassFacts,
    Commits,
    FreezeFacts,
    PolicyRef,
    PullRequestFacts,
    RuleOutcome,
)
from itsmcode.policy.check import CheckResult
from itsmcode.policy.github import PullRequest, Review

#: How far two honest clocks may disagree before a date counts as implausible.
SKEW = timedelta(minutes=15)


class RecordGit(PolicyGit):
    """PolicyGit plus the one fact the record needs of the merge commit: when it landed."""

    def landed_time(self, commit: str) -> tuple[datetime, str | None]:
        """When ``commit`` landed, and a warning when its own date cannot be true.

        The committer date is what the merging machine said; a local merge sets it
        freely. The merge cannot have landed before its first parent (the branch tip it
        went onto), so a date before that parent's is moved up to it: a merge dated back
        out of a freeze is judged inside it (audit/landed.py bounds it further with the
        ledger). The record runs when the merge is pushed, so no review given later is
        among its inputs yet.
        """
        _, out, _ = self._run(
            "-c",
            "log.showSignature=false",
            "log",
            "-2",
            "--first-parent",
            "--format=%H %cI",
            commit,
            "--",
        )
        dates: list[tuple[str, datetime]] = []
        for line in out.decode("utf-8", "replace").splitlines():
            sha, _, text = line.partition(" ")
            try:
                dates.append((sha, parse_time(text)))
            except ValueError:
                raise ConfigError(f"{sha[:12]}: unreadable committer date {text!r}") from None
        (_, own), *parent = dates
        if parent and own < parent[0][1] - SKEW:
            sha, bound = parent[0]
            return bound, (
                f"merge {commit[:12]} is dated {own.isoformat()}, before its parent "
                f"{sha[:12]} ({bound.isoformat()}): judged as landed at {bound.isoformat()}"
            )
        return own, None


def approval_cutoff(landed: datetime, pr: PullRequest | None) -> datetime:
    """The moment approvals must precede: the earlier of the time the merge landed and
    GitHub's ``merged_at`` for the pull request (when the payload has it)."""
    if pr is None or pr.merged_at is None:
        return landed
    merged = pr.merged_at if pr.merged_at.tzinfo else pr.merged_at.replace(tzinfo=timezone.utc)
    return min(landed, merged)


def require_head(git: PolicyGit, head: str, number: int | None) -> None:
    """A clear stop when the approved head commit is not in the clone (squash/rebase)."""
    if git.has_commit(head):
        return
    ref = f"refs/pull/{number}/head" if number is not None else "<the pull request's head ref>"
    raise GitError(
        f"the pull request's head commit {head[:12]} is not in this clone (a squash or "
        f"rebase merge leaves it on no branch): fetch it first, e.g. "
        f"git fetch origin +{ref}:refs/remotes/itsm/head"
    )


def build_record(result: CheckResult, merge: str, merge_tree: str, now: datetime) -> ApprovalRecord:
    pr = result.pr
    if pr.number is None:
        raise ConfigError("the record needs the pull request's number: pass --event")
    base_decision = result.decisions[0]
    approvals: dict[str, Review] = {}
    rules: list[RuleOutcome] = []
    for decision in result.decisions:
        approvals.update(decision.approvals)
        # Rules of the head policy (when the PR edited it) are kept apart by name.
        prefix = "" if decision.source == "base" else "head:"
        rules.extend(
            RuleOutcome(name=prefix + r.name, status=r.status, approved_by=r.approvers)
            for r in decision.rules
        )
    freeze = base_decision.freeze
    used = result.break_glass
    glass = (
        None
        if used is None
        else BreakGlassFacts(
            invoker=used.invoker,
            reason=used.reason,
            submitted_at=used.submitted_at,
            commit=used.commit,
            review_id=used.review_id,
            within=format_duration(used.within),
            deadline=now + used.within,
        )
    )
    return ApprovalRecord(
        pull_request=PullRequestFacts(
            number=pr.number, author=pr.author, base_ref=pr.base_ref, labels=list(pr.labels)
        ),
        commits=Commits(base=pr.base_sha, head=pr.head_sha, merge=merge, merge_tree=merge_tree),
        policy=PolicyRef(
            path=base_decision.policy_path or "", blob=result.policy_blob, commit=pr.base_sha
        ),
        decision="approved" if result.approved else "not-approved",
        approvers=[
            Approval(
                login=r.login,
                submitted_at=r.submitted_at,
                commit=r.commit_id,
                review_id=r.review_id,
            )
            for _, r in sorted(approvals.items())
        ],
        rules=rules,
        freeze=FreezeFacts(active=freeze.active, exception_used=freeze.exception_used),
        evaluated_at=now,
        break_glass=glass,
    )
