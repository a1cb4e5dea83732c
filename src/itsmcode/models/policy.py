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
]


_EMERGENCY: list[ChangeType] = ["emergency"]


class Options(Strict):
    allow_author: bool = False
    allow_committers: bool = False
    invalidate_on_push: bool = True


class Require(Strict):
    count: int = Field(default=1, ge=1)
    teams: list[Name] = Field(default_factory=list)
    users: list[Login] = Field(default_factory=list)
    owners_of: Literal["affected"] | None = None


class SlaPredicate(Strict):
    loosened: bool | None = None
    tightened: bool | None = None


class ServicesPredicate(Strict):
    tier: list[Annotated[int, Field(ge=1, le=4)]] = Field(default_factory=list)
    lifecycle: list[Lifecycle] = Field(default_factory=list)
    type: list[Literal["business", "technical"]] = Field(default_factory=list)
    impacted: bool = False


class ChangeRequestPredicate(Strict):
    type: list[ChangeType] = Field(default_factory=list)
    risk: list[Risk] = Field(default_factory=list)
    transition: list[str] = Field(
        default_factory=list, description="Status transitions such as 'in-progress->completed'."
    )


class AuthorPredicate(Strict):
    teams: list[Name] = Field(default_factory=list)


class When(Strict):
    paths: list[str] = Field(default_factory=list)
    kinds: list[KindName] = Field(default_factory=list)
    change: list[Literal["added", "modified", "removed", "renamed"]] = Field(default_factory=list)
    fields: list[str] = Field(default_factory=list)
    sla: SlaPredicate | None = None
    services: ServicesPredicate | None = None
    change_request: ChangeRequestPredicate | None = None
    labels: list[str] = Field(default_factory=list)
    author: AuthorPredicate | None = None


class RetroReview(Strict):
    within: Duration
    teams: list[Name] = Field(default_factory=list)


class Rule(Strict):
    name: str
    description: str | None = None
    when: When = Field(default_factory=When)
    require: Require = Field(default_factory=Require)
    retro_review: RetroReview | None = None


class DefaultRule(Strict):
    require: Require = Field(default_factory=Require)


class Freeze(Strict):
    calendars: list[Name] = Field(default_factory=list)
    exempt_types: list[ChangeType] = Field(default_factory=lambda: _EMERGENCY.copy())


class ApprovalPolicySpec(Strict):
    options: Options = Field(default_factory=Options)
    default_rule: DefaultRule = Field(default_factory=DefaultRule)
    freeze: Freeze = Field(default_factory=Freeze)
    rules: list[Rule] = Field(default_factory=list)


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
