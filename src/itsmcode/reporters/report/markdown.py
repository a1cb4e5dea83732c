"""``--format markdown``: a page for a wiki, a pull request or an issue."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.report.tables import summary, tables
from itsmcode.reports.common import Report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(result: Report, stream: TextIO) -> None:
    stream.write(f"## {summary(result)}\n\n")
    findings = result.sorted_findings()
    stream.write(f"### Findings ({len(findings)})\n\n")
    if not findings:
        stream.write("None.\n")
    for finding in findings:
        names = ", ".join(f"`{name}`" for _, name in finding.entities)
        stream.write(
            f"- **{finding.severity}** `{finding.type}` {names}: {_cell(finding.message)}\n"
        )
        if finding.suggestion:
            stream.write(f"\n  ```sh\n  {finding.suggestion}\n  ```\n")
    for table in tables(result):
        stream.write(f"\n### {table.title}\n\n")
        if not table.rows:
            stream.write("None.\n")
            continue
        stream.write("| " + " | ".join(table.headers) + " |\n")
        stream.write("|" + "---|" * len(table.headers) + "\n")
        for row in table.rows:
            stream.write("| " + " | ".join(_cell(c) for c in row) + " |\n")
