"""A drawing as Graphviz DOT: coloured by tier, soft dependencies dashed.

Every id is a double-quoted string with ``\\`` and ``"`` escaped, so any name is safe.
"""

from __future__ import annotations

from typing import TextIO

from itsmcode.reporters.graph import TIER_COLOURS, UNKNOWN_COLOUR
from itsmcode.reports.graph import Drawing


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def report(drawing: Drawing, stream: TextIO) -> None:
    out = [
        "digraph services {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
    ]
    for node in drawing.nodes:
        tier = f"tier {node.tier}" if node.tier is not None else "not in the catalog"
        colour = TIER_COLOURS.get(node.tier or 0, UNKNOWN_COLOUR)
        width = ", penwidth=3" if node.name == drawing.focus else ""
        label = quote(node.name)[:-1] + "\\n" + tier + '"'
        out.append(f"  {quote(node.name)} [label={label}, fillcolor={quote(colour)}{width}];")
    for user, dep, kind in drawing.edges:
        style = " [style=dashed]" if kind == "soft" else ""
        out.append(f"  {quote(user)} -> {quote(dep)}{style};")
    out.append("}")
    stream.write("\n".join(out) + "\n")
