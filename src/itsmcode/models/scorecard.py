"""Scorecard (practice ``scorecard``): the organisation's ITSM standards as ordered levels
of checks, which services they apply to, and the dates by which services reach a level."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from itsmcode.models.base import Entity, Strict
from itsmcode.models.service import Tier
from itsmcode.models.types import Date, Name

#: The ids of the check library (itsmcode.score.checks, docs/reference/checks.md). Listed
#: here so loading, the JSON Schema and editors reject an unknown id with a did-you-mean;
#: tests/score/test_checks_doc.py keeps the two lists equal (models cannot import score).
CheckId = Literal[
    "description",
    "runbook-link",
    "owner-oncall",
    "review-not-due",
    "sla-present",
    "sla-feasible",
    "sla-attainment",
    "change-failure-rate",
    "no-recurring-incidents",
    "problems-have-workaround",
    "emergency-reviews",
    "dependencies-live",
]


class Selector(Strict):
    """Which services: every condition given must hold (an empty selector takes all)."""

    tiers: list[Tier] | None = Field(None, description="Only services of these tiers.")
    types: list[Literal["business", "technical"]] | None = Field(
        None, description="Only services of these types (business, technical)."
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="Only services with all these labels and values."
    )


class CheckUse(Strict):
    check: CheckId = Field(description="Id of a check (docs/reference/checks.md).")
    with_: dict[str, Any] = Field(
        default_factory=dict,
        alias="with",
        description="The check's parameters (each check documents its own).",
    )


class Level(Strict):
    name: Name = Field(description="Name of the level, e.g. bronze.")
    checks: list[CheckUse] = Field(
        min_length=1, description="Checks a service passes to reach this level."
    )


class Target(Selector):
    level: Name = Field(description="Level the selected services reach.")
    by: Date = Field(description="Date by which they reach it.")


class ScorecardSpec(Strict):
    selector: Selector = Field(
        default_factory=Selector,
        description="Services the scorecard scores (retired services never are).",
    )
    levels: list[Level] = Field(
        min_length=1,
        description="Levels from lowest to highest; a level needs its checks and those of "
        "every level below it.",
    )
    targets: list[Target] = Field(
        default_factory=list,
        description="Levels the scored services (narrowed by the target's own tiers, "
        "types and labels) reach by a date.",
    )

    @model_validator(mode="after")
    def _levels_known(self) -> ScorecardSpec:
        names = [level.name for level in self.levels]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise PydanticCustomError(
                "schema", "level {name} is listed twice", {"name": repeated[0]}
            )
        for target in self.targets:
            if target.level not in names:
                raise PydanticCustomError(
                    "schema",
                    "target level {level} is not one of the levels ({known})",
                    {"level": target.level, "known": ", ".join(names)},
                )
        return self


class Scorecard(Entity):
    KIND = "Scorecard"
    kind: Literal["Scorecard"]
    spec: ScorecardSpec
