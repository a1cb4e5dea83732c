"""Incident (practice ``incident``): an unplanned interruption and its timeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Name, Timestamp

Priority = Literal["P1", "P2", "P3", "P4"]


class Cause(Strict):
    category: str
    change: Name | None = None


class IncidentSpec(Strict):
    services: list[Name] = Field(min_length=1)
    priority: Priority
    opened_at: Timestamp
    responded_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    summary: str | None = None
    cause: Cause | None = None
    problem: Name | None = None


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
