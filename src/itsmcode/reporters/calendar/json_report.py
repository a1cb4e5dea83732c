"""``itsm calendar --format json``: the report envelope of reports.md plus the schedule."""

from __future__ import annotations

import json
from typing import Any, TextIO

from itsmcode.reports.calendar import Finding, Schedule


def report(schedule: Schedule, stream: TextIO) -> None:
    json.dump(as_json(schedule), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "type": finding.type,
        "severity": finding.severity,
        "entities": [{"kind": kind, "name": name} for kind, name in finding.entities],
        "message": finding.message,
    }


def as_json(schedule: Schedule) -> dict[str, Any]:
    return {
        "report": "calendar",
        "version": 1,
        "period": {
            "since": schedule.period.since.isoformat(),
            "until": schedule.period.until.isoformat(),
        },
        "timezone": schedule.timezone,
        "findings": [finding_json(f) for f in schedule.findings],
        "changes": [
            {
                "change": c.name,
                "title": c.title,
                "status": c.status,
                "type": c.type,
                "risk": c.risk,
                "window": {"start": c.start.isoformat(), "end": c.end.isoformat()},
                "services": [
                    {"service": s.name, "tier": s.tier, "owner": s.owner} for s in c.services
                ],
                "path": c.path,
            }
            for c in schedule.changes
        ],
        "freezes": [
            {
                "calendar": f.calendar,
                "freeze": f.freeze,
                "start": f.start.isoformat(),
                "end": f.end.isoformat(),
            }
            for f in schedule.freezes
        ],
        "maintenanceWindows": [
            {
                "source": w.source,
                "window": w.name,
                "start": w.start.isoformat(),
                "end": w.end.isoformat(),
                "services": list(w.services),
            }
            for w in schedule.windows
        ],
    }
