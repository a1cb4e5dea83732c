"""``itsm risk`` (text): the level, then every factor's points and evidence."""

from __future__ import annotations

from typing import TextIO

from itsmcode.reports.risk import RiskScore


def report(score: RiskScore, stream: TextIO) -> None:
    out = [
        f"{score.change}: computed risk {score.level} (score {score.total}; medium from "
        f"{score.medium}, high from {score.high}); declared {score.declared}",
    ]
    if score.understated:
        out.append(f"  the declared risk {score.declared} is below the evidence: review it")
    out.append("")
    width = max((len(f.name) for f in score.factors), default=0)
    for factor in score.factors:
        out.append(f"  {factor.points:+4d}  {factor.name:{width}}  {factor.evidence}")
    stream.write("\n".join(out) + "\n")
