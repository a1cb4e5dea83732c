"""What every report shares: the period, findings, and the JSON envelope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

from itsmcode.errors import ConfigError
from itsmcode.load.catalog import Record

FindingSeverity = Literal["error", "warning", "info"]
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
#: The default period: the 90 days up to --until.
DEFAULT_DAYS = 90
#: The practice (itsm.yaml spec.practices) each report needs.
NEEDS_PRACTICE = {"sla": "incident", "changes": "change", "problems": "incident"}


@dataclass(frozen=True)
class Period:
    """``[since, until)``; ``until`` is also "now" for whatever is still open."""

    since: datetime
    until: datetime
    zone: ZoneInfo

    def contains(self, instant: datetime) -> bool:
        return self.since <= instant < self.until

    def iso(self, instant: datetime) -> str:
        # isoformat of a ZoneInfo-aware time prints the offset in force: the same text.
        return instant.astimezone(self.zone).isoformat()

    def iso_ts(self, instant: float) -> str:
        return datetime.fromtimestamp(instant, self.zone).isoformat()

    def to_json(self) -> dict[str, str]:
        return {"since": self.iso(self.since), "until": self.iso(self.until)}


def parse_period(since: str | None, until: str | None, zone_name: str, now: datetime) -> Period:
    """The period of ``--since``/``--until``: a date is local midnight in the repository's
    zone, a timestamp needs an offset; default the 90 days up to now. Raises ConfigError
    (exit 2) for a bad value or an empty or inverted period."""
    zone = ZoneInfo(zone_name)
    end = _instant(until, "--until", zone) if until else now
    start = _instant(since, "--since", zone) if since else end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise ConfigError(
            f"--since {start.isoformat()} is not before --until {end.isoformat()}; "
            "the period would be empty"
        )
    return Period(start, end, zone)


def _instant(text: str, option: str, zone: ZoneInfo) -> datetime:
    value: datetime | None
    try:
        if len(text) == 10:
            value = datetime.combine(date.fromisoformat(text), time(), zone)
        else:
            value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ConfigError(
            f"{option} '{text}': use a date (YYYY-MM-DD, midnight in {zone.key}) or a "
            "timestamp with an offset, e.g. 2026-12-01T08:00:00+01:00"
        )
    if not 1900 <= value.year <= 9000:
        raise ConfigError(f"{option} '{text}': use a year between 1900 and 9000")
    return value.astimezone(timezone.utc)


@dataclass(frozen=True)
class Finding:
    type: str
    severity: FindingSeverity
    entities: tuple[tuple[str, str], ...]  # (kind, name)
    message: str
    #: A command that acts on the finding (shown by text and markdown, and in the JSON).
    suggestion: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (_SEVERITY_ORDER[self.severity], self.type, self.entities, self.message)

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "type": self.type,
            "severity": self.severity,
            "entities": [{"kind": k, "name": n} for k, n in self.entities],
            "message": self.message,
        }
        if self.suggestion is not None:
            found["suggestion"] = self.suggestion
        return found


def record_entity(record: Record) -> tuple[str, str]:
    return (record.kind or "", record.name or "")


@dataclass
class Report:
    """The envelope: name, period and sorted findings; subclasses add their sections."""

    name: str
    period: Period
    findings: list[Finding] = field(default_factory=list)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def sections(self) -> dict[str, Any]:
        return {}

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "version": 1,
            "period": self.period.to_json(),
            "findings": [f.to_json() for f in self.sorted_findings()],
            **self.sections(),
        }


def rate(part: int, whole: int, places: int = 4) -> float | None:
    return None if whole == 0 else round(part / whole, places)


def human(seconds: float) -> str:
    """``9000`` -> ``"2h 30m"``: durations in messages and tables."""
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts)
