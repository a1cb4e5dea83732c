"""Machine-readable lint output; the format is documented in docs/output-formats.md."""

from __future__ import annotations

import json
from typing import Any, TextIO

from itsmcode.diagnostics import LintResult
from itsmcode.reporters.base import ReportOptions


def report(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    payload: dict[str, Any] = {
        "diagnostics": [
            {
                "path": d.location.path,
                "line": d.location.line,
                "column": d.location.column,
                "severity": d.severity.value,
                "rule": d.rule,
                "message": d.message,
            }
            for d in result.diagnostics
        ],
        "summary": {"files": result.files, "errors": result.errors, "warnings": result.warnings},
    }
    # ASCII escapes keep the output valid whatever the encoding of stdout.
    json.dump(payload, stream, indent=2)
    stream.write("\n")
