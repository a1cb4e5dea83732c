"""Break-glass: an emergency override of the approval rules (docs/break-glass.md).

The base policy's ``breakGlass`` names the teams whose members may invoke it and the
change types it may be used for. A member invokes it with a GitHub review (APPROVED or
COMMENTED) on the pull request's current head whose body starts with the marker
``break-glass:`` followed by the reason. The pull request then passes without the
rules' approvals; ``policy record`` writes who invoked it, why and the deadline of the
retrospective approval, and the audit reports the use and any overdue retrospective.

What makes it hard to abuse (each is an attack in tests/policy/test_break_glass.py):
- only the *base* policy and the *base* teams count (a pull request that adds
  ``breakGlass``, widens it or adds its author to the team gains nothing), and a pull
  request that edits the policy, ``itsm.yaml`` or a team cannot be let through at all,
  nor one that touches any file that is no ITSM record (workflows, code, CODEOWNERS);
- the invoker wrote nothing of the pull request: not its author, no author, committer
  or co-author of its commits (``facts.with_writers``, the gate's one rule), whatever
  ``allowAuthor``/``allowCommitters`` say; with any commit identity tied to no login the
  override is refused, since that identity might be the invoker's;
- every change request the pull request adds or edits has an allowed type, as it leaves
  it *and* as the base had it: a pull request cannot make its own change an emergency;
- the marker is exact: lower case, at the very start of the body, with a reason of at
  least ``minReasonLength`` characters; a review on an older head, a dismissed review
  or one the invoker later withdrew (changes requested, dismissed) does not count.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsmcode.load.layout import CONFIG_FILE
from itsmcode.models import ApprovalPolicy, Team
from itsmcode.models.policy import BreakGlass
from itsmcode.policy.facts import Facts
from itsmcode.policy.github import Review, normalize_login

MARKER = "break-glass:"
INVOKING_STATES = ("APPROVED", "COMMENTED")


@dataclass(frozen=True)
class Pool:
    """One group of the retrospective's ``require``: ``count`` approvals from ``members``,
    frozen when break-glass was used (the base teams, minus the invoker and the writers)."""

    label: str
    count: int
    members: frozenset[str]
    problem: str | None = None


@dataclass(frozen=True)
class BreakGlassUse:
    """A valid invocation: the pull request passes on it."""

    invoker: str
    reason: str
    commit: str | None
    submitted_at: datetime | None
    review_id: int | None
    within: timedelta  # the retrospective's deadline after the merge
    retrospective: tuple[Pool, ...] = ()


@dataclass(frozen=True)
class Refused:
    """A review that tried to invoke break-glass and does not count, and why."""

    login: str
    reason: str


@dataclass
class BreakGlassDecision:
    """What one policy says about break-glass for this pull request."""

    allowed: bool  # the policy has breakGlass
    used: BreakGlassUse | None = None
    refused: list[Refused] = field(default_factory=list)
    #: Why this pull request cannot be let through by break-glass at all.
    problems: list[str] = field(default_factory=list)


def reason_of(body: str | None) -> str | None:
    """The reason after the marker, or None when the body does not invoke break-glass.

    The marker must open the body (leading blank space aside), exactly, in lower case:
    a quote of someone else's invocation, a sentence that mentions the marker or a
    ``Break-Glass:`` is no invocation."""
    if body is None:
        return None
    text = body.lstrip()
    if not text.startswith(MARKER):
        return None
    return text[len(MARKER) :].strip()


def visible_length(reason: str) -> int:
    """How many characters of ``reason`` one can see: blank space of any kind and the
    invisible format and control characters (zero-width space, joiners, BOM) do not
    count, or twenty U+200B would pass for a reason."""
    return sum(1 for c in reason if not c.isspace() and unicodedata.category(c)[0] not in "CZ")


def near_miss(body: str | None) -> bool:
    """A body that mentions the marker but does not invoke it (shown, so nobody wonders)."""
    return body is not None and reason_of(body) is None and "break-glass" in body.casefold()


def judge(
    policy: ApprovalPolicy,
    facts: Facts,
    reviews: Sequence[Review],
    policy_path: str | None,
) -> BreakGlassDecision | None:
    """The break-glass decision, or None when no review tried to invoke it."""
    config = policy.spec.break_glass
    attempts = sorted(
        (r for r in reviews if reason_of(r.body) is not None or near_miss(r.body)), key=_order
    )
    if not attempts:
        return None
    if config is None:
        decision = BreakGlassDecision(allowed=False)
        decision.refused = [
            Refused(r.login, "the base policy has no breakGlass: no override is possible")
            for r in attempts
        ]
        return decision
    decision = BreakGlassDecision(allowed=True, problems=scope_problems(config, facts, policy_path))
    ordered = sorted(reviews, key=_order)
    for review in attempts:
        why = _why_not(review, config, facts, ordered)
        if why is not None:
            decision.refused.append(Refused(review.login, why))
        elif decision.used is None:
            reason = reason_of(review.body) or ""
            decision.used = BreakGlassUse(
                review.login,
                reason,
                review.commit_id,
                review.submitted_at,
                review.review_id,
                config.retrospective.within,
            )
    return decision


def scope_problems(config: BreakGlass, facts: Facts, policy_path: str | None) -> list[str]:
    """Why this pull request, whoever invokes break-glass, cannot pass on it."""
    problems: list[str] = []
    governing = {CONFIG_FILE, policy_path} - {None}
    for item in facts.items:
        if item.kind == "ApprovalPolicy" or governing & set(item.paths):
            problems.append(
                f"{item.label}: break-glass cannot let through a change to the approval "
                f"policy or {CONFIG_FILE}; it needs the normal approvals"
            )
        elif item.kind == "Team":
            # Teams decide who approves every later change, as the policy does.
            problems.append(
                f"{item.label}: break-glass cannot let through a change to a team (teams "
                "decide who approves); it needs the normal approvals"
            )
    allowed = set(config.change_types)
    names = ", ".join(sorted(allowed))
    changes = [item for item in facts.items if item.kind == "ChangeRequest"]
    if not changes:
        problems.append(
            f"break-glass needs a change request of type {names} in the pull request; it has none"
        )
    for item in changes:
        before, after = item.cr_before, item.cr_after
        if after is None:
            problems.append(
                f"{item.label}: the pull request deletes it or leaves it invalid, so it has "
                f"no type of {names}"
            )
        elif after.type not in allowed:
            problems.append(f"{item.label} is of type {after.type}; break-glass allows {names}")
        elif before is not None and before.type not in allowed:
            problems.append(
                f"{item.label} is of type {before.type} at the base commit: a pull request "
                f"cannot make its own change {after.type} to invoke break-glass"
            )
    for item in facts.items:
        if item.kind is None:
            # A plain file (a workflow, CODEOWNERS, code, a file that is no valid record)
            # is outside what the rules describe: the override would let through the
            # very files that run the gate. Break-glass lands ITSM records only.
            problems.append(
                f"{item.path}: break-glass lets through ITSM records only, not other files "
                "(workflows, code, documents); it needs the normal approvals"
            )
    if facts.pr.unknown_committers:
        problems.append(
            "a commit identity of the pull request is tied to no login, so nothing shows the "
            "invoker did not write it: break-glass is refused"
        )
    return problems


def _why_not(
    review: Review, config: BreakGlass, facts: Facts, ordered: Sequence[Review]
) -> str | None:
    reason = reason_of(review.body)
    if reason is None:
        return f"the review does not start with the exact marker '{MARKER}' (lower case)"
    if review.state == "DISMISSED":
        return "the break-glass review was dismissed"
    if review.state not in INVOKING_STATES:
        return f"a {review.state} review cannot invoke break-glass"
    if review.submitted_at is None:
        return "the review has no submission time, so nothing shows when it was given"
    head = facts.pr.head_sha
    if review.commit_id != head:
        commit = (review.commit_id or "unknown commit")[:12]
        return f"invoked on {commit}, not the head {head[:12]}: invoke it again on the head"
    login = normalize_login(review.login)
    if login is None:
        return "is not a valid GitHub login (look-alike characters?)"
    if login == normalize_login(facts.pr.author):
        return "is the pull request's author: nobody can break the glass for their own change"
    if login in facts.pr.committers:
        return "authored, committed or co-authored a commit of the pull request"
    members = set().union(*(_members(facts, team) for team in config.teams))
    if login not in members:
        teams = ", ".join(config.teams)
        return f"is not a member of {teams} at the base commit"
    if visible_length(reason) < config.min_reason_length:
        return (
            f"the reason is empty or shorter than {config.min_reason_length} characters: say "
            "why after the marker"
        )
    later = [
        r
        for r in ordered
        if normalize_login(r.login) == login
        and _order(r) > _order(review)
        and r.state == "CHANGES_REQUESTED"
    ]
    if later:
        return f"withdrawn by a later {later[0].state} review of the invoker"
    return None


def _members(facts: Facts, team: str) -> set[str]:
    found = facts.base.get(Team, team)
    return found.logins() if found is not None else set()


def _order(review: Review) -> tuple[float, int]:
    stamp = review.submitted_at.timestamp() if review.submitted_at else float("-inf")
    return stamp, review.review_id or 0
