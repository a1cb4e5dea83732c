"""``itsm audit --format text``: the evidence for a person at a terminal."""

from __future__ import annotations

from typing import TextIO

from itsmcode.audit.evidence import AuditReport, EvidenceRow


def report(result: AuditReport, out: TextIO) -> None:
    for key, value in result.header.lines():
        out.write(f"# {key}: {value}\n")
    out.write("\n")
    for violation in result.violations:
        out.write(f"VIOLATION {violation.control}: {violation.reason}\n\n")
    for row in result.rows:
        _row(row, out)
    changes, violations = result.summary()
    out.write(f"{changes}, {violations}\n")
    for control, count in result.counts().items():
        out.write(f"  {control}: {count}\n")


def _row(row: EvidenceRow, out: TextIO) -> None:
    pr = f"PR #{row.pr}" if row.pr is not None else "direct commit"
    out.write(f"{row.sha[:12]} {row.date.isoformat()} {pr} signature: {row.signature}\n")
    if row.landed_at is not None and row.landed_at != row.date:
        out.write(f"  landed at: {row.landed_at.isoformat()} (not its committer date)\n")
    out.write(f"  {row.subject}\n")
    out.write(f"  author: {row.author}; committer: {row.committer}\n")
    for entity in row.entities:
        out.write(f"  {entity.label}: {entity.summary}\n")
    if row.change_requests:
        out.write(f"  change requests: {', '.join(row.change_requests)}\n")
    if row.recorded_decision is not None:
        approvers = ", ".join(a.text() for a in row.approvers) or "nobody"
        out.write(f"  approved by: {approvers}\n")
        out.write(
            f"  recorded decision: {row.recorded_decision}; re-evaluated with "
            f"{row.policy}: {row.reevaluated}\n"
        )
    glass = row.break_glass
    if glass is not None:
        retro = glass["retrospective"]
        due = f", due {glass['deadline']}" if glass["deadline"] else ""
        out.write(
            f"  break-glass by {glass['invoker']}: {glass['reason']!r}; retrospective "
            f"{retro['status']}{due}\n"
        )
    for violation in row.violations:
        out.write(f"  VIOLATION {violation.control}: {violation.reason}\n")
    out.write("\n")
