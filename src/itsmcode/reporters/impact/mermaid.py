"""``itsm impact --format mermaid``: the service, its dependents and dependencies."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.graph import mermaid
from itsmcode.reports.impact import Impact


def report(impact: Impact, stream: TextIO) -> None:
    mermaid.report(impact.drawing, stream)
