"""Incident (practice ``incident``): an unplanned interruption and its timeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Name, Timestamp

Priority = Literal["P1", "P2", "P3", "P4"]


class Cause(Strict):
    category: str = Field(description="Kind of cause, e.g. capacity, change, vendor.")
    change: Name | None = Field(None, description="ChangeRequest that caused the incident.")


class Hold(Strict):
    start: Timestamp = Field(description="When the incident went on hold.")
    end: Timestamp | None = Field(None, description="When work resumed; omitted: still on hold.")
    reason: str | None = Field(None, description="Why: waiting for the customer, a vendor, ...")


class Downtime(Strict):
    start: Timestamp = Field(description="When the service became unavailable.")
    end: Timestamp | None = Field(
        None, description="When it was available again; omitted: still down."
    )


class IncidentSpec(Strict):
    services: list[Name] = Field(min_length=1, description="Affected services, at least one.")
    priority: Priority = Field(description="P1 (highest) to P4.")
    opened_at: Timestamp = Field(description="When the incident was opened.")
    responded_at: Timestamp | None = Field(None, description="When someone first responded.")
    resolved_at: Timestamp | None = Field(None, description="When service was restored.")
    summary: str | None = Field(None, description="What happened, in a sentence or two.")
    cause: Cause | None = Field(None, description="What caused it.")
    problem: Name | None = Field(None, description="Problem record it belongs to.")
    on_hold: list[Hold] = Field(
        default_factory=list,
        description="Spans waiting on others; they do not count towards resolution.",
    )
    downtime: Downtime | None = Field(
        None,
        description="When the affected services were unavailable (for availability); "
        "omitted: no downtime.",
    )


class Incident(Entity):
    KIND = "Incident"
    kind: Literal["Incident"]
    spec: IncidentSpec

    def references(self) -> Iterator[Reference]:
        for i, service in enumerate(self.spec.services):
            yield ("spec", "services", i), "Service", service
        if self.spec.cause and self.spec.cause.change:
            yield ("spec", "cause", "change"), "ChangeRequest", self.spec.cause.change
        if self.spec.problem:
            yield ("spec", "problem"), "Problem", self.spec.problem
