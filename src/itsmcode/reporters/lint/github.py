"""GitHub Actions output: annotations, the full log, and a Markdown job summary.

GitHub shows at most 10 error and 10 warning annotations per step (50 per job) and
drops the rest silently. So the most important diagnostics are annotated first
(errors before warnings, then by path and line), each kind is capped at 10, and one
``::notice`` says how many were left out and where to find them. Every diagnostic is
also printed as a plain ``path:line:col`` line inside a collapsible ``::group::``, so
nothing is lost, and when ``$GITHUB_STEP_SUMMARY`` is set a Markdown table of the
diagnostics is appended to the job summary.

The escaping helpers follow GitHub's runner (``ActionCommand``): data escapes ``%``,
``\\r`` and ``\\n``; property values escape ``:`` and ``,`` as well.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO

import click

from itsmcode.diagnostics import Diagnostic, LintResult, Severity
from itsmcode.reporters.base import ReportOptions, checkout_prefix
from itsmcode.reporters.lint.text import one_line, summary

#: GitHub's per-step limit for each of error and warning annotations.
ANNOTATIONS_PER_SEVERITY = 10
#: Rows of the job summary table; GitHub caps a step's summary at 1 MiB.
SUMMARY_ROWS = 200
#: Characters of one message in the summary table, so 200 rows stay well under 1 MiB.
SUMMARY_MESSAGE_CHARS = 500
LOG_GROUP = "itsm lint: all diagnostics"


def escape_data(value: str) -> str:
    """Escape the message part of a workflow command (after the ``::``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value of a workflow command (``file=``, ``title=``...)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(
    name: str, message: str, properties: Mapping[str, object] | None = None
) -> str:
    """One ``::name key=value,...::message`` line, escaped."""
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items()
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(diagnostic: Diagnostic, prefix: str = "") -> str:
    loc = diagnostic.location
    return workflow_command(
        diagnostic.severity.value,
        diagnostic.message,
        {
            "file": prefix + loc.path,
            "line": loc.line,
            "col": loc.column,
            "title": f"[{diagnostic.rule}]",
        },
    )


def by_importance(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors before warnings, then by path, line and column."""
    return sorted(diagnostics, key=lambda d: (d.severity.rank, *d.sort_key))


def report(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    # Paths are given from the top of the checkout, which is what GitHub resolves them
    # against, also when itsm.yaml lives in a subdirectory of the git repository.
    prefix = checkout_prefix(options)
    _write_log(result, stream, prefix)
    annotated = {Severity.ERROR: 0, Severity.WARNING: 0}
    for diagnostic in by_importance(result.diagnostics):
        if annotated[diagnostic.severity] < ANNOTATIONS_PER_SEVERITY:
            annotated[diagnostic.severity] += 1
            stream.write(annotation(diagnostic, prefix) + "\n")
    left_errors = result.errors - annotated[Severity.ERROR]
    left_warnings = result.warnings - annotated[Severity.WARNING]
    if left_errors or left_warnings:
        notice = _left_out(left_errors, left_warnings, len(result.diagnostics), options)
        stream.write(workflow_command("notice", notice) + "\n")
    stream.write(summary(result) + "\n")
    summary_path = options.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        _append_summary(Path(summary_path), job_summary(result, prefix))


def _write_log(result: LintResult, stream: TextIO, prefix: str) -> None:
    # Messages quote file content (names, field names); between stop-commands and the
    # matching token nothing is read as a workflow command, so a crafted value cannot
    # inject one (set a mask, fake an annotation) into the log.
    token = secrets.token_hex(16)
    stream.write(workflow_command("group", f"{LOG_GROUP} ({summary(result)})") + "\n")
    stream.write(f"::stop-commands::{token}\n")
    for d in result.diagnostics:
        stream.write(f"{prefix}{d.location}: {d.severity.value} [{d.rule}] {one_line(d.message)}\n")
    stream.write(f"::{token}::\n")
    stream.write("::endgroup::\n")


def _left_out(errors: int, warnings: int, total: int, options: ReportOptions) -> str:
    parts = [
        f"{count} more {kind}{'s' if count != 1 else ''}"
        for count, kind in ((errors, "error"), (warnings, "warning"))
        if count
    ]
    where = f'the step log (group "{LOG_GROUP}")'
    if options.environ.get("GITHUB_STEP_SUMMARY") and total <= SUMMARY_ROWS:
        where += " and the job summary"
    return (
        f"{' and '.join(parts)} not annotated: GitHub shows at most "
        f"{ANNOTATIONS_PER_SEVERITY} error and {ANNOTATIONS_PER_SEVERITY} warning annotations "
        f"per step. Every diagnostic is listed in {where}, or run 'itsm lint' locally."
    )


def job_summary(result: LintResult, prefix: str = "") -> str:
    """The Markdown appended to ``$GITHUB_STEP_SUMMARY``."""
    lines = ["## itsm lint", ""]
    files = f"{result.files} file{'s' if result.files != 1 else ''}"
    if not result.diagnostics:
        lines += [f"✅ No problems in {files}.", ""]
        return "\n".join(lines) + "\n"
    mark = "❌" if result.errors else "⚠️"
    lines += [
        f"{mark} **{result.errors} error{'s' if result.errors != 1 else ''}**, "
        f"{result.warnings} warning{'s' if result.warnings != 1 else ''} in {files}.",
        "",
        "| File | Line | Severity | Rule | Message |",
        "| --- | ---: | --- | --- | --- |",
    ]
    # By file (then line), as a reviewer walks a pull request; the log keeps the rest.
    ordered = sorted(result.diagnostics, key=lambda d: d.sort_key)
    for d in ordered[:SUMMARY_ROWS]:
        message = d.message
        if len(message) > SUMMARY_MESSAGE_CHARS:
            message = message[: SUMMARY_MESSAGE_CHARS - 1] + "…"
        lines.append(
            f"| {markdown_text(prefix + d.location.path)} | {d.location.line}:{d.location.column} "
            f"| {d.severity.value} | `{d.rule}` | {markdown_text(message)} |"
        )
    if len(ordered) > SUMMARY_ROWS:
        more = len(ordered) - SUMMARY_ROWS
        lines += [
            "",
            f"… and {more} more not shown here; every diagnostic is in the step log "
            f'(group "{LOG_GROUP}").',
        ]
    return "\n".join(lines) + "\n\n"


# Punctuation GitHub's Markdown may read as syntax inside a table cell: emphasis, code,
# links and images, strikethrough, the cell separator, headings and math ($). A
# backslash makes any ASCII punctuation literal in GFM.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_[]|~!#$")


def markdown_text(value: str) -> str:
    """``value`` as literal text in a GFM table cell: no formatting, links or HTML."""
    out: list[str] = []
    for char in value.replace("\r\n", "\n").replace("\r", "\n"):
        if char in _MARKDOWN_PUNCTUATION:
            out.append("\\" + char)
        elif char == "&":
            out.append("&amp;")
        elif char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char == "\n":
            out.append("<br>")  # a raw newline would end the table row
        else:
            out.append(char)
    return "".join(out)


def _append_summary(path: Path, markdown: str) -> None:
    # The summary is a convenience: a runner that cannot take it must not change the
    # lint verdict, so a write failure is a warning on stderr, not an error exit.
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(markdown)
    except OSError as exc:
        click.echo(f"itsm: warning: cannot write the job summary to {path}: {exc}", err=True)
