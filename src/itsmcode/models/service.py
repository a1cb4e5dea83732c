"""Service: an entry of the service catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Date, Name

Tier = Annotated[int, Field(ge=1, le=4)]
Lifecycle = Literal["planned", "live", "deprecated", "retired"]


class Dependency(Strict):
    service: Name
    type: Literal["hard", "soft"] = "hard"


class Component(Strict):
    type: str
    ref: str


class ServiceSpec(Strict):
    type: Literal["business", "technical"]
    tier: Tier
    lifecycle: Lifecycle
    owner: Name
    support: Name | None = None
    sla: Name | None = None
    depends_on: list[Dependency] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)
    review_by: Date | None = None


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
