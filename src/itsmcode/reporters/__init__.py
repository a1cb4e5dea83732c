"""Lint reporters, one module per ``--format``, in an explicit registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from itsmcode.diagnostics import LintResult
from itsmcode.reporters import json_reporter, text

#: A reporter writes one lint result to a stream; ``color`` applies to terminals only.
Reporter = Callable[[LintResult, TextIO, bool], None]

LINT_REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_reporter.report,
}
