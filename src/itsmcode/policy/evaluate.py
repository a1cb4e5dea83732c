"""One policy + the facts of a pull request + its reviews -> a Decision.

Per rule: *skipped* when no changed item matches its ``when``, else *satisfied* or
*pending*, with who approved, who else could, and what is missing. Fail closed: a
missing or broken policy, an unknown team or a freeze calendar that cannot be read
never lets a pull request through (policy.md, properties 2-6).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, get_args

from itsmcode.clock.freezes import active_freeze
from itsmcode.load.catalog import Catalog
from itsmcode.models import ApprovalPolicy, Team
from itsmcode.models.change import Status as ChangeStatus
from itsmcode.models.policy import Require
from itsmcode.policy.breakglass import BreakGlassDecision, Pool, judge
from itsmcode.policy.facts import Facts, owner_teams
from itsmcode.policy.github import Review, effective_approvers, normalize_login, valid_author
from itsmcode.policy.predicates import applies

Status = Literal["satisfied", "pending", "skipped"]
DEFAULT_RULE = "defaultRule"


@dataclass
class Group:
    """``count`` distinct approvals from a pool of people (one team, or pooled)."""

    label: str
    count: int
    approved: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def missing(self) -> int:
        return max(0, self.count - len(self.approved))


@dataclass
class RuleDecision:
    name: str
    description: str | None
    status: Status
    matched: list[str] = field(default_factory=list)  # labels of the items it applies to
    groups: list[Group] = field(default_factory=list)
    retro_review: dict[str, object] | None = None

    @property
    def approvers(self) -> list[str]:
        return sorted({login for g in self.groups for login in g.approved})

    @property
    def candidates(self) -> list[str]:
        return sorted({c for g in self.groups for c in g.candidates} - set(self.approvers))

    @property
    def missing(self) -> list[str]:
        out = []
        for group in self.groups:
            if group.problem:
                out.append(group.problem)
            if group.missing:
                more = "more " if group.approved else ""
                plural = "s" if group.missing > 1 else ""
                out.append(f"{group.missing} {more}approval{plural} from {group.label}")
        return out


@dataclass
class FreezeDecision:
    active: str | None = None  # "calendar/freeze" in force at evaluation time
    blocking: list[str] = field(default_factory=list)  # non-exempt change requests
    exempt: list[str] = field(default_factory=list)  # exempt change requests let through
    problems: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.blocking or self.problems)

    @property
    def exception_used(self) -> bool:
        return self.active is not None and bool(self.exempt) and not self.blocked


@dataclass
class Ignored:
    """An approval that does not count, and why (shown so nobody wonders)."""

    login: str
    reason: str


@dataclass
class Decision:
    """The verdict of one policy (base, or head when the pull request edits it)."""

    source: Literal["base", "head"]
    policy_path: str | None
    policy_commit: str
    approved: bool = False
    errors: list[str] = field(default_factory=list)  # why it failed closed
    rules: list[RuleDecision] = field(default_factory=list)
    freeze: FreezeDecision = field(default_factory=FreezeDecision)
    approvals: dict[str, Review] = field(default_factory=dict)  # counted approvals
    ignored: list[Ignored] = field(default_factory=list)
    #: Break-glass attempts and the use that let it pass (policy/breakglass.py).
    break_glass: BreakGlassDecision | None = None

    @property
    def by_break_glass(self) -> bool:
        """Approved only because break-glass was invoked (the rules alone are pending)."""
        return self.approved and self.break_glass is not None and self.break_glass.used is not None


def failed_closed(
    source: Literal["base", "head"], path: str | None, commit: str, reason: str
) -> Decision:
    return Decision(source, path, commit, approved=False, errors=[reason])


def evaluate(
    policy: ApprovalPolicy,
    facts: Facts,
    reviews: Sequence[Review],
    now: datetime,
    *,
    source: Literal["base", "head"] = "base",
    policy_path: str | None = None,
) -> Decision:
    """Decide one policy. Teams and calendars always come from ``facts.base``."""
    spec = policy.spec
    decision = Decision(source, policy_path, facts.pr.base_sha)
    decision.errors.extend(policy_problems(policy))
    decision.errors.extend(ambiguous_authority(facts.base))
    # A catalog that cannot be judged (policy/integrity.py) fails every decision closed.
    decision.errors.extend(facts.problems)
    eligible, ignored = _eligible_approvals(policy, facts, reviews)
    decision.ignored = ignored
    barred = _barred(policy, facts)
    covered: set[int] = set()
    for rule in spec.rules:
        matched = [i for i, item in enumerate(facts.items) if applies(rule.when, item, facts, now)]
        covered.update(matched)
        result = RuleDecision(rule.name, rule.description, "skipped")
        if rule.retro_review is not None:
            result.retro_review = rule.retro_review.model_dump(mode="json", by_alias=True)
        if matched:
            result.matched = [facts.items[i].label for i in matched]
            result.groups = _groups(rule.require, facts, eligible, barred)
            result.status = "satisfied" if _met(result.groups) else "pending"
        decision.rules.append(result)
    uncovered = [item for i, item in enumerate(facts.items) if i not in covered]
    default = RuleDecision(DEFAULT_RULE, "Changes no rule covers.", "skipped")
    # An empty pull request is no reason to pass without anyone looking.
    if uncovered or not facts.items:
        default.matched = [item.label for item in uncovered] or ["(no changes)"]
        default.groups = _groups(spec.default_rule.require, facts, eligible, barred)
        default.status = "satisfied" if _met(default.groups) else "pending"
    decision.rules.append(default)
    decision.freeze = _freeze(policy, facts, now)
    decision.approvals = {
        login: review
        for login, review in eligible.items()
        if any(login in r.approvers for r in decision.rules)
    }
    named = {u.lower() for rule in spec.rules for u in rule.require.users}
    named |= {u.lower() for u in spec.default_rule.require.users}
    decision.ignored.extend(
        Ignored(review.login, "is not a member of any team at the base commit")
        for login, review in sorted(eligible.items())
        if login not in facts.base.member_logins and login not in named
    )
    if not valid_author(facts.pr.author):
        # Nobody would ever be the author, so the author's own approval would count and
        # ``author`` predicates never match: refuse (the CLI already rejects it; this
        # catches a forged approval record in the audit).
        decision.errors.append(
            f"the pull request author {facts.pr.author!r} is not a valid GitHub login, so "
            "the author's own approval cannot be told apart; the policy fails closed"
        )
    decision.errors.extend(unknown_writers(policy, facts))
    decision.errors.extend(unverified_commits(policy, facts))
    decision.approved = (
        not decision.errors
        and not decision.freeze.blocked
        and all(r.status != "pending" for r in decision.rules)
    )
    decision.break_glass = _break_glass(policy, facts, reviews, decision)
    return decision


def _break_glass(
    policy: ApprovalPolicy, facts: Facts, reviews: Sequence[Review], decision: Decision
) -> BreakGlassDecision | None:
    """Break-glass lets a decision through that only misses approvals: never one that
    failed closed or that a freeze blocks. Used only when needed (else no retrospective
    is owed)."""
    found = judge(policy, facts, reviews, decision.policy_path)
    if found is None or found.used is None:
        return found
    if decision.approved or decision.errors or decision.freeze.blocked or found.problems:
        found.used = None
        return found
    config = policy.spec.break_glass
    assert config is not None
    # The retrospective's approvers, frozen now: base teams, never the invoker or a writer.
    barred = {normalize_login(found.used.invoker) or "", *facts.pr.committers}
    barred.add(normalize_login(facts.pr.author) or "")
    pools = tuple(
        Pool(g.label, g.count, frozenset(g.candidates), g.problem)
        for g in _groups(config.retrospective.require, facts, {}, barred)
    )
    found.used = replace(found.used, retrospective=pools)
    decision.approved = True
    return found


def unknown_writers(policy: ApprovalPolicy, facts: Facts) -> list[str]:
    """Commit identities no login is tied to (policy.md, property 10): whoever they are
    might approve their own work, so the policy fails closed unless it lets committers
    approve anyway or explicitly accepts unknown ones."""
    options = policy.spec.options
    if options.allow_committers or options.allow_unknown_committers:
        return []
    return [
        f"{label}: this commit identity is tied to no GitHub login, so whoever it is could "
        "approve their own change; the policy fails closed (list the e-mail on the person's "
        "team entry, pass GitHub's commit list with --commits, or set "
        "allowUnknownCommitters: true)"
        for label in facts.pr.unknown_committers
    ]


def unverified_commits(policy: ApprovalPolicy, facts: Facts) -> list[str]:
    """With ``requireVerifiedCommits``, every commit must carry GitHub's verification.

    git identities are claims: an approver can commit under the author's e-mail and be
    taken for her. A verified signature is tied by GitHub to the signer's account, so
    such a commit is not verified (``bad_email``), and one the approver signs as
    herself names her as committer (barred). Fails closed on anything unverified or
    unknown: no commit list, or commits git holds that the list lacks.
    """
    if not policy.spec.options.require_verified_commits or not facts.pr.judge_verification:
        return []
    listed = facts.pr.github_commits
    if listed is None:
        return [
            "requireVerifiedCommits needs GitHub's list of the pull request's commits "
            "(--commits FILE) to see which are verified; the policy fails closed"
        ]
    problems = [
        f"commit {sha[:12]} is not in GitHub's list of the pull request's commits, so "
        "nothing shows it is verified; the policy fails closed"
        for sha in facts.pr.unlisted_commits
    ]
    unverified = {c.sha: c.reason or "not verified" for c in listed if not c.verified}
    problems.extend(
        f"commit {sha[:12]} is not verified by GitHub ({reason}); requireVerifiedCommits "
        "is set, so the policy fails closed (sign the commit with a key GitHub ties to "
        "the committer's account)"
        for sha, reason in unverified.items()
    )
    return problems


def ambiguous_authority(base: Catalog) -> list[str]:
    """Teams and calendars that more than one file defines at the base commit.

    Who may approve and when changes are frozen must not depend on which of two files
    with one name a lookup happens to find first: a pull request that merges a second
    ``cab`` team or an empty second freeze calendar would otherwise widen the next
    pull request's approvers or lift its freeze. The policy fails closed until one goes.
    """
    problems = []
    for kind in ("Team", "Calendar"):
        for name in sorted(base.names(kind)):
            paths = [record.path for record in base.records_named(kind, name)]
            if len(paths) > 1:
                problems.append(
                    f"{kind} '{name}' is defined by {len(paths)} files at the base commit "
                    f"({', '.join(paths)}); which one governs approvals is ambiguous, so the "
                    "policy fails closed until only one remains"
                )
    return problems


def policy_problems(policy: ApprovalPolicy) -> list[str]:
    """What the schema cannot say: a transition pattern that could never match is a
    typo that would silently switch its rule off, so the policy fails closed instead."""
    known = set(get_args(ChangeStatus))
    problems = []
    for rule in policy.spec.rules:
        predicate = rule.when.change_request
        for pattern in predicate.transition if predicate else []:
            before, arrow, after = (p.strip() for p in pattern.partition("->"))
            if (
                not arrow
                or before not in known | {"*", "new"}
                or (after not in known | {"*", "removed"})
            ):
                problems.append(
                    f"rule {rule.name}: transition {pattern!r} is not 'from->to' with "
                    f"statuses from {', '.join(sorted(known))}, '*', 'new' (from) or "
                    "'removed' (to); the policy fails closed"
                )
    return problems


def _met(groups: Iterable[Group]) -> bool:
    return all(not g.problem and not g.missing for g in groups)


def _eligible_approvals(
    policy: ApprovalPolicy, facts: Facts, reviews: Sequence[Review]
) -> tuple[dict[str, Review], list[Ignored]]:
    """Approvals that may count for some rule: latest word per user is an approval for
    the head (with invalidateOnPush), from neither the author nor (unless allowed) a
    committer. Team membership is checked per rule (rule ``users`` count too)."""
    options = policy.spec.options
    head = facts.pr.head_sha
    latest = effective_approvers(reviews, head, invalidate_on_push=False)
    author = normalize_login(facts.pr.author)
    eligible: dict[str, Review] = {}
    ignored: list[Ignored] = []
    ignored.extend(
        Ignored(r.login, "is not a valid GitHub login (look-alike characters?)")
        for r in reviews
        if r.state == "APPROVED" and normalize_login(r.login) is None
    )
    for login, review in sorted(latest.items()):
        if options.invalidate_on_push and review.commit_id != head:
            commit = (review.commit_id or "unknown commit")[:12]
            ignored.append(Ignored(review.login, f"approved {commit}, not the head {head[:12]}"))
        elif login == author and not options.allow_author:
            ignored.append(Ignored(review.login, "is the pull request's author"))
        elif login in facts.pr.committers and not options.allow_committers:
            ignored.append(Ignored(review.login, "authored or committed a commit of the PR"))
        else:
            eligible[login] = review
    return eligible, ignored


def _barred(policy: ApprovalPolicy, facts: Facts) -> set[str]:
    """People whose approval can never count here, so they are never suggested."""
    barred = set(facts.pr.committers) if not policy.spec.options.allow_committers else set()
    author = normalize_login(facts.pr.author)
    if author and not policy.spec.options.allow_author:
        barred.add(author)
    return barred


def _groups(
    require: Require, facts: Facts, eligible: dict[str, Review], barred: set[str]
) -> list[Group]:
    members = facts.base.member_logins
    everyone = set(members) - barred
    groups: list[Group] = []
    if require.owners_of == "affected":
        owners: set[str] = set()
        for service in facts.affected():
            teams, problems = owner_teams(facts, service)
            owners |= teams
            # An owner that cannot approve (not a base team) keeps the rule pending.
            groups.extend(Group(f"owners of {service}", 0, problem=p) for p in problems)
        for team in sorted(owners):
            groups.append(
                _pool(f"team {team}", require.count, _team(facts, team) - barred, eligible)
            )
        if not owners and not groups and not require.teams and not require.users:
            # No owner can be named (an SLA nobody uses): still someone must approve.
            groups.append(_pool("any team member", require.count, everyone, eligible))
    if require.teams or require.users:
        pool: set[str] = set()
        problem = None
        for team in require.teams:
            if facts.base.team(team) is None:
                problem = f"team {team} does not exist at the base commit"
            pool |= _team(facts, team)
        pool |= {u.lower() for u in require.users}
        pool -= barred
        names = [f"team {t}" for t in require.teams] + [f"user {u}" for u in require.users]
        label = names[0] if len(names) == 1 else "any of " + ", ".join(names)
        group = _pool(label, require.count, pool, eligible)
        group.problem = problem
        groups.append(group)
    elif require.owners_of is None:
        groups.append(_pool("any team member", require.count, everyone, eligible))
    return groups


def _team(facts: Facts, name: str) -> set[str]:
    team = facts.base.get(Team, name)
    return team.logins() if team is not None else set()


def _pool(label: str, count: int, pool: set[str], eligible: dict[str, Review]) -> Group:
    approved = sorted(login for login in eligible if login in pool)
    return Group(label, count, approved, sorted(pool - set(approved)))


def _freeze(policy: ApprovalPolicy, facts: Facts, now: datetime) -> FreezeDecision:
    """policy.md "Freezes": a PR adding, editing (or deleting) a change request during a
    freeze passes only if every such change request has an exempt type."""
    result = FreezeDecision()
    changes = [item for item in facts.items if item.kind == "ChangeRequest"]
    if not changes:
        return result
    for name in policy.spec.freeze.calendars:
        calendar = facts.base.calendar(name)
        if calendar is None:
            result.problems.append(
                f"freeze calendar {name} is missing or invalid at the base commit"
            )
            continue
        active = active_freeze(calendar, now)
        if active is not None and result.active is None:
            result.active = f"{name}/{active}"
    if result.active is None:
        return result
    exempt = set(policy.spec.freeze.exempt_types)
    for item in changes:
        # The version the PR leaves behind decides; a deleted request, its last version.
        # A request the PR leaves invalid has no type to be exempt by: refused.
        version = item.cr_before if item.status == "removed" else item.cr_after
        if version is not None and version.type in exempt:
            result.exempt.append(item.label)
        else:
            result.blocking.append(item.label)
    return result
