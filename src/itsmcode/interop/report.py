"""An import's report, as text for people and as JSON for tools (docs/adoption.md)."""

from __future__ import annotations

import json
from typing import Any

from itsmcode.interop.plan import ImportPlan, Outcome

REFUSED = ("exists", "invalid")


def as_data(plan: ImportPlan, outcomes: list[Outcome], *, write: bool) -> dict[str, Any]:
    def row(o: Outcome) -> dict[str, str]:
        return {
            "kind": o.entity.kind,
            "name": o.entity.name,
            "path": o.path,
            "source": o.entity.source,
        }

    return {
        "dryRun": not write,
        "written": [row(o) for o in outcomes if o.status not in REFUSED],
        "skipped": [{**row(o), "reason": o.reason} for o in outcomes if o.status in REFUSED],
        "unmapped": [
            {"source": u.source, "field": u.field, "reason": u.reason} for u in plan.unmapped
        ],
        "rejected": [
            {"source": u.source, "field": u.field, "reason": u.reason} for u in plan.rejected
        ],
        "renamed": dict(sorted(plan.renamed.items())),
        "decisions": [
            {"source": d.source, "field": d.field, "value": d.value, "reason": d.reason}
            for d in plan.decisions
        ],
    }


def as_json(plan: ImportPlan, outcomes: list[Outcome], *, write: bool) -> str:
    return json.dumps(as_data(plan, outcomes, write=write), indent=2, ensure_ascii=False) + "\n"


def as_text(plan: ImportPlan, outcomes: list[Outcome], *, write: bool) -> str:
    lines: list[str] = []
    for o in outcomes:
        if o.status in REFUSED:
            lines.append(f"skipped  {o.path}  ({o.entity.source}): {o.reason}")
        else:
            lines.append(f"{o.status}  {o.path}  ({o.entity.source})")
    for r in plan.rejected:
        lines.append(f"rejected {r.source} {r.field}: {r.reason}")
    for source, name in sorted(plan.renamed.items()):
        lines.append(f"renamed  {source} -> {name}")
    for u in plan.unmapped:
        where = f" {u.field}" if u.field else ""
        lines.append(f"unmapped {u.source}{where}: {u.reason}")
    for d in plan.decisions:
        lines.append(f"decide   {d.source} {d.field} = {d.value}: {d.reason}")
    done = sum(o.status not in REFUSED for o in outcomes)
    skipped = len(outcomes) - done
    verb = "written" if write else "to write"
    rejected = f", {len(plan.rejected)} rows rejected" if plan.rejected else ""
    summary = (
        f"{done} {verb}, {skipped} skipped{rejected}, {len(plan.unmapped)} unmapped, "
        f"{len(plan.renamed)} renamed, {len(plan.decisions)} to decide"
    )
    if not write:
        summary += "; dry run: pass --write to write the files"
    lines.append(summary)
    return "\n".join(lines) + "\n"
