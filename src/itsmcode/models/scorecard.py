"""Scorecard (practice ``scorecard``): the organisation's ITSM standards as ordered levels
of checks, which services they apply to, and the dates by which services reach a level."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from itsmcode.models.base import Entity, Strict
from itsmcode.models.service import Tier
from itsmcode.models.types import Date, Duration, Name
from itsmcode.suggest import did_you_mean

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


# --- the checks' parameters --------------------------------------------------------------
# Here rather than in each check module so that loading (and so itsm lint) validates a
# scorecard's ``with:`` too: models cannot import itsmcode.score. Each check module
# names its class as ``Params``.


class NoParams(Strict):
    """A check without parameters."""


class WindowParams(Strict):
    window: Duration = Field(
        default=timedelta(days=90), description="Span up to now that is looked at."
    )


class RunbookParams(Strict):
    title: str = Field("runbook", min_length=1, description="Text the link's title contains.")


class AttainmentParams(Strict):
    min: float = Field(95.0, ge=0, le=100, description="Lowest attainment, in percent.")
    window: Duration = Field(
        default=timedelta(days=90), description="Span up to now whose incidents count."
    )


class FailureRateParams(Strict):
    max: float = Field(0.15, ge=0, le=1, description="Highest failure rate, a fraction.")
    window: Duration = Field(
        default=timedelta(days=90), description="Span up to now whose deployments count."
    )
    # itsm report changes' MIN_DEPLOYED (tests/score/test_checks.py keeps them equal).
    min_deployed: int = Field(5, ge=1, description="Fewest deployments that say something.")


#: Check id -> its parameters.
PARAMS: dict[str, type[Strict]] = {
    "description": NoParams,
    "runbook-link": RunbookParams,
    "owner-oncall": NoParams,
    "review-not-due": NoParams,
    "sla-present": NoParams,
    "sla-feasible": NoParams,
    "sla-attainment": AttainmentParams,
    "change-failure-rate": FailureRateParams,
    "no-recurring-incidents": WindowParams,
    "problems-have-workaround": NoParams,
    "emergency-reviews": WindowParams,
    "dependencies-live": NoParams,
}


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

    @field_validator("with_")
    @classmethod
    def _known_parameters(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        params = PARAMS.get(info.data.get("check", ""))
        if params is None:
            return value  # an unknown check id is reported on ``check``
        try:
            params.model_validate(value)
        except ValidationError as exc:
            raise PydanticCustomError(
                "schema", "{message}", {"message": _first_problem(params, exc)}
            ) from None
        return value


def _first_problem(params: type[Strict], exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        known = [f.alias or n for n, f in params.model_fields.items()]
        return f"unknown parameter '{where}'{did_you_mean(where, known)}; it takes " + (
            ", ".join(known) or "none"
        )
    return f"parameter {where}: {error['msg']}"


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
