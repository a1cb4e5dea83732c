"""Diff reporters by ``--format``: an explicit registry, like LINT_REPORTERS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.reporters.diff.options import DiffReporter

DIFF_REPORTERS: FormatRegistry[DiffReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.diff.text",
        "json": "itsmcode.reporters.diff.json_report",
        "markdown": "itsmcode.reporters.diff.markdown",
    }
)
