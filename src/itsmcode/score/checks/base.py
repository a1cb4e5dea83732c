"""What every check gets: the catalog, the time it is scored at, and the reports it reads
(built once per window and shared by every service and check)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from itsmcode.load.catalog import Catalog
from itsmcode.models import Service
from itsmcode.models.base import Strict
from itsmcode.models.scorecard import NoParams, WindowParams
from itsmcode.reports import changes, problems, sla
from itsmcode.reports.common import Period


@dataclass
class ScoreContext:
    catalog: Catalog
    now: datetime
    _reports: dict[tuple[str, timedelta], Any] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.catalog.config.spec.timezone)

    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def period(self, window: timedelta) -> Period:
        return Period(self.now - window, self.now, self.zone)

    def sla_report(self, window: timedelta) -> sla.SlaReport:
        return self._cached("sla", window, sla.build)  # type: ignore[no-any-return]

    def changes_report(self, window: timedelta) -> changes.ChangesReport:
        return self._cached("changes", window, changes.build)  # type: ignore[no-any-return]

    def recurrences(self, window: timedelta) -> list[problems.Recurrence]:
        return self._cached("recurrences", window, problems.recurrences)  # type: ignore[no-any-return]

    def _cached(self, name: str, window: timedelta, build: Any) -> Any:
        key = (name, window)
        if key not in self._reports:
            self._reports[key] = build(self.catalog, self.period(window))
        return self._reports[key]


class CheckModule(Protocol):
    """A check module: ``ID``, ``Params`` and ``check``; the docstring documents it."""

    ID: str
    Params: type[Strict]
    __doc__: str | None

    def check(self, service: Service, params: Any, context: ScoreContext) -> str | None:
        """None when the service passes; otherwise why it fails, in a sentence."""
        ...


__all__ = ["CheckModule", "NoParams", "ScoreContext", "WindowParams"]
