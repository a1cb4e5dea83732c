"""Lint reporters, one module per ``--format``, in an explicit registry.

The formats are documented for users in docs/output-formats.md.
"""

from __future__ import annotations

from itsmcode.reporters import github, json_reporter, sarif, text
from itsmcode.reporters.base import Reporter, ReportOptions

LINT_REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_reporter.report,
    "github": github.report,
    "sarif": sarif.report,
}

__all__ = ["LINT_REPORTERS", "ReportOptions", "Reporter"]
