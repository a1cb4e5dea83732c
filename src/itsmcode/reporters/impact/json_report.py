"""``itsm impact --format json``: the shape of reports.md."""

from __future__ import annotations

import json
from typing import Any, TextIO

from itsmcode.reports.impact import Affected, Impact


def _item(item: Affected) -> dict[str, Any]:
    return {
        "service": item.service,
        "tier": item.tier,
        "owner": item.owner,
        "path": list(item.path),
        "hard": item.hard,
    }


def report(impact: Impact, stream: TextIO) -> None:
    data = {
        "service": impact.service,
        "tier": impact.tier,
        "owner": impact.owner,
        "dependents": [_item(i) for i in impact.dependents],
        "dependencies": [_item(i) for i in impact.dependencies],
    }
    json.dump(data, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
