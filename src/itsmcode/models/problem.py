"""Problem (practice ``problem``): the cause behind recurring incidents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Date, Name


class ProblemSpec(Strict):
    # The JSON Schema says what _risk_acceptance_expires checks, so editors flag it too.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"status": {"const": "risk-accepted"}}, "required": ["status"]},
            "then": {"required": ["reviewBy"]},
        }
    )

    services: list[Name] = Field(min_length=1, description="Affected services, at least one.")
    status: Literal["open", "known-error", "resolved", "risk-accepted"] = Field(
        "open", description="open, known-error (workaround known), resolved, or risk-accepted."
    )
    incidents: list[Name] = Field(
        default_factory=list, description="Incidents caused by this problem."
    )
    root_cause: str | None = Field(None, description="The cause, once known.")
    workaround: str | None = Field(None, description="How to restore service meanwhile.")
    fix: Name | None = Field(None, description="ChangeRequest that removes the cause.")
    review_by: Date | None = Field(
        None, description="Date by which the problem is revisited; required for risk-accepted."
    )

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
