"""Builders for SLA files used by the SLA rules' tests.

An SLA file has fixed line numbers: 5 availability (when given), then 6 ``targets:``
and one line per priority from line 7, in the order given.
"""

from __future__ import annotations


def sla(name: str, availability: float | None = None, **targets: tuple[str, str]) -> str:
    """``targets`` maps a priority (P1..P4) to (response, resolution)."""
    lines = [
        "apiVersion: itsmcode/v1",
        "kind: SLA",
        f"metadata: {{name: {name}}}",
        "spec:",
        # Line 5 exists either way, so target lines do not move.
        f"  availability: {{target: {availability}}}"
        if availability is not None
        else "  maintenanceExcluded: false",
    ]
    if targets:
        lines.append("  targets:")
        for priority, (response, resolution) in targets.items():
            lines.append(f"    {priority}: {{response: {response}, resolution: {resolution}}}")
    return "\n".join(lines) + "\n"
