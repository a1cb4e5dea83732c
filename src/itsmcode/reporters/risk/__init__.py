"""``itsm risk`` reporters by ``--format``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.reports.risk import RiskScore

#: A risk reporter writes one change's score to a stream.
RiskReporter = Callable[["RiskScore", TextIO], None]

RISK_REPORTERS: FormatRegistry[RiskReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.risk.text",
        "json": "itsmcode.reporters.risk.json_report",
    }
)
