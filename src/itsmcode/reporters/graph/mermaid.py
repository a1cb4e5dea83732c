"""A drawing as a Mermaid flowchart: coloured by tier, soft dependencies dashed.

Node ids are generated (``s0``, ``s1``…), names only appear inside quoted labels with
``"`` written as ``#quot;``, so no name can break the syntax.
"""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.graph import TIER_COLOURS, UNKNOWN_COLOUR
from itsmcode.reports.graph import Drawing


def _text(value: str) -> str:
    return value.replace('"', "#quot;")


def lines(drawing: Drawing) -> list[str]:
    ids = {node.name: f"s{i}" for i, node in enumerate(drawing.nodes)}
    out = ["flowchart LR"]
    for number, colour in [*TIER_COLOURS.items(), (0, UNKNOWN_COLOUR)]:
        out.append(f"  classDef tier{number} fill:{colour},stroke:#333")
    out.append("  classDef focus stroke-width:4px")
    for node in drawing.nodes:
        tier = f"tier {node.tier}" if node.tier is not None else "not in the catalog"
        out.append(f'  {ids[node.name]}["{_text(node.name)}<br/>{tier}"]')
        out.append(f"  class {ids[node.name]} tier{node.tier or 0}")
    for user, dep, kind in drawing.edges:
        arrow = "-->" if kind == "hard" else "-.->"
        out.append(f"  {ids[user]} {arrow} {ids[dep]}")
    if drawing.focus in ids:
        out.append(f"  class {ids[drawing.focus]} focus")
    return out


def report(drawing: Drawing, stream: TextIO) -> None:
    stream.write("\n".join(lines(drawing)) + "\n")
