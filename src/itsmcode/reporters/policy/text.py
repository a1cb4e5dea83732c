"""``itsm policy check --format text``: the decision for a terminal."""

from __future__ import annotations

from typing import TextIO

from itsmcode.models.types import format_duration
from itsmcode.policy.check import CheckResult
from itsmcode.policy.evaluate import Decision, RuleDecision
from itsmcode.reporters.base import ReportOptions
from itsmcode.reporters.lint.text import one_line

MARK = {"satisfied": "✓", "pending": "✗", "skipped": "-"}
MAX_LISTED = 8


def verdict(result: CheckResult) -> str:
    pr = result.pr
    what = f"pull request #{pr.number}" if pr.number is not None else "the change"
    used = result.break_glass
    if used is not None:
        return (
            f"{what} by {pr.author}: APPROVED BY BREAK-GLASS, invoked by {used.invoker}: "
            f"{used.reason!r} (retrospective approval due within "
            f"{format_duration(used.within)} of the merge)"
        )
    return f"{what} by {pr.author}: " + ("APPROVED" if result.approved else "NOT APPROVED")


def _names(logins: list[str]) -> str:
    if len(logins) <= MAX_LISTED:
        return ", ".join(logins)
    return ", ".join(logins[:MAX_LISTED]) + f" and {len(logins) - MAX_LISTED} more"


def rule_lines(rule: RuleDecision) -> list[str]:
    lines = [f"  {MARK[rule.status]} {rule.name}: {rule.status}"]
    if rule.status == "skipped":
        return lines
    lines.append(f"      applies to: {_names(rule.matched)}")
    if rule.approvers:
        lines.append(f"      approved by: {', '.join(rule.approvers)}")
    for missing in rule.missing:
        lines.append(f"      missing: {missing}")
    if rule.status == "pending" and rule.candidates:
        lines.append(f"      can approve: {_names(rule.candidates)}")
    return lines


def decision_lines(decision: Decision, several: bool) -> list[str]:
    lines: list[str] = []
    if several:
        state = "approved" if decision.approved else "not approved"
        lines.append(
            f"{decision.source} policy ({decision.policy_path or 'none'} at "
            f"{decision.policy_commit[:12]}): {state}"
        )
    for error in decision.errors:
        lines.append(f"  ✗ {error}")
    freeze = decision.freeze
    if freeze.active:
        if freeze.blocking:
            lines.append(
                f"  ✗ freeze {freeze.active} is in force: refused for "
                f"{', '.join(freeze.blocking)} (type not exempt)"
            )
        elif freeze.exempt:
            lines.append(
                f"  ✓ freeze {freeze.active} is in force: exempt {', '.join(freeze.exempt)}"
            )
    for problem in freeze.problems:
        lines.append(f"  ✗ {problem}")
    for rule in decision.rules:
        lines.extend(rule_lines(rule))
    for ignored in decision.ignored:
        lines.append(f"  note: approval by {ignored.login} does not count: {ignored.reason}")
    lines.extend(break_glass_lines(decision))
    return lines


def break_glass_lines(decision: Decision) -> list[str]:
    found = decision.break_glass
    if found is None:
        return []
    lines: list[str] = []
    if found.used is not None:
        lines.append(
            f"  ! break-glass invoked by {found.used.invoker}: {found.used.reason!r}; the rules' "
            "approvals are overridden, a retrospective approval is owed"
        )
    for problem in found.problems:
        lines.append(f"  ✗ break-glass not possible: {problem}")
    for refused in found.refused:
        lines.append(f"  note: break-glass by {refused.login} does not count: {refused.reason}")
    return lines


def report(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    several = len(result.decisions) > 1
    for decision in result.decisions:
        for line in decision_lines(decision, several):
            # Paths and logins come from the pull request: a newline in a file name must
            # not start a line of its own (a CI log reads "::command::" lines).
            stream.write(one_line(line) + "\n")
    stream.write(one_line(verdict(result)) + "\n")
