"""``itsm risk --format json``: the shape of docs/risk.md."""

from __future__ import annotations

import json
from typing import TextIO

from itsmcode.reports.risk import RiskScore


def report(score: RiskScore, stream: TextIO) -> None:
    json.dump(score.to_json(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
