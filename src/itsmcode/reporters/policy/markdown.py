"""``itsm policy check --format markdown``: for a PR comment or the job summary.

Every value from files or payloads goes through ``markdown_text``, so a crafted rule
or team name cannot inject links, images or HTML into the comment.
"""

from __future__ import annotations

from typing import TextIO

from itsmcode.models.types import format_duration
from itsmcode.policy.check import CheckResult
from itsmcode.reporters.base import ReportOptions
from itsmcode.reporters.lint.github import markdown_text as md

ICON = {"satisfied": "✅", "pending": "⏳", "skipped": "➖"}


def render(result: CheckResult) -> str:
    verdict = "✅ approved" if result.approved else "❌ not approved"
    used = result.break_glass
    if used is not None:
        verdict = "🚨 approved by break-glass"
    lines = [f"## itsm policy check: {verdict}", ""]
    if used is not None:
        lines += [
            f"Break-glass invoked by {md(used.invoker)}: {md(used.reason)}. The rules' "
            "approvals are overridden; a retrospective approval is owed within "
            f"{md(format_duration(used.within))} of the merge.",
            "",
        ]
    several = len(result.decisions) > 1
    for decision in result.decisions:
        if several:
            state = "approved" if decision.approved else "not approved"
            lines += [f"### {decision.source} policy: {state}", ""]
        for error in decision.errors:
            lines.append(f"- ❌ {md(error)}")
        freeze = decision.freeze
        if freeze.active and freeze.blocking:
            lines.append(
                f"- ❌ freeze {md(freeze.active)} is in force; not exempt: "
                + ", ".join(md(b) for b in freeze.blocking)
            )
        elif freeze.active and freeze.exempt:
            lines.append(
                f"- ✅ freeze {md(freeze.active)} is in force; exempt: "
                + ", ".join(md(b) for b in freeze.exempt)
            )
        lines.extend(f"- ❌ {md(p)}" for p in freeze.problems)
        if decision.errors or freeze.active or freeze.problems:
            lines.append("")
        if decision.rules:
            lines += [
                "| | rule | approved by | missing | can approve |",
                "| --- | --- | --- | --- | --- |",
            ]
            for rule in decision.rules:
                candidates = rule.candidates if rule.status == "pending" else []
                lines.append(
                    f"| {ICON[rule.status]} | {md(rule.name)} | "
                    f"{md(', '.join(rule.approvers))} | {md('; '.join(rule.missing))} | "
                    f"{md(', '.join(candidates[:10]))} |"
                )
            lines.append("")
        for ignored in decision.ignored:
            lines.append(f"- approval by {md(ignored.login)} does not count: {md(ignored.reason)}")
        if decision.ignored:
            lines.append("")
        found = decision.break_glass
        if found is not None and found.used is None:
            lines.extend(f"- break-glass not possible: {md(p)}" for p in found.problems)
            lines.extend(
                f"- break-glass by {md(r.login)} does not count: {md(r.reason)}"
                for r in found.refused
            )
            lines.append("")
    return "\n".join(lines) + "\n"


def report(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    stream.write(render(result))
