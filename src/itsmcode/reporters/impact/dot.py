"""``itsm impact --format dot``: the service, its dependents and dependencies."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.graph import dot
from itsmcode.reports.impact import Impact


def report(impact: Impact, stream: TextIO) -> None:
    dot.report(impact.drawing, stream)
