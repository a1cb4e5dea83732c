"""Lint reporters, one module per ``--format``, in an explicit registry.

The formats are documented for users in docs/output-formats.md.
"""

from __future__ import annotations

from itsmcode.reporters.base import Reporter
from itsmcode.reporters.registry import FormatRegistry

LINT_REPORTERS: FormatRegistry[Reporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.lint.text",
        "json": "itsmcode.reporters.lint.json_report",
        "github": "itsmcode.reporters.lint.github",
        "sarif": "itsmcode.reporters.lint.sarif",
    }
)
