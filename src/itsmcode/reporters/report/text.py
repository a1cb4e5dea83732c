"""``--format text``: findings first (errors first), then the report's tables."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.report.tables import summary, tables
from itsmcode.reports.common import Report


def report(result: Report, stream: TextIO) -> None:
    stream.write(summary(result) + "\n")
    findings = result.sorted_findings()
    stream.write(f"\n{len(findings)} finding{'' if len(findings) == 1 else 's'}\n")
    for finding in findings:
        names = ", ".join(name for _, name in finding.entities)
        stream.write(f"{finding.severity:7} [{finding.type}] {names}\n        {finding.message}\n")
        if finding.suggestion:
            stream.write(f"        to open it: {finding.suggestion}\n")
    for table in tables(result):
        stream.write(f"\n{table.title}\n")
        if not table.rows:
            stream.write("  (none)\n")
            continue
        widths = [
            max(len(row[i]) for row in [table.headers, *table.rows])
            for i in range(len(table.headers))
        ]
        for row in [table.headers, *table.rows]:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            stream.write("  " + "  ".join(cells).rstrip() + "\n")
