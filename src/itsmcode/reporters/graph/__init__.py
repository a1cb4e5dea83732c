"""``itsm graph`` reporters by ``--format``: Mermaid and Graphviz DOT drawings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.reports.graph import Drawing

#: A graph reporter writes one drawing to a stream.
GraphReporter = Callable[["Drawing", TextIO], None]

GRAPH_REPORTERS: FormatRegistry[GraphReporter] = FormatRegistry(
    {
        "mermaid": "itsmcode.reporters.graph.mermaid",
        "dot": "itsmcode.reporters.graph.dot",
    }
)

#: Fill colour per tier (1 most critical); a service not in the catalog is white.
TIER_COLOURS = {1: "#f8d7da", 2: "#ffe5b4", 3: "#fff3bf", 4: "#e9ecef"}
UNKNOWN_COLOUR = "#ffffff"
