"""``itsm diff --format markdown``: a PR comment or job summary.

Summary table first, details folded in ``<details>``, the blast radius as a Mermaid
graph. Output is capped so a large change still fits GitHub's 65,536-character
comment limit; what is left out is counted.
"""

from __future__ import annotations

from typing import TextIO

from itsmcode.diff.model import ChangeSet, EntityChange, LevelChange
from itsmcode.reporters.diff.options import DiffReportOptions
from itsmcode.reporters.diff.text import side, summary, value

MAX_ROWS = 100
MAX_FIELDS = 40
MAX_GRAPH_NODES = 50
_ICON = {
    "added": "🟢 added",
    "removed": "🔴 removed",
    "modified": "🟡 modified",
    "moved": "🔵 moved",
    "renamed": "🔵 renamed",
}


def report(changeset: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    out: list[str] = [
        f"## Catalog diff: `{side(changeset.base)}` → `{side(changeset.head)}`",
        "",
    ]
    if changeset.empty:
        stream.write("\n".join([*out, "No differences in the catalog.", ""]))
        return
    out += [f"**{summary(changeset)}**", ""]
    out += ["| Change | Kind | Name | Meaning |", "| --- | --- | --- | --- |"]
    for entity in changeset.entities[:MAX_ROWS]:
        meaning = "<br>".join(cell(m.message) for m in entity.meanings) or ""
        if entity.base_problems or entity.head_problems:
            meaning += ("<br>" if meaning else "") + "⚠️ does not load on one side"
        name = cell(entity.name or entity.path)
        if entity.old_name:
            name = f"{cell(entity.old_name)} → {name}"
        out.append(f"| {_ICON[entity.status]} | {cell(entity.kind or '?')} | {name} | {meaning} |")
    if len(changeset.entities) > MAX_ROWS:
        out.append(f"| … | | {len(changeset.entities) - MAX_ROWS} more | |")
    out.append("")
    if changeset.diagnostics:
        out += ["### ❌ Diagnostics", ""]
        out += [f"- `{d.location}` **{d.rule}**: {cell(d.message)}" for d in changeset.diagnostics]
        out.append("")
    if changeset.levels:
        out += ["### Scorecard levels", ""]
        out += [f"- {cell(level_line(change))}" for change in changeset.levels[:MAX_ROWS]]
        if len(changeset.levels) > MAX_ROWS:
            out.append(f"- … {len(changeset.levels) - MAX_ROWS} more")
        out.append("")
    if changeset.impact:
        tier1 = sum(1 for i in changeset.impact if i.tier == 1)
        out += [f"### Impact: {len(changeset.impact)} services ({tier1} tier 1)", ""]
        out += ["| Service | Tier | Why |", "| --- | --- | --- |"]
        for item in changeset.impact[:MAX_ROWS]:
            why = (
                ("changed: " + ", ".join(item.reasons))
                if item.affected
                else ("depends on " + " → ".join(reversed(item.via)))
            )
            out.append(f"| {cell(item.name)} | {item.tier or '?'} | {cell(why)} |")
        if len(changeset.impact) > MAX_ROWS:
            out.append(f"| … {len(changeset.impact) - MAX_ROWS} more | | |")
        out += ["", *per_service(changeset)]
        out += [
            "",
            "<details><summary>Impact graph</summary>",
            "",
            *mermaid(changeset),
            "",
            "</details>",
            "",
        ]
    out += [
        f"<details><summary>Field changes ({sum(len(e.fields) for e in changeset.entities)})"
        "</summary>",
        "",
    ]
    for entity in changeset.entities[:MAX_ROWS]:
        out += details(entity)
    out += ["</details>", ""]
    stream.write("\n".join(out))


def per_service(changeset: ChangeSet) -> list[str]:
    """One line per changed service: how many services depend on it and how critical
    the most critical is, with the command that lists them (``itsm impact``).

    Every dependent of a changed service is in the impact, and each impacted service
    lists its dependencies within it, so walking those edges back from one changed
    service finds all its dependents (the same walk as the diff's blast radius).
    """
    from itsmcode.diff.graph import dependents_closure
    from itsmcode.reports.graph import EdgeMap

    reverse: dict[str, list[str]] = {}
    for item in changeset.impact:
        for dep in item.depends_on:
            reverse.setdefault(dep, []).append(item.name)
    tiers = {item.name: item.tier for item in changeset.impact}
    lines = []
    for item in [i for i in changeset.impact if i.affected][:MAX_ROWS]:
        found = dependents_closure([item.name], EdgeMap(reverse))
        found.pop(item.name, None)
        worst = min((t for n in found if (t := tiers.get(n)) is not None), default=None)
        count = f"{len(found)} dependent{'s' * (len(found) != 1)}"
        highest = f", highest tier {worst}" if worst is not None else ""
        lines.append(
            f"- `{cell(item.name)}` impact: {count}{highest}; run `itsm impact {cell(item.name)}`"
        )
    return lines


def details(entity: EntityChange) -> list[str]:
    where = f"`{entity.old_path}` → `{entity.path}`" if entity.old_path else f"`{entity.path}`"
    lines = [f"#### {cell(entity.label)} ({entity.status})", "", where, ""]
    if entity.fields:
        lines += ["| Field | Change | Before | After |", "| --- | --- | --- | --- |"]
        for change in entity.fields[:MAX_FIELDS]:
            old = "" if change.op == "added" else f"`{cell(value(change.old))}`"
            new = "" if change.op == "removed" else f"`{cell(value(change.new))}`"
            lines.append(f"| `{cell(change.path)}` | {change.op} | {old} | {new} |")
        if len(entity.fields) > MAX_FIELDS:
            lines.append(f"| … {len(entity.fields) - MAX_FIELDS} more | | | |")
        lines.append("")
    for label, problems in (("base", entity.base_problems), ("head", entity.head_problems)):
        lines += [f"- ⚠️ {label}: `{d.location}` [{d.rule}] {cell(d.message)}" for d in problems]
    if entity.base_problems or entity.head_problems:
        lines.append("")
    return lines


def mermaid(changeset: ChangeSet) -> list[str]:
    """Dependents point at what they depend on; changed services are highlighted."""
    items = changeset.impact[:MAX_GRAPH_NODES]
    ids = {item.name: f"s{i}" for i, item in enumerate(items)}
    lines = ["```mermaid", "graph RL"]
    for item in items:
        tier = f"tier {item.tier}" if item.tier is not None else "tier ?"
        lines.append(f'  {ids[item.name]}["{_label(item.name)}<br>{tier}"]')
    for item in items:
        for dependency in item.depends_on:
            if dependency in ids:
                lines.append(f"  {ids[item.name]} --> {ids[dependency]}")
    changed = [ids[i.name] for i in items if i.affected]
    if changed:
        lines.append("  classDef changed fill:#fde68a,stroke:#b45309")
        lines.append(f"  class {','.join(changed)} changed")
    if len(changeset.impact) > MAX_GRAPH_NODES:
        lines.append(f'  more["… {len(changeset.impact) - MAX_GRAPH_NODES} more"]')
    lines.append("```")
    return lines


def _label(text: str) -> str:
    return text.replace('"', "#quot;")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell (GFM honours ``\\|`` even in code spans)."""
    return text.replace("<", "&lt;").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def level_line(change: LevelChange) -> str:
    """``checkout-api: silver → bronze (fails: runbook-link)``; the scorecard in brackets."""
    arrow = f"{change.old or 'no level'} → {change.new or 'no level'}"
    why = f" (fails: {', '.join(change.fails)})" if change.fails else ""
    return f"{change.service} [{change.scorecard}]: {arrow}{why}"
