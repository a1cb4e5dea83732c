"""Pydantic models for every kind of the data model, and the registry by kind."""

from __future__ import annotations

from itsmcode.models.base import Entity, Metadata, Reference
from itsmcode.models.cab import CabMinutes
from itsmcode.models.calendar import Calendar
from itsmcode.models.change import ChangeRequest
from itsmcode.models.config import Config
from itsmcode.models.incident import Incident
from itsmcode.models.policy import ApprovalPolicy
from itsmcode.models.problem import Problem
from itsmcode.models.scorecard import Scorecard
from itsmcode.models.service import Service
from itsmcode.models.sla import SLA
from itsmcode.models.standard_change import StandardChange
from itsmcode.models.team import Team

#: Every kind, in the order documentation and schemas list them.
MODELS: dict[str, type[Entity]] = {
    model.KIND: model
    for model in (
        Config,
        Team,
        Service,
        SLA,
        Calendar,
        ChangeRequest,
        StandardChange,
        ApprovalPolicy,
        Incident,
        Problem,
        Scorecard,
        CabMinutes,
    )
}

__all__ = [
    "MODELS",
    "SLA",
    "ApprovalPolicy",
    "CabMinutes",
    "Calendar",
    "ChangeRequest",
    "Config",
    "Entity",
    "Incident",
    "Metadata",
    "Problem",
    "Reference",
    "Scorecard",
    "Service",
    "StandardChange",
    "Team",
]
