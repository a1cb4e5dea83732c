"""``itsm audit --format markdown``: the evidence as a document for an audit file."""

from __future__ import annotations

from typing import TextIO

from itsmcode.audit.evidence import AuditReport


def _cell(text: str) -> str:
    # "Name <email>" would be read as an HTML tag.
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def report(result: AuditReport, out: TextIO) -> None:
    out.write("# Change audit evidence\n\n| | |\n| --- | --- |\n")
    for key, value in result.header.lines():
        code = value.replace("|", "\\|")  # inside a code span only the pipe needs escaping
        out.write(f"| {key} | `{code}` |\n" if value else f"| {key} | |\n")
    changes, violations = result.summary()
    out.write(f"\n**{changes}**, **{violations}**\n\n")
    for control, count in result.counts().items():
        out.write(f"- `{control}`: {count}\n")
    for violation in result.violations:
        out.write(f"\n> **{violation.control}**: {_cell(violation.reason)}\n")
    out.write(
        "\n| commit | date | change | author | signature | entities | approvers | "
        "decision (recorded / re-evaluated) | violations |\n"
    )
    out.write("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    for row in result.rows:
        change = f"#{row.pr}" if row.pr is not None else "direct"
        entities = "<br>".join(_cell(f"{e.label}: {e.summary}") for e in row.entities)
        approvers = "<br>".join(_cell(a.text()) for a in row.approvers)
        decision = f"{row.recorded_decision} / {row.reevaluated}" if row.recorded_decision else ""
        violations = "<br>".join(f"**{v.control}**: {_cell(v.reason)}" for v in row.violations)
        out.write(
            f"| `{row.sha[:12]}` | {row.date.isoformat()} | {change} | "
            f"{_cell(row.author)} | {row.signature} | {entities} | {approvers} | "
            f"{decision} | {violations} |\n"
        )
