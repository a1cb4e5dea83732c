"""``itsm policy check`` of a merge group, in every ``--format``.

The group's own problems first, then each pull request's decision as the per-pull
request reporters show it; the verdict names the group. JSON schema
``itsmcode/policy-merge-group/v1``: ``approved``, ``mergeGroup`` (headSha, headRef,
baseSha, baseRef, number), ``problems``, ``entries`` ([{number, commit}] in queue order)
and ``pullRequests`` (one ``itsmcode/policy-decision/v1`` document each).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from itsmcode.policy.queue import GroupResult
from itsmcode.reporters.base import ReportOptions, checkout_prefix
from itsmcode.reporters.lint.github import _append_summary, markdown_text, workflow_command
from itsmcode.reporters.lint.text import one_line
from itsmcode.reporters.policy import github, json_report, markdown, text

SCHEMA = "itsmcode/policy-merge-group/v1"


def verdict(result: GroupResult) -> str:
    group = result.group
    numbers = ", ".join(f"#{r.pr.number}" for r in result.results)
    state = "APPROVED" if result.approved else "NOT APPROVED"
    return f"merge group {group.head_sha[:12]} into {group.base_ref} ({numbers}): {state}"


def to_data(result: GroupResult) -> dict[str, Any]:
    group = result.group
    return {
        "schema": SCHEMA,
        "approved": result.approved,
        "mergeGroup": {
            "headSha": group.head_sha,
            "headRef": group.head_ref,
            "baseSha": group.base_sha,
            "baseRef": group.base_ref,
            "number": group.number,
        },
        "problems": list(result.problems),
        "entries": [{"number": n, "commit": sha} for n, sha in result.entries],
        "pullRequests": [json_report.to_data(r) for r in result.results],
    }


def render_markdown(result: GroupResult) -> str:
    state = "✅ approved" if result.approved else "❌ not approved"
    group = result.group
    lines = [
        f"# itsm merge group into {markdown_text(group.base_ref)}: {state}",
        "",
        *(f"- ❌ {markdown_text(p)}" for p in result.problems),
    ]
    if result.problems:
        lines.append("")
    body = "\n".join(lines) + "\n"
    return body + "".join(markdown.render(r) for r in result.results)


def report(result: GroupResult, stream: TextIO, options: ReportOptions, fmt: str) -> None:
    if fmt == "json":
        json.dump(to_data(result), stream, indent=2)
        stream.write("\n")
    elif fmt == "markdown":
        stream.write(render_markdown(result))
    elif fmt == "github":
        _github(result, stream, options)
    else:
        for problem in result.problems:
            stream.write(one_line(f"✗ {problem}") + "\n")
        for check in result.results:
            several = len(check.decisions) > 1
            stream.write(one_line(f"pull request #{check.pr.number}:") + "\n")
            for decision in check.decisions:
                for line in text.decision_lines(decision, several):
                    stream.write(one_line(line) + "\n")
            stream.write(one_line("  " + text.verdict(check)) + "\n")
        stream.write(one_line(verdict(result)) + "\n")


def _github(result: GroupResult, stream: TextIO, options: ReportOptions) -> None:
    prefix = checkout_prefix(options)
    for problem in result.problems:
        stream.write(workflow_command("error", problem, {"title": "merge group"}) + "\n")
    for check in result.results:
        github.write_annotations(check, stream, prefix, f"pull request #{check.pr.number}: ")
    stream.write(workflow_command("notice", verdict(result)) + "\n")
    summary = options.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_summary(Path(summary), render_markdown(result))
