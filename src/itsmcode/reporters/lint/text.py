"""``path:line:col: severity [rule-id] message``, one per line, then a summary."""

from __future__ import annotations

from typing import TextIO

import click

from itsmcode.diagnostics import LintResult, Severity
from itsmcode.reporters.base import ReportOptions

_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def report(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    color = options.color
    for d in result.diagnostics:
        severity = d.severity.value
        if color:
            severity = click.style(severity, fg=_COLOR[d.severity], bold=True)
        location = click.style(str(d.location), bold=True) if color else str(d.location)
        stream.write(f"{location}: {severity} [{d.rule}] {one_line(d.message)}\n")
    line = summary(result)
    if color:
        line = click.style(line, fg="red" if result.errors else "green")
    stream.write(line + "\n")


def one_line(message: str) -> str:
    """The message with line breaks shown as ``\\n``: editors, grep and problem
    matchers read one diagnostic per line, and a message may quote a multi-line value."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


def summary(result: LintResult) -> str:
    """One line of counts, e.g. ``5 files checked: 2 errors, 1 warning``."""
    files = f"{result.files} file{'s' if result.files != 1 else ''}"
    if not result.diagnostics:
        return f"{files} checked, no problems"
    return (
        f"{files} checked: {result.errors} error{'s' if result.errors != 1 else ''}, "
        f"{result.warnings} warning{'s' if result.warnings != 1 else ''}"
    )
