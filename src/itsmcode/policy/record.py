"""``itsm policy record``: the approval decision of a merged pull request as a git note.

The note is an ``ApprovalRecord`` (approval_record.py, the single source of its
format); it is written on the merge commit under ``refs/notes/itsmcode``. Pushing the
notes ref is the workflow's job.

The record answers "was this change authorized before it went in?": only reviews
submitted by the merge commit's committer date count (``github.reviews_at``), and the
freeze is judged at that time unless ``--now`` says otherwise.
"""

from __future__ import annotations

from datetime import datetime, timezone

from itsmcode.errors import ConfigError
from itsmcode.git.facts import PolicyGit
from itsmcode.policy.approval_record import (
    Approval,
    ApprovalRecord,
    Commits,
    FreezeFacts,
    PolicyRef,
    PullRequestFacts,
    RuleOutcome,
)
from itsmcode.policy.check import CheckResult
from itsmcode.policy.github import Review


class RecordGit(PolicyGit):
    """PolicyGit plus the one fact the record needs of the merge commit: when it landed."""

    def committer_time(self, commit: str) -> datetime:
        _, out, _ = self._run(
            "-c", "log.showSignature=false", "log", "-1", "--format=%cI", commit, "--"
        )
        text = out.decode("utf-8", "replace").strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(f"{commit[:12]}: unreadable committer date {text!r}") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


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
    )
