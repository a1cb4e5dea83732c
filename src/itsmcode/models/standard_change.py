"""StandardChange: a pre-approved template for low-risk, repeatable changes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from itsmcode.models.base import Entity, Strict
from itsmcode.models.change import Plan, Risk
from itsmcode.models.types import Date


class StandardChangeSpec(Strict):
    description: str = Field(description="What the template is for.")
    max_risk: Risk = Field("low", description="Highest risk a change using it may have.")
    tiers: list[Annotated[int, Field(ge=1, le=4)]] = Field(
        default_factory=lambda: [1, 2, 3, 4], description="Service tiers it may be used on."
    )
    plan: Plan = Field(
        default_factory=Plan, description="Plan copied by changes using the template."
    )
    review_by: Date | None = Field(None, description="Date by which the template is reviewed.")


class StandardChange(Entity):
    KIND = "StandardChange"
    kind: Literal["StandardChange"]
    spec: StandardChangeSpec
