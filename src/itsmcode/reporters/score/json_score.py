"""``--format json``: the scores as one JSON document (docs/score.md)."""

from __future__ import annotations

import json
from typing import TextIO

from itsmcode.score.engine import ScoreResult, to_json


def report(result: ScoreResult, only: str | None, stream: TextIO) -> None:
    json.dump(to_json(result, only), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
