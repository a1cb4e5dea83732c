"""``itsm import`` for people: one line per file, rename, loss and decision, a summary."""

from __future__ import annotations

from typing import TextIO

from itsmcode.interop.plan import ImportPlan, Outcome
from itsmcode.reporters.imports import REFUSED


def report(plan: ImportPlan, outcomes: list[Outcome], write: bool, stream: TextIO) -> None:
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
    stream.write("\n".join(lines) + "\n")
