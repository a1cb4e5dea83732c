"""SLA: availability and response/resolution targets per priority."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Date, Duration, Name

PRIORITIES = ("P1", "P2", "P3", "P4")


class Availability(Strict):
    target: float = Field(gt=0, lt=100, description="Percent, e.g. 99.95.")
    window: Duration = Field(default=timedelta(days=30))


class Target(Strict):
    response: Duration
    resolution: Duration


class Targets(Strict):
    p1: Target | None = Field(default=None, alias="P1")
    p2: Target | None = Field(default=None, alias="P2")
    p3: Target | None = Field(default=None, alias="P3")
    p4: Target | None = Field(default=None, alias="P4")

    def items(self) -> list[tuple[str, Target]]:
        """(priority, target) for the priorities that are set, P1 first."""
        found = [(p, getattr(self, p.lower())) for p in PRIORITIES]
        return [(p, t) for p, t in found if t is not None]


class SLASpec(Strict):
    availability: Availability | None = None
    calendar: Name | None = None
    targets: Targets = Field(default_factory=Targets)
    maintenance_excluded: bool = False
    review_by: Date | None = None


class SLA(Entity):
    KIND = "SLA"
    kind: Literal["SLA"]
    spec: SLASpec

    def references(self) -> Iterator[Reference]:
        if self.spec.calendar:
            yield ("spec", "calendar"), "Calendar", self.spec.calendar
