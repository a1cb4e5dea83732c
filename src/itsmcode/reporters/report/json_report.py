"""``--format json``: the report's JSON (docs/reports.md; schemas in docs/report-schemas/)."""

from __future__ import annotations

import json
from typing import TextIO

from itsmcode.reports.common import Report


def report(result: Report, stream: TextIO) -> None:
    json.dump(result.to_json(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
