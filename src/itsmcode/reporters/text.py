"""``path:line:col: severity [rule-id] message``, one per line, then a summary."""

from __future__ import annotations

from typing import TextIO

import click

from itsmcode.diagnostics import LintResult, Severity

_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def report(result: LintResult, stream: TextIO, color: bool) -> None:
    for d in result.diagnostics:
        severity = d.severity.value
        if color:
            severity = click.style(severity, fg=_COLOR[d.severity], bold=True)
        location = click.style(str(d.location), bold=True) if color else str(d.location)
        stream.write(f"{location}: {severity} [{d.rule}] {d.message}\n")
    summary = _summary(result)
    if color:
        summary = click.style(summary, fg="red" if result.errors else "green")
    stream.write(summary + "\n")


def _summary(result: LintResult) -> str:
    files = f"{result.files} file{'s' if result.files != 1 else ''}"
    if not result.diagnostics:
        return f"{files} checked, no problems"
    return (
        f"{files} checked: {result.errors} error{'s' if result.errors != 1 else ''}, "
        f"{result.warnings} warning{'s' if result.warnings != 1 else ''}"
    )
