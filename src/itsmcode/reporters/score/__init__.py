"""The ``itsm score --format`` registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.score.engine import ScoreResult

#: (result, the one service asked for or None, stream).
ScoreWriter = Callable[["ScoreResult", "str | None", TextIO], None]

SCORE_WRITERS: FormatRegistry[ScoreWriter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.score.text",
        "json": "itsmcode.reporters.score.json_score",
        "markdown": "itsmcode.reporters.score.markdown",
    }
)
