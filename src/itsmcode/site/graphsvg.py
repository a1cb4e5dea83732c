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
    x: float
    y: float
    width: float
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
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Heading:
    x: float
    text: str


@dataclass(frozen=True)
class More:
    x: float
    y: float
    count: int


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
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
    widths = {c: (max(len(_label(n)) for n in shown[c]) + 5) * CHAR + 2 * PAD for c in order}
    rows = max(len(names) + (1 if c in hidden else 0) for c, names in shown.items())
    height = HEAD + rows * ROW + PAD
    lefts: dict[int, float] = {}
    x = float(PAD)
    for column in order:
        lefts[column] = x
        x += widths[column] + GAP
    width = x - GAP + PAD
    nodes: dict[str, Node] = {}
    more = []
    for column in order:
        names = shown[column]
        count = len(names) + (1 if column in hidden else 0)
        top = HEAD + (rows - count) * ROW / 2
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
                    node.y + NODE_HEIGHT / 2,
                    target.x - 2,
                    target.y + NODE_HEIGHT / 2,
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
