"""``itsm policy check --format github``: annotations plus a Markdown job summary.

One ``::error`` per pending rule (and per fail-closed reason or freeze refusal) with
the policy file as location, one ``::notice`` with the verdict; the Markdown report
is appended to ``$GITHUB_STEP_SUMMARY`` when set.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from itsmcode.policy.check import CheckResult
from itsmcode.reporters.base import ReportOptions, checkout_prefix
from itsmcode.reporters.lint.github import _append_summary, workflow_command
from itsmcode.reporters.policy import markdown as policy_markdown
from itsmcode.reporters.policy import text as policy_text


def write_annotations(result: CheckResult, stream: TextIO, prefix: str, label: str = "") -> None:
    """The ``::error`` lines of one pull request's decisions and its verdict line;
    ``label`` heads each title (a merge group names the pull request)."""
    for decision in result.decisions:
        where = {"file": prefix + decision.policy_path} if decision.policy_path else {}
        title = f"{label}approval policy ({decision.source})"
        for error in decision.errors:
            stream.write(workflow_command("error", error, {**where, "title": title}) + "\n")
        for problem in decision.freeze.problems:
            stream.write(workflow_command("error", problem, {**where, "title": title}) + "\n")
        if decision.freeze.blocking:
            message = (
                f"change freeze {decision.freeze.active} is in force; not exempt: "
                + ", ".join(decision.freeze.blocking)
            )
            stream.write(workflow_command("error", message, {**where, "title": title}) + "\n")
        for rule in decision.rules:
            if rule.status != "pending":
                continue
            message = f"rule {rule.name}: " + "; ".join(rule.missing)
            if rule.candidates:
                message += " (can approve: " + ", ".join(rule.candidates[:10]) + ")"
            stream.write(workflow_command("error", message, {**where, "title": title}) + "\n")
    level = "warning" if result.break_glass is not None else "notice"
    stream.write(workflow_command(level, policy_text.verdict(result)) + "\n")


def report(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    write_annotations(result, stream, checkout_prefix(options))
    summary = options.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_summary(Path(summary), policy_markdown.render(result))
