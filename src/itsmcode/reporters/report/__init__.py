"""The ``itsm report ... --format`` registry (every report, every format)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.reports.common import Report

ReportWriter = Callable[["Report", TextIO], None]

REPORT_WRITERS: FormatRegistry[ReportWriter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.report.text",
        "json": "itsmcode.reporters.report.json_report",
        "markdown": "itsmcode.reporters.report.markdown",
    }
)
