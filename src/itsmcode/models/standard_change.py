"""StandardChange: a pre-approved template for low-risk, repeatable changes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from itsmcode.models.base import Entity, Strict
from itsmcode.models.change import Plan, Risk
from itsmcode.models.types import Date


class StandardChangeSpec(Strict):
    description: str
    max_risk: Risk = "low"
    tiers: list[Annotated[int, Field(ge=1, le=4)]] = Field(default_factory=lambda: [1, 2, 3, 4])
    plan: Plan = Field(default_factory=Plan)
    review_by: Date | None = None


class StandardChange(Entity):
    KIND = "StandardChange"
    kind: Literal["StandardChange"]
    spec: StandardChangeSpec
