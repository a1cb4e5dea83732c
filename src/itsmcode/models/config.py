"""Config: the repository's own settings (``itsm.yaml`` at the root)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Strict
from itsmcode.models.types import TimeZone

Practice = Literal["catalog", "sla", "change", "incident", "problem"]
RuleSeverity = Literal["error", "warning", "off"]
_DEFAULT_PRACTICES: list[Practice] = ["catalog", "sla", "change"]


class Paths(Strict):
    """Folders (relative to the root) that hold each kind; defaults follow data-model.md."""

    services: str = "catalog/services"
    teams: str = "catalog/teams"
    slas: str = "catalog/slas"
    calendars: str = "catalog/calendars"
    changes: str = "changes"
    standard_changes: str = "processes/standard-changes"
    approval_policy: str = "processes/approval-policy.yaml"
    incidents: str = "incidents"
    problems: str = "problems"


class LintSettings(Strict):
    rules: dict[str, RuleSeverity] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=list)
    max_file_size: int = Field(default=1024 * 1024, ge=1024 * 1024)


class ConfigSpec(Strict):
    timezone: TimeZone = "UTC"
    practices: list[Practice] = Field(default_factory=lambda: _DEFAULT_PRACTICES.copy())
    paths: Paths = Field(default_factory=Paths)
    lint: LintSettings = Field(default_factory=LintSettings)


class Config(Entity):
    KIND = "Config"
    kind: Literal["Config"]
    spec: ConfigSpec = Field(default_factory=ConfigSpec)
