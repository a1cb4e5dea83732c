"""The ``itsm audit --format`` registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.audit.evidence import AuditReport

AuditReporter = Callable[["AuditReport", TextIO], None]

AUDIT_REPORTERS: FormatRegistry[AuditReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.audit.text",
        "json": "itsmcode.reporters.audit.json_report",
        "csv": "itsmcode.reporters.audit.csv_report",
        "markdown": "itsmcode.reporters.audit.markdown",
    }
)
