"""Diff reporters by ``--format``: an explicit registry, like LINT_REPORTERS."""

from __future__ import annotations

from itsmcode.reporters import diff_json, diff_markdown, diff_text
from itsmcode.reporters.diff_options import DiffReporter, DiffReportOptions

DIFF_REPORTERS: dict[str, DiffReporter] = {
    "text": diff_text.report,
    "json": diff_json.report,
    "markdown": diff_markdown.report,
}

__all__ = ["DIFF_REPORTERS", "DiffReportOptions", "DiffReporter"]
