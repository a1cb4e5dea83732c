"""``itsm audit --format csv``: one line per change, for a spreadsheet or a sampling tool.

The export header comes first as ``# key: value`` comment lines (most CSV readers
take a comment prefix; ``grep -v '^#'`` drops them), then one header row and one row
per change. Lists inside a cell are joined with `` | ``.
"""

from __future__ import annotations

import csv
from typing import TextIO

from itsmcode.audit.evidence import AuditReport

COLUMNS = (
    "sha",
    "date",
    "landed_at",
    "author",
    "committer",
    "kind",
    "pull_request",
    "signature",
    "entities",
    "change_requests",
    "approvers",
    "recorded_decision",
    "reevaluated_decision",
    "policy",
    "violations",
    "violation_reasons",
)


def report(result: AuditReport, out: TextIO) -> None:
    for key, value in result.header.lines():
        out.write(f"# {key}: {value}\n")
    for violation in result.violations:
        out.write(f"# VIOLATION {violation.control}: {violation.reason}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in result.rows:
        writer.writerow(
            (
                row.sha,
                row.date.isoformat(),
                (row.landed_at or row.date).isoformat(),
                row.author,
                row.committer,
                row.kind,
                "" if row.pr is None else row.pr,
                row.signature,
                " | ".join(f"{e.label}: {e.summary}" for e in row.entities),
                " | ".join(row.change_requests),
                " | ".join(a.text() for a in row.approvers),
                row.recorded_decision or "",
                row.reevaluated or "",
                row.policy or "",
                " | ".join(v.control for v in row.violations),
                " | ".join(f"{v.control}: {v.reason}" for v in row.violations),
            )
        )
