"""The ``itsm audit --format`` registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from itsmcode.audit.evidence import AuditReport
from itsmcode.reporters import audit_csv, audit_json, audit_markdown, audit_text

AuditReporter = Callable[[AuditReport, TextIO], None]

AUDIT_REPORTERS: dict[str, AuditReporter] = {
    "text": audit_text.report,
    "json": audit_json.report,
    "csv": audit_csv.report,
    "markdown": audit_markdown.report,
}
