"""``itsm diff --format text``: one block per entity, meaning first; coloured on a TTY."""

from __future__ import annotations

import json
from typing import Any, TextIO

import click

from itsmcode.diff.model import ChangeSet, EntityChange, FieldChange, Side
from itsmcode.reporters.diff.options import DiffReportOptions

_MARK = {"added": "+", "removed": "-", "modified": "~", "moved": ">", "renamed": "R"}
_COLOR = {
    "added": "green",
    "removed": "red",
    "modified": "yellow",
    "moved": "cyan",
    "renamed": "cyan",
    "changed": "yellow",
    "reordered": "blue",
}
_WORRYING = {"loosened", "lowered"}


def report(changeset: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if options.color else text

    stream.write(style(f"diff {side(changeset.base)} .. {side(changeset.head)}", bold=True) + "\n")
    if changeset.empty:
        stream.write("no differences in the catalog\n")
        return
    for entity in changeset.entities:
        stream.write("\n" + style(headline(entity), fg=_COLOR[entity.status], bold=True) + "\n")
        for meaning in entity.meanings:
            worrying = meaning.direction in _WORRYING or meaning.valid is False
            line = f"    => {meaning.message}"
            stream.write((style(line, fg="red" if worrying else "magenta")) + "\n")
        for change in entity.fields:
            stream.write(style(f"    {field_line(change)}", fg=_COLOR.get(change.op)) + "\n")
        for label, problems in (("base", entity.base_problems), ("head", entity.head_problems)):
            for d in problems:
                stream.write(
                    style(
                        f"    ! {label}: {d.location}: [{d.rule}] {one_line(d.message)}", fg="red"
                    )
                    + "\n"
                )
    if changeset.diagnostics:
        stream.write("\n" + style("Diagnostics:", bold=True) + "\n")
        for d in changeset.diagnostics:
            stream.write(
                style(
                    f"  {d.location}: {d.severity.value} [{d.rule}] {one_line(d.message)}", fg="red"
                )
                + "\n"
            )
    if changeset.impact:
        n = len(changeset.impact)
        heading = f"Impact ({n} service{'s' if n != 1 else ''}):"
        stream.write("\n" + style(heading, bold=True) + "\n")
        width = max(len(i.name) for i in changeset.impact)
        for item in changeset.impact:
            tier = f"tier {item.tier}" if item.tier is not None else "tier ?"
            why = (
                ("changed: " + ", ".join(item.reasons))
                if item.affected
                else ("depends on " + " -> ".join(reversed(item.via)))
            )
            stream.write(f"  {item.name:<{width}}  {tier}  {why}\n")
    stream.write("\n" + summary(changeset) + "\n")


def side(s: Side) -> str:
    return s.label if s.commit is None else f"{s.label} ({s.commit[:12]})"


def headline(entity: EntityChange) -> str:
    mark = _MARK[entity.status]
    text = f"{mark} {entity.label} {entity.status}"
    if entity.status == "renamed" and entity.old_name:
        text += f" from {entity.old_name}"
    if entity.old_path and entity.old_path != entity.path:
        text += f"  {entity.old_path} -> {entity.path}"
    else:
        text += f"  {entity.path}"
    if entity.similarity is not None and entity.similarity < 1:
        text += f" ({entity.similarity:.0%} similar)"
    return text


def field_line(change: FieldChange) -> str:
    if change.op == "added":
        return f"+ {change.path}: {value(change.new)}"
    if change.op == "removed":
        return f"- {change.path}: {value(change.old)}"
    if change.op == "reordered":
        return f"~ {change.path}: reordered {value(change.old)} -> {value(change.new)}"
    return f"~ {change.path}: {value(change.old)} -> {value(change.new)}"


def value(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False) if (not v or v != v.strip() or "\n" in v) else v
    return json.dumps(v, ensure_ascii=False, default=str)


def one_line(message: str) -> str:
    return message.replace("\r", "\\r").replace("\n", "\\n")


def summary(changeset: ChangeSet) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in changeset.counts().items() if n)
    impacted = len(changeset.impact)
    n = len(changeset.entities)
    text = (
        f"{n} entit{'ies' if n != 1 else 'y'} changed ({counts}); "
        f"{impacted} service{'s' if impacted != 1 else ''} impacted"
    )
    if changeset.diagnostics:
        n = len(changeset.diagnostics)
        text += f"; {n} diagnostic{'s' if n != 1 else ''}"
    return text
