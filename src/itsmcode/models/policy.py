"""ApprovalPolicy: who must approve which pull request (see docs/reference/policy.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.change import ChangeType, Risk
from itsmcode.models.service import Lifecycle
from itsmcode.models.types import Duration, Login, Name

KindName = Literal[
    "Config",
    "Team",
    "Service",
    "SLA",
    "Calendar",
    "ChangeRequest",
    "StandardChange",
    "ApprovalPolicy",
    "Incident",
    "Problem",
    "Scorecard",
    "CabMinutes",
]


_EMERGENCY: list[ChangeType] = ["emergency"]
_NOT_NORMAL: list[ChangeType] = ["standard", "emergency"]


class Options(Strict):
    allow_author: bool = Field(
        False, description="The pull request's author may count as an approver."
    )
    allow_committers: bool = Field(
        False, description="Committers of the pull request's commits may count as approvers."
    )
    allow_unknown_committers: bool = Field(
        False,
        description=(
            "A commit identity that cannot be tied to a GitHub login does not make the "
            "policy fail closed."
        ),
    )
    require_verified_commits: bool = Field(
        False,
        description=(
            "Every commit of the pull request must be verified by GitHub (a signature "
            "GitHub ties to the committer's account); needs --commits."
        ),
    )
    invalidate_on_push: bool = Field(
        True, description="An approval counts only for the head commit it was given on."
    )


class Require(Strict):
    count: int = Field(
        default=1, ge=1, description="Approvals needed (from each owning team with ownersOf)."
    )
    teams: list[Name] = Field(
        default_factory=list, description="Teams whose members' approvals count (pooled)."
    )
    users: list[Login] = Field(
        default_factory=list, description="GitHub logins whose approvals count."
    )
    owners_of: Literal["affected"] | None = Field(
        None, description="affected: one approval from each team owning an affected service."
    )


class SlaPredicate(Strict):
    loosened: bool | None = Field(None, description="Matches when an SLA is loosened.")
    tightened: bool | None = Field(None, description="Matches when an SLA is tightened.")


class ServicesPredicate(Strict):
    tier: list[Annotated[int, Field(ge=1, le=4)]] = Field(
        default_factory=list, description="Tiers of affected services."
    )
    lifecycle: list[Lifecycle] = Field(
        default_factory=list, description="Lifecycles of affected services."
    )
    type: list[Literal["business", "technical"]] = Field(
        default_factory=list, description="Types of affected services."
    )
    impacted: bool = Field(
        False, description="Match against impacted services (affected plus dependents)."
    )
    error_budget_spent: bool | None = Field(
        None,
        description="true: a service whose availability over its SLA window, at the base "
        "commit and now, is below target; false: one within it (docs/risk.md).",
    )


class ChangeRequestPredicate(Strict):
    type: list[ChangeType] = Field(
        default_factory=list, description="Types of added or edited change requests."
    )
    risk: list[Risk] = Field(
        default_factory=list, description="Risks of added or edited change requests."
    )
    computed_risk: list[Risk] = Field(
        default_factory=list,
        description="Risk computed from the base commit's evidence (itsm risk, docs/risk.md).",
    )
    transition: list[str] = Field(
        default_factory=list, description="Status transitions such as 'in-progress->completed'."
    )
    outside_maintenance_window: bool | None = Field(
        None,
        description="true: the window does not fit in one agreed maintenance window of "
        "an affected service, as the base commit declares them; false: it fits in all "
        "(docs/calendar.md).",
    )


class AuthorPredicate(Strict):
    teams: list[Name] = Field(
        default_factory=list, description="The pull request's author is in one of these teams."
    )


class When(Strict):
    paths: list[str] = Field(default_factory=list, description="Globs of changed paths.")
    kinds: list[KindName] = Field(default_factory=list, description="Kinds of changed entities.")
    change: list[Literal["added", "modified", "removed", "renamed"]] = Field(
        default_factory=list, description="How an entity changed."
    )
    fields: list[str] = Field(
        default_factory=list, description="Changed fields, dotted (spec.tier)."
    )
    sla: SlaPredicate | None = Field(None, description="SLA loosened or tightened.")
    services: ServicesPredicate | None = Field(
        None, description="Properties of the affected services."
    )
    change_request: ChangeRequestPredicate | None = Field(
        None, description="Properties of added or edited change requests."
    )
    labels: list[str] = Field(default_factory=list, description="Labels of the pull request.")
    author: AuthorPredicate | None = Field(None, description="Who opened the pull request.")


class RetroReview(Strict):
    within: Duration = Field(description="Deadline for the retrospective review after merge.")
    teams: list[Name] = Field(default_factory=list, description="Teams that review.")


class Rule(Strict):
    name: str = Field(description="Rule name, shown in decisions.")
    description: str | None = Field(None, description="Why the rule exists.")
    when: When = Field(
        default_factory=When,
        description="Predicates; keys AND together, list values OR.",
    )
    require: Require = Field(
        default_factory=Require, description="Approvals needed when the rule applies."
    )
    retro_review: RetroReview | None = Field(
        None, description="A later review the audit checks (for emergencies)."
    )


class DefaultRule(Strict):
    require: Require = Field(
        default_factory=Require, description="Approvals needed for changes no rule covers."
    )


class Freeze(Strict):
    calendars: list[Name] = Field(
        default_factory=list, description="Calendars whose freezes block change requests."
    )
    exempt_types: list[ChangeType] = Field(
        default_factory=lambda: _EMERGENCY.copy(),
        description="Change types allowed during a freeze.",
    )


class Maintenance(Strict):
    exempt_types: list[ChangeType] = Field(
        default_factory=lambda: _NOT_NORMAL.copy(),
        description="Change types that need not fit in a service's maintenance windows.",
    )


class Retrospective(Strict):
    within: Duration = Field(
        description="Deadline after the merge for the retrospective approval (72h, 3d)."
    )
    require: Require = Field(
        description="Approvals the retrospective needs, in the syntax of a rule's require; "
        "neither the invoker, nor the author, nor anyone who wrote the pull request counts."
    )


class BreakGlass(Strict):
    teams: list[Name] = Field(
        min_length=1,
        description="Teams (at the base commit) whose members may invoke break-glass.",
    )
    change_types: list[ChangeType] = Field(
        min_length=1,
        description="Change types a break-glass pull request's change requests must have "
        "(at the base and as the pull request leaves them).",
    )
    min_reason_length: int = Field(
        12, ge=1, le=500, description="Fewest characters the stated reason must have."
    )
    retrospective: Retrospective = Field(
        description="The approval owed after the merge; the audit reports it when overdue."
    )


class ApprovalPolicySpec(Strict):
    options: Options = Field(
        default_factory=Options,
        description="Who may count as an approver and when approvals expire.",
    )
    default_rule: DefaultRule = Field(
        default_factory=DefaultRule, description="Applies to changes no rule covers."
    )
    freeze: Freeze = Field(default_factory=Freeze, description="Change freezes.")
    maintenance: Maintenance = Field(
        default_factory=Maintenance,
        description="Which change types the services' maintenance windows bind.",
    )
    rules: list[Rule] = Field(default_factory=list, description="Approval rules.")
    break_glass: BreakGlass | None = Field(
        None,
        description="Emergency override: a member of these teams merges without the "
        "rules' approvals, with a recorded reason and a retrospective approval "
        "(docs/break-glass.md). Absent: no override.",
    )


class ApprovalPolicy(Entity):
    KIND = "ApprovalPolicy"
    kind: Literal["ApprovalPolicy"]
    spec: ApprovalPolicySpec

    def references(self) -> Iterator[Reference]:
        spec = self.spec
        for i, calendar in enumerate(spec.freeze.calendars):
            yield ("spec", "freeze", "calendars", i), "Calendar", calendar
        for i, team in enumerate(spec.default_rule.require.teams):
            yield ("spec", "defaultRule", "require", "teams", i), "Team", team
        if spec.break_glass is not None:
            where: tuple[str | int, ...] = ("spec", "breakGlass")
            for i, team in enumerate(spec.break_glass.teams):
                yield (*where, "teams", i), "Team", team
            for i, team in enumerate(spec.break_glass.retrospective.require.teams):
                yield (*where, "retrospective", "require", "teams", i), "Team", team
        for r, rule in enumerate(spec.rules):
            base: tuple[str | int, ...] = ("spec", "rules", r)
            for i, team in enumerate(rule.require.teams):
                yield (*base, "require", "teams", i), "Team", team
            if rule.retro_review:
                for i, team in enumerate(rule.retro_review.teams):
                    yield (*base, "retroReview", "teams", i), "Team", team
            if rule.when.author:
                for i, team in enumerate(rule.when.author.teams):
                    yield (*base, "when", "author", "teams", i), "Team", team
