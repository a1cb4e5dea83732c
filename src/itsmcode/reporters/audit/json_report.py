"""``itsm audit --format json``: the documented evidence export (docs/audit.md)."""

from __future__ import annotations

import json
from typing import TextIO

from itsmcode.audit.evidence import AuditReport


def report(result: AuditReport, out: TextIO) -> None:
    json.dump(result.to_json(), out, indent=2, ensure_ascii=False)
    out.write("\n")
