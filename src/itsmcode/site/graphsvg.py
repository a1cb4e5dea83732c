"""A service's dependency graph laid out at build time, for an inline SVG.

A small layered layout, no library: the service in the middle column, the services it
depends on in the columns to its right (one column per step, up to ``depth``), the
services that depend on it to its left. Arrows point from a service to what it needs,
so the page reads left to right: who needs it, the service, what it needs. A column
shows at most ``per_column`` services (by name) and says how many more there are; the
next column grows only from the services shown, so a hub with thousands of dependents
costs what the drawing shows. Edges join neighbouring columns only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

NODE_HEIGHT = 28
ROW = 40  # vertical pitch of nodes
GAP = 56  # horizontal space between columns, for the arrows
CHAR = 7.2  # average advance of a character of the label font (12px sans-serif)
PAD = 16
MAX_LABEL = 32  # characters; a longer name is shortened (its full name is the tooltip)
HEAD = 24  # room above the columns for their headings


@dataclass(frozen=True)
class Node:
    name: str
    label: str
    x: int
    y: int
    width: int
    column: int  # 0 the service, >0 its dependencies, <0 its dependents
    tier: int | None
    linked: bool  # the catalog has a page for it

    @property
    def role(self) -> str:
        if self.column == 0:
            return "focus"
        return "dependency" if self.column > 0 else "dependent"


@dataclass(frozen=True)
class Edge:
    source: str  # the service that depends ...
    target: str  # ... on this one
    kind: str  # hard | soft
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Heading:
    x: int
    text: str


@dataclass(frozen=True)
class More:
    x: int
    y: int
    count: int


@dataclass(frozen=True)
class Layout:
    """Whole pixels: the SVG's numbers are short and the same on every platform."""

    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    headings: tuple[Heading, ...]
    more: tuple[More, ...]


def _label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "\u2026"


def columns(
    focus: str,
    forward: Mapping[str, Sequence[tuple[str, str]]],
    reverse: Mapping[str, Sequence[str]],
    depth: int,
    per_column: int,
) -> tuple[dict[int, list[str]], dict[int, int]]:
    """The names shown in each column, and how many more each column left out."""
    placed = {focus}
    shown: dict[int, list[str]] = {0: [focus]}
    hidden: dict[int, int] = {}
    for direction in (1, -1):
        frontier = [focus]
        for step in range(1, depth + 1):
            found: set[str] = set()
            for name in frontier:
                if direction > 0:
                    found.update(dep for dep, _ in forward.get(name, ()))
                else:
                    found.update(reverse.get(name, ()))
            fresh = sorted(found - placed)
            if not fresh:
                break
            column = direction * step
            shown[column] = fresh[:per_column]
            if len(fresh) > per_column:
                hidden[column] = len(fresh) - per_column
            placed.update(shown[column])
            frontier = shown[column]
    return shown, hidden


def layout(
    focus: str,
    forward: Mapping[str, Sequence[tuple[str, str]]],
    reverse: Mapping[str, Sequence[str]],
    tier_of: Callable[[str], int | None],
    has_page: Callable[[str], bool],
    *,
    depth: int = 2,
    per_column: int = 12,
) -> Layout:
    shown, hidden = columns(focus, forward, reverse, depth, per_column)
    order = sorted(shown)
    # The label and its " · T1" suffix.
    widths = {c: round((max(len(_label(n)) for n in shown[c]) + 5) * CHAR) + 2 * PAD for c in order}
    rows = max(len(names) + (1 if c in hidden else 0) for c, names in shown.items())
    height = HEAD + rows * ROW + PAD
    lefts: dict[int, int] = {}
    x = PAD
    for column in order:
        lefts[column] = x
        x += widths[column] + GAP
    width = x - GAP + PAD
    nodes: dict[str, Node] = {}
    more = []
    for column in order:
        names = shown[column]
        count = len(names) + (1 if column in hidden else 0)
        top = HEAD + (rows - count) * ROW // 2
        for index, name in enumerate(names):
            nodes[name] = Node(
                name,
                _label(name),
                lefts[column],
                top + index * ROW,
                widths[column],
                column,
                tier_of(name),
                has_page(name),
            )
        if column in hidden:
            more.append(More(lefts[column] + PAD, top + len(names) * ROW, hidden[column]))
    edges = []
    for node in nodes.values():
        for dep, kind in forward.get(node.name, ()):
            target = nodes.get(dep)
            if target is None or target.column != node.column + 1:
                continue
            edges.append(
                Edge(
                    node.name,
                    dep,
                    kind,
                    node.x + node.width,
                    node.y + NODE_HEIGHT // 2,
                    target.x - 2,
                    target.y + NODE_HEIGHT // 2,
                )
            )
    headings = []
    for column in order:
        if column < 0:
            text = "depends on it" if column == -1 else f"{-column} steps up"
        elif column > 0:
            text = "it depends on" if column == 1 else f"{column} steps down"
        else:
            text = "this service"
        headings.append(Heading(lefts[column], text))
    return Layout(
        width,
        height,
        tuple(nodes.values()),
        tuple(sorted(edges, key=lambda e: (e.source, e.target))),
        tuple(headings),
        tuple(more),
    )


def svg(drawn: Layout, focus: str, base: str) -> Markup:
    """The inline SVG of ``drawn`` (``<svg id="dependency-graph">``), links relative to
    ``base``. Written here rather than in a template: a 10,000-service site draws
    hundreds of thousands of nodes, and a template's per-expression cost dominated the
    build. Every name is escaped; every number is an int."""
    name = escape(focus)
    parts = [
        f'<svg id="dependency-graph" role="group" aria-labelledby="graph-title graph-desc" '
        f'viewBox="0 0 {drawn.width} {drawn.height}" width="{drawn.width}" '
        f'height="{drawn.height}">\n'
        f'<title id="graph-title">Dependency graph of {name}</title>\n'
        f'<desc id="graph-desc">{name} in the middle; services that depend on it to the left, '
        "services it depends on to the right, up to two steps. Arrows point from a service "
        "to one it needs; dashed arrows are soft dependencies. The same neighbours are "
        "listed below the graph.</desc>\n"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'class="arrow-head"></path></marker></defs>\n'
    ]
    for heading in drawn.headings:
        parts.append(
            f'<text class="column-heading" x="{heading.x}" y="14">{escape(heading.text)}</text>\n'
        )
    parts.append('<g class="edges">\n')
    for edge in drawn.edges:
        parts.append(
            f'<line class="edge edge-{escape(edge.kind)}" data-from="{escape(edge.source)}" '
            f'data-to="{escape(edge.target)}" x1="{edge.x1}" y1="{edge.y1}" x2="{edge.x2}" '
            f'y2="{edge.y2}" marker-end="url(#arrow)"></line>\n'
        )
    parts.append("</g>\n")
    for node in drawn.nodes:
        label = escape(node.name)
        tier = "" if node.tier is None else str(node.tier)
        shown = escape(node.label) + (f" \u00b7 T{tier}" if tier else "")
        inner = (
            f"<title>{label}{f', tier {tier}' if tier else ''}</title>"
            f'<rect width="{node.width}" height="{NODE_HEIGHT}" rx="4"></rect>'
            f'<text x="10" y="18">{shown}</text>'
        )
        if node.linked:
            # Out of the tab order: the list of neighbours below is the keyboard's way.
            # The SVG is a role="group", not "img": an image's children are
            # presentational, and links inside one are nested-interactive (axe).
            inner = f'<a href="{escape(base)}services/{label}.html" tabindex="-1">{inner}</a>'
        parts.append(
            f'<g class="node node-{node.role}" data-node="{label}" data-tier="{tier}" '
            f'transform="translate({node.x} {node.y})">{inner}</g>\n'
        )
    for more in drawn.more:
        parts.append(
            f'<text class="more" x="{more.x}" y="{more.y + 18}">and {more.count} more</text>\n'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
