"""Service: an entry of the service catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.calendar import MaintenanceWindow
from itsmcode.models.types import Date, Name

Tier = Annotated[int, Field(ge=1, le=4)]
Lifecycle = Literal["planned", "live", "deprecated", "retired"]


class Dependency(Strict):
    service: Name = Field(description="Service depended on.")
    type: Literal["hard", "soft"] = Field(
        "hard", description="hard: this service fails without it; soft: degrades."
    )


class Component(Strict):
    type: str = Field(description="Kind of configuration item, e.g. repository, database.")
    ref: str = Field(description="Identifier of the item.")


class ServiceSpec(Strict):
    type: Literal["business", "technical"] = Field(
        description="business (used by customers) or technical (used by other services)."
    )
    tier: Tier = Field(description="Criticality, 1 (most critical) to 4.")
    lifecycle: Lifecycle = Field(description="Where the service is in its life.")
    owner: Name = Field(description="Team accountable for the service.")
    support: Name | None = Field(None, description="Team that supports it (default: the owner).")
    sla: Name | None = Field(
        None, description="SLA of the service; required for live services of tier 1-2."
    )
    depends_on: list[Dependency] = Field(
        default_factory=list, description="Services this one needs."
    )
    components: list[Component] = Field(
        default_factory=list, description="Configuration items, free form."
    )
    review_by: Date | None = Field(
        None, description="Date by which the entry is reviewed (catalog hygiene)."
    )
    maintenance_windows: list[MaintenanceWindow] = Field(
        default_factory=list,
        description="Agreed maintenance windows (with those of its SLA's calendar): normal "
        "changes on the service must fit in one (docs/calendar.md).",
    )


class Service(Entity):
    KIND = "Service"
    kind: Literal["Service"]
    spec: ServiceSpec

    def references(self) -> Iterator[Reference]:
        spec = self.spec
        yield ("spec", "owner"), "Team", spec.owner
        if spec.support:
            yield ("spec", "support"), "Team", spec.support
        if spec.sla:
            yield ("spec", "sla"), "SLA", spec.sla
        for i, dep in enumerate(spec.depends_on):
            yield ("spec", "dependsOn", i, "service"), "Service", dep.service
