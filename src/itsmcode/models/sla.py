"""SLA: availability and response/resolution targets per priority."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, ModelWrapValidatorHandler, PrivateAttr, model_validator

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Date, Duration, Name, format_duration

PRIORITIES = ("P1", "P2", "P3", "P4")


class Availability(Strict):
    target: float = Field(gt=0, lt=100, description="Percent, e.g. 99.95.")
    window: Duration = Field(
        default=timedelta(days=30), description="Period the target is measured over."
    )


class Target(Strict):
    response: Duration = Field(description="Time to first response.")
    resolution: Duration = Field(description="Time to resolution.")
    # The unit as written matters on a business-hours calendar: ``1d`` is a business
    # day, ``24h`` twenty-four business hours (docs/reports.md); the timedelta loses it.
    _written: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_units(cls, data: Any, handler: ModelWrapValidatorHandler[Target]) -> Target:
        target = handler(data)
        if isinstance(data, dict):
            target._written = {k: v for k, v in data.items() if isinstance(v, str)}
        return target

    def written(self, field: Literal["response", "resolution"]) -> str:
        """The target as written in YAML (``"1d"``, not ``"24h"``), e.g. ``"5d"``."""
        text = self._written.get(field)
        return text if text is not None else format_duration(getattr(self, field))


class Targets(Strict):
    p1: Target | None = Field(default=None, alias="P1", description="Targets for priority P1.")
    p2: Target | None = Field(default=None, alias="P2", description="Targets for priority P2.")
    p3: Target | None = Field(default=None, alias="P3", description="Targets for priority P3.")
    p4: Target | None = Field(default=None, alias="P4", description="Targets for priority P4.")

    def items(self) -> list[tuple[str, Target]]:
        """(priority, target) for the priorities that are set, P1 first."""
        found = [(p, getattr(self, p.lower())) for p in PRIORITIES]
        return [(p, t) for p, t in found if t is not None]


class SLASpec(Strict):
    availability: Availability | None = Field(None, description="Availability target.")
    calendar: Name | None = Field(
        None, description="Calendar whose business hours are the clock for targets."
    )
    targets: Targets = Field(
        default_factory=Targets,
        description="Response and resolution targets per priority; all optional.",
    )
    maintenance_excluded: bool = Field(
        False, description="Approved change windows do not count as downtime."
    )
    review_by: Date | None = Field(None, description="Date by which the SLA is reviewed.")


class SLA(Entity):
    KIND = "SLA"
    kind: Literal["SLA"]
    spec: SLASpec

    def references(self) -> Iterator[Reference]:
        if self.spec.calendar:
            yield ("spec", "calendar"), "Calendar", self.spec.calendar
