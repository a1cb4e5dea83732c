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
#: Status transitions one pull request may make (data-model.md, "Lifecycle").
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"in-progress", "cancelled"}),
    "in-progress": frozenset({"completed", "failed", "rolled-back", "cancelled"}),
}


class Window(Strict):
    start: Timestamp
    end: Timestamp


class Plan(Strict):
    implementation: str | None = None
    backout: str | None = None
    test: str | None = None


class Outcome(Strict):
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    notes: str | None = None
    incidents: list[Name] = Field(default_factory=list)


class Review(Strict):
    summary: str
    reviewed_at: Date
    actions: list[str] = Field(default_factory=list)


class ChangeRequestSpec(Strict):
    type: ChangeType
    template: Name | None = None
    services: list[Name] = Field(min_length=1)
    requester: Login
    description: str | None = None
    risk: Risk
    window: Window
    plan: Plan = Field(default_factory=Plan)
    status: Status = "planned"
    outcome: Outcome | None = None
    review: Review | None = None
    links: list[str] = Field(default_factory=list)


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
