"""``itsm cab agenda --format json``: the agenda as stable JSON (docs/cab.md)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from itsmcode.cab.agenda import Agenda


def report(agenda: Agenda, stream: TextIO) -> None:
    json.dump(as_json(agenda), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def as_json(agenda: Agenda) -> dict[str, Any]:
    return {
        "report": "cab-agenda",
        "version": 1,
        "horizon": {
            "since": agenda.horizon.since.isoformat(),
            "until": agenda.horizon.until.isoformat(),
        },
        "cabTeam": agenda.cab_team,
        "base": agenda.base,
        "notes": list(agenda.notes),
        "items": [
            {
                "change": i.change,
                "title": i.title,
                "source": i.source,
                "pullRequest": i.number,
                "author": i.author,
                "path": i.path,
                "type": i.type,
                "risk": i.risk,
                "status": i.status,
                "window": (
                    {"start": i.start.isoformat(), "end": i.end.isoformat()}
                    if i.start and i.end
                    else None
                ),
                "services": list(i.services),
                "cabRules": list(i.cab_rules),
                "computedRisk": (
                    {"score": i.score, "level": i.computed} if i.computed is not None else None
                ),
                "meaning": list(i.meanings),
                "conflicts": list(i.conflicts),
                "approved": i.approved,
                "missingApprovals": list(i.missing) if i.missing is not None else None,
            }
            for i in agenda.items
        ],
    }
