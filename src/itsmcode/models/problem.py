"""Problem (practice ``problem``): the cause behind recurring incidents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Date, Name


class ProblemSpec(Strict):
    services: list[Name] = Field(min_length=1)
    status: Literal["open", "known-error", "resolved", "risk-accepted"] = "open"
    incidents: list[Name] = Field(default_factory=list)
    root_cause: str | None = None
    workaround: str | None = None
    fix: Name | None = None
    review_by: Date | None = None

    @model_validator(mode="after")
    def _risk_acceptance_expires(self) -> ProblemSpec:
        if self.status == "risk-accepted" and self.review_by is None:
            raise PydanticCustomError(
                "schema",
                "a risk-accepted problem needs reviewBy: accepted risk must be revisited",
                {},
            )
        return self


class Problem(Entity):
    KIND = "Problem"
    kind: Literal["Problem"]
    spec: ProblemSpec

    def references(self) -> Iterator[Reference]:
        for i, service in enumerate(self.spec.services):
            yield ("spec", "services", i), "Service", service
        for i, incident in enumerate(self.spec.incidents):
            yield ("spec", "incidents", i), "Incident", incident
        if self.spec.fix:
            yield ("spec", "fix"), "ChangeRequest", self.spec.fix
