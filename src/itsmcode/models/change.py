"""ChangeRequest: one change to one or more services, and its outcome."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Date, Login, Name, Timestamp

ChangeType = Literal["standard", "normal", "emergency"]
Risk = Literal["low", "medium", "high"]
Status = Literal["planned", "in-progress", "completed", "failed", "rolled-back", "cancelled"]
RISK_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}
CLOSED_STATUSES = frozenset({"completed", "failed", "rolled-back", "cancelled"})
#: Statuses of a change still ahead or under way (windows, templates still apply).
OPEN_STATUSES = frozenset({"planned", "in-progress"})
#: Status transitions one pull request may make (data-model.md, "Lifecycle").
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"in-progress", "cancelled"}),
    "in-progress": frozenset({"completed", "failed", "rolled-back", "cancelled"}),
}


class Window(Strict):
    start: Timestamp = Field(description="When work starts.")
    end: Timestamp = Field(description="When work ends; after start.")


class Plan(Strict):
    implementation: str | None = Field(None, description="How the change is made.")
    backout: str | None = Field(
        None, description="How to undo it; required unless the type is standard."
    )
    test: str | None = Field(None, description="How success is verified.")


class Outcome(Strict):
    started_at: Timestamp | None = Field(None, description="When work actually started.")
    finished_at: Timestamp | None = Field(None, description="When work actually finished.")
    notes: str | None = Field(None, description="What happened.")
    incidents: list[Name] = Field(default_factory=list, description="Incidents the change caused.")


class Review(Strict):
    summary: str = Field(description="Findings of the post-implementation review.")
    reviewed_at: Date = Field(description="Date of the review.")
    actions: list[str] = Field(default_factory=list, description="Follow-up actions.")


class ChangeRequestSpec(Strict):
    type: ChangeType = Field(description="standard (from a template), normal, or emergency.")
    template: Name | None = Field(
        None, description="StandardChange used; required iff the type is standard."
    )
    services: list[Name] = Field(min_length=1, description="Affected services, at least one.")
    requester: Login = Field(description="GitHub login of a member of any team in the catalog.")
    description: str | None = Field(None, description="Why the change is made.")
    risk: Risk = Field(description="Assessed risk.")
    window: Window = Field(description="Planned time window.")
    plan: Plan = Field(default_factory=Plan, description="Implementation, backout and test plans.")
    status: Status = Field(
        "planned",
        description="Where the change is. Approval is not a status: it is the merged PR.",
    )
    outcome: Outcome | None = Field(
        None, description="What happened; required once completed, failed or rolled-back."
    )
    review: Review | None = Field(
        None, description="Post-implementation review; required once failed or rolled-back."
    )
    links: list[str] = Field(
        default_factory=list, description="Related URLs, e.g. tracker tickets."
    )


class ChangeRequest(Entity):
    KIND = "ChangeRequest"
    kind: Literal["ChangeRequest"]
    spec: ChangeRequestSpec

    def references(self) -> Iterator[Reference]:
        spec = self.spec
        if spec.template:
            yield ("spec", "template"), "StandardChange", spec.template
        for i, service in enumerate(spec.services):
            yield ("spec", "services", i), "Service", service
        if spec.outcome:
            for i, incident in enumerate(spec.outcome.incidents):
                yield ("spec", "outcome", "incidents", i), "Incident", incident
