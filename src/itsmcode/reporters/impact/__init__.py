"""``itsm impact`` reporters by ``--format``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.reports.impact import Impact

#: An impact reporter writes one impact to a stream.
ImpactReporter = Callable[["Impact", TextIO], None]

IMPACT_REPORTERS: FormatRegistry[ImpactReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.impact.text",
        "json": "itsmcode.reporters.impact.json_report",
        "mermaid": "itsmcode.reporters.impact.mermaid",
        "dot": "itsmcode.reporters.impact.dot",
    }
)
