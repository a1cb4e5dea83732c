"""The ``itsm policy check --format`` registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.policy.check import CheckResult
    from itsmcode.reporters.base import ReportOptions

PolicyReporter = Callable[["CheckResult", TextIO, "ReportOptions"], None]

POLICY_REPORTERS: FormatRegistry[PolicyReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.policy.text",
        "json": "itsmcode.reporters.policy.json_report",
        "markdown": "itsmcode.reporters.policy.markdown",
        "github": "itsmcode.reporters.policy.github",
    }
)
