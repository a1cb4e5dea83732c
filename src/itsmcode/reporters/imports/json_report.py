"""``itsm import --format json``: the report as data (keys in docs/adoption.md)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from itsmcode.interop.plan import ImportPlan, Outcome, Unmapped
from itsmcode.reporters.imports import REFUSED


def _row(o: Outcome) -> dict[str, str]:
    return {"kind": o.entity.kind, "name": o.entity.name, "path": o.path, "source": o.entity.source}


def _item(u: Unmapped) -> dict[str, str]:
    return {"source": u.source, "field": u.field, "reason": u.reason}


def as_data(plan: ImportPlan, outcomes: list[Outcome], write: bool) -> dict[str, Any]:
    return {
        "dryRun": not write,
        "written": [_row(o) for o in outcomes if o.status not in REFUSED],
        "skipped": [{**_row(o), "reason": o.reason} for o in outcomes if o.status in REFUSED],
        "rejected": [_item(u) for u in plan.rejected],
        "unmapped": [_item(u) for u in plan.unmapped],
        "renamed": dict(sorted(plan.renamed.items())),
        "decisions": [
            {"source": d.source, "field": d.field, "value": d.value, "reason": d.reason}
            for d in plan.decisions
        ],
    }


def report(plan: ImportPlan, outcomes: list[Outcome], write: bool, stream: TextIO) -> None:
    json.dump(as_data(plan, outcomes, write), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
