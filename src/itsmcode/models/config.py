"""Config: the repository's own settings (``itsm.yaml`` at the root)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Strict
from itsmcode.models.types import Duration, TimeZone

Practice = Literal["catalog", "sla", "change", "incident", "problem", "scorecard"]
RuleSeverity = Literal["error", "warning", "off"]
_DEFAULT_PRACTICES: list[Practice] = ["catalog", "sla", "change"]


class Paths(Strict):
    """Folders (relative to the root) that hold each kind; defaults follow data-model.md."""

    services: str = Field("catalog/services", description="Folder of Service files.")
    teams: str = Field("catalog/teams", description="Folder of Team files.")
    slas: str = Field("catalog/slas", description="Folder of SLA files.")
    calendars: str = Field("catalog/calendars", description="Folder of Calendar files.")
    changes: str = Field("changes", description="Folder of ChangeRequest files.")
    standard_changes: str = Field(
        "processes/standard-changes", description="Folder of StandardChange files."
    )
    approval_policy: str = Field(
        "processes/approval-policy.yaml", description="The ApprovalPolicy file."
    )
    incidents: str = Field("incidents", description="Folder of Incident files.")
    problems: str = Field("problems", description="Folder of Problem files.")
    scorecards: str = Field("processes/scorecards", description="Folder of Scorecard files.")
    cab_minutes: str = Field("processes/cab", description="Folder of CabMinutes files.")


class LintSettings(Strict):
    rules: dict[str, RuleSeverity] = Field(
        default_factory=dict,
        description="Rule id -> error, warning or off; overrides the default severity.",
    )
    ignore: list[str] = Field(
        default_factory=list, description="Globs of repository-relative paths that lint skips."
    )
    max_file_size: int = Field(
        default=1024 * 1024,
        ge=1024 * 1024,
        description="Largest file read, in bytes (at least 1 MiB).",
    )


class Recurrence(Strict):
    window: Duration = Field(
        default=timedelta(days=30), description="Span of openedAt that counts as recurring."
    )
    count: int = Field(3, ge=2, description="Incidents in one span that make a recurrence.")


class RiskThresholds(Strict):
    """Where a computed risk score (``itsm risk``, docs/risk.md) turns medium and high."""

    medium: int = Field(30, ge=0, description="A score at or above this is medium risk.")
    high: int = Field(60, ge=0, description="A score at or above this is high risk.")


class ReportSettings(Strict):
    change_failure_rate: float = Field(
        0.15,
        ge=0,
        le=1,
        description="A service's change failure rate above this is a finding (itsm report "
        "changes).",
    )
    emergency_share: float = Field(
        0.2, ge=0, le=1, description="Share of emergency changes above this is a finding."
    )
    review_within: Duration = Field(
        default=timedelta(days=5),
        description="Time after finishing by which a change that needs a review has one.",
    )
    recurrence: Recurrence = Field(
        default_factory=Recurrence,
        description="When incidents without a problem count as recurring (itsm report problems).",
    )
    risk: RiskThresholds = Field(
        default_factory=RiskThresholds,
        description="Thresholds of the computed change risk (itsm risk, docs/risk.md).",
    )


class ConfigSpec(Strict):
    timezone: TimeZone = Field(
        "UTC", description="IANA zone used for reports and dates without a calendar."
    )
    practices: list[Practice] = Field(
        default_factory=lambda: _DEFAULT_PRACTICES.copy(),
        description="ITIL-lite practices in use; enables the kinds (and rules) of each.",
    )
    paths: Paths = Field(
        default_factory=Paths, description="Overrides of the default folder layout."
    )
    lint: LintSettings = Field(
        default_factory=LintSettings, description="Severities, ignores and limits of itsm lint."
    )
    reports: ReportSettings = Field(
        default_factory=ReportSettings, description="Thresholds of itsm report."
    )


class Config(Entity):
    KIND = "Config"
    kind: Literal["Config"]
    spec: ConfigSpec = Field(default_factory=ConfigSpec)
