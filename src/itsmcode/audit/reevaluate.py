"""Re-deciding a recorded approval with the policy in force at the parent commit.

The note's own ``decision`` is never trusted. The recorded approvals submitted by the
merge (the commit's committer date) become reviews (APPROVED, on the recorded commit,
at the recorded time) and go through the same ``policy.evaluate`` as ``itsm policy
check``, with the policy, teams and calendars of the merge commit's first parent
(what the branch held when the change went in) and the diff parent..commit (what
actually landed). A change that edits the policy (or itsm.yaml) must satisfy the
policy it leaves behind too, as at review time. An approval submitted after the
merge, or without a time, authorized nothing: it is left out (``late_approvals``;
the audit reports it as approved-after-merge).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from itsmcode.audit.catalogs import ReplayCatalog
from itsmcode.audit.replay import Step
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.policy.approval_record import Approval, ApprovalRecord
from itsmcode.policy.breakglass import MARKER
from itsmcode.policy.evaluate import Decision, evaluate, failed_closed
from itsmcode.policy.facts import Facts, PullFacts
from itsmcode.policy.github import Review, submitted_by
from itsmcode.policy.integrity import gather


def reviews_of(record: ApprovalRecord, merged: datetime) -> list[Review]:
    """The recorded approvals submitted by ``merged`` (the merge commit's committer date),
    and the recorded break-glass invocation as the review it was: the policy at the
    parent judges it again (its teams, types, the invoker not a writer)."""
    reviews = [
        Review(a.login, "APPROVED", a.commit, a.submitted_at, a.review_id)
        for a in record.approvers
        if submitted_by(a.submitted_at, merged)
    ]
    glass = record.break_glass
    if glass is not None and submitted_by(glass.submitted_at, merged):
        body = f"{MARKER} {glass.reason}"
        reviews.append(
            Review(
                glass.invoker, "COMMENTED", glass.commit, glass.submitted_at, glass.review_id, body
            )
        )
    return reviews


def late_approvals(record: ApprovalRecord, merged: datetime) -> list[Approval]:
    """Recorded approvals submitted after ``merged``, or without a submission time."""
    return [a for a in record.approvers if not submitted_by(a.submitted_at, merged)]


def too_late(approval: Approval, merged: datetime) -> str:
    """Why a late approval authorized nothing, in words."""
    if approval.submitted_at is None:
        return "approval without a submission time: nothing shows it came before the merge"
    return (
        f"approved at {approval.submitted_at.isoformat()}, after the merge at {merged.isoformat()}"
    )


def decide(step: Step, pr: PullFacts, reviews: Sequence[Review], now: datetime) -> list[Decision]:
    """The base decision and, when the change edits the policy, the head decision."""
    parent = step.before.commit or ""
    base = step.before.catalog()
    head = step.after.catalog()
    if base is None or head is None:
        reason = (
            f"no valid {CONFIG_FILE} at the parent commit {parent[:12]}; the approval "
            "policy cannot be read, so the change is not approved (fail closed)"
        )
        return [failed_closed("base", None, parent, reason)]
    # The same gathering as ``itsm policy check``: facts from each file's own path,
    # and the same reasons to fail closed (duplicates, unloadable files, links, aliases).
    layouts = [Layout.from_config(base.config), Layout.from_config(head.config)]
    facts = gather(pr, step.changeset(), step.paths, base, head, layouts)
    items = facts.items
    decisions = [_one(base, parent, "base", facts, reviews, now)]
    loaded_base = base.policy_at(parent)
    loaded_head = head.policy_at(step.commit.sha)
    touched = {p for item in items for p in item.paths}
    policy_paths = {loaded_base.path, loaded_head.path, CONFIG_FILE} - {None}
    if touched & policy_paths or any(item.kind == "ApprovalPolicy" for item in items):
        decisions.append(_one(head, step.commit.sha, "head", facts, reviews, now))
    return decisions


def _one(
    catalog: ReplayCatalog,
    commit: str,
    side: Literal["base", "head"],
    facts: Facts,
    reviews: Sequence[Review],
    now: datetime,
) -> Decision:
    loaded = catalog.policy_at(commit)
    if loaded.policy is None:
        return failed_closed(side, loaded.path, commit, loaded.problem or "no policy")
    decision = evaluate(loaded.policy, facts, reviews, now, source=side, policy_path=loaded.path)
    decision.policy_commit = commit
    return decision


def why_not(decisions: Sequence[Decision]) -> str:
    """What the policy is missing, in one line."""
    parts: list[str] = []
    for decision in decisions:
        where = f"{decision.source} policy"
        parts.extend(f"{where}: {e}" for e in decision.errors)
        for rule in decision.rules:
            if rule.status == "pending":
                missing = ", ".join(rule.missing) or "not satisfied"
                parts.append(f"{where} rule {rule.name}: {missing}")
        if decision.freeze.blocked:
            blocking = ", ".join(decision.freeze.blocking + decision.freeze.problems)
            parts.append(f"{where}: freeze {decision.freeze.active}: {blocking}")
        for ignored in decision.ignored:
            parts.append(f"{ignored.login} not counted ({ignored.reason})")
        glass = decision.break_glass
        if glass is not None and not decision.approved:
            parts.extend(f"{where}: break-glass not possible: {p}" for p in glass.problems)
            parts.extend(
                f"{where}: break-glass by {r.login} not counted ({r.reason})" for r in glass.refused
            )
    return "; ".join(dict.fromkeys(parts)) or "not approved"
