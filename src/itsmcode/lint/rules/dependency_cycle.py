"""dependency-cycle: services must not depend on themselves, directly or through others.

``dependsOn`` describes which service needs which. A cycle (``a -> b -> c -> a``) means
none of its members can be started, recovered or changed first, and it makes impact
analysis and change-overlap checks meaningless: every member is upstream of every other.
Hard and soft dependencies both count; a self-dependency is the shortest cycle.

A cycle is reported on every member, at the ``dependsOn`` entry that leads to the next
member, and printed starting from that member. Whichever of the files an engineer edits
(and pre-commit lints only the changed files), the cycle shows up there; removing any
one of the reported entries breaks it. Where several cycles share services (a knot),
one shortest cycle through the alphabetically first member is printed and the other
services of the knot are named, so that fixing one cycle does not hide the next.
Entries naming unknown services are left to ref-exists.

Passing::

    # catalog/services/api.yaml
    spec: {dependsOn: [{service: ledger}]}
    # catalog/services/ledger.yaml
    spec: {dependsOn: [{service: postgres}]}

Failing::

    # catalog/services/api.yaml
    spec: {dependsOn: [{service: ledger}]}   # error: dependency cycle: api -> ledger -> api
    # catalog/services/ledger.yaml
    spec: {dependsOn: [{service: api}]}      # error: dependency cycle: ledger -> api -> ledger
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import CYCLES, SAME_NAME, LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.models import Service

ID = "dependency-cycle"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset({SAME_NAME, CYCLES})
KINDS = frozenset({"Service"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"Service": frozenset({"spec.dependsOn"})}

#: Longer cycles are printed with their middle elided, so a message stays readable.
MAX_PRINTED = 12
#: How many other services of a knot a message names before summarising.
MAX_KNOT_NAMES = 5


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    # First valid file per name, as catalog.get() resolves it (a duplicate name is
    # unique-names' business); edges only between known services.
    services: dict[str, tuple[Record, Service]] = {}
    for record, service in catalog.each(Service):
        services.setdefault(service.name, (record, service))
    graph: dict[str, list[str]] = {
        name: [d.service for d in service.spec.depends_on if d.service in services]
        for name, (_, service) in services.items()
    }

    for name, (record, service) in services.items():
        for i, dep in enumerate(service.spec.depends_on):
            if dep.service == name:
                yield record.diagnostic(
                    ID,
                    ("spec", "dependsOn", i, "service"),
                    f"service '{name}' depends on itself; remove this entry",
                )

    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        members = set(component)
        cycle = shortest_cycle(min(component), graph, members)
        others = sorted(members - set(cycle))
        for k, name in enumerate(cycle):
            successor = cycle[(k + 1) % len(cycle)]
            record, service = services[name]
            index = next(i for i, d in enumerate(service.spec.depends_on) if d.service == successor)
            yield record.diagnostic(
                ID,
                ("spec", "dependsOn", index, "service"),
                f"dependency cycle: {render(cycle, k)}{knot(others)}; break it by removing "
                "this entry or another dependency on the cycle",
            )


def strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (no recursion limit), O(V+E)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        # Each frame: a node and an iterator position over its successors.
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            recursed = False
            while pos < len(successors):
                nxt = successors[pos]
                pos += 1
                if nxt not in index:
                    work.append((node, pos))
                    work.append((nxt, 0))
                    recursed = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recursed:
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def shortest_cycle(start: str, graph: dict[str, list[str]], members: set[str]) -> list[str]:
    """A shortest cycle through ``start`` inside one component (breadth-first), ``start``
    first; following dependsOn order, so the same files give the same cycle."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph[node]:
            # A self-dependency is reported on its own; here it would hide the real cycle.
            if nxt == node or nxt not in members or nxt in parent:
                continue
            parent[nxt] = node
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            queue.append(nxt)
    raise AssertionError(f"{start} is in a strongly connected component but on no cycle")


def render(cycle: Sequence[str], start: int = 0) -> str:
    """``a -> b -> c -> a`` from ``cycle[start]``; the middle of a long cycle is elided.

    Only the printed names are indexed, so printing a huge cycle once per member stays
    linear in its length."""
    size = len(cycle)
    if size <= MAX_PRINTED:
        names = [cycle[(start + k) % size] for k in range(size)]
        return " -> ".join([*names, cycle[start]])
    half = MAX_PRINTED // 2
    head = [cycle[(start + k) % size] for k in range(half)]
    tail = [cycle[(start + k) % size] for k in range(size - half, size)]
    hidden = size - 2 * half
    names = [*head, f"... ({hidden} more)", *tail, cycle[start]]
    return " -> ".join(names) + f" ({size} services)"


def knot(others: Sequence[str]) -> str:
    """Names the services of the same knot that the printed cycle leaves out."""
    if not others:
        return ""
    shown = ", ".join(others[:MAX_KNOT_NAMES])
    more = len(others) - MAX_KNOT_NAMES
    rest = f" and {more} more" if more > 0 else ""
    return f" (intertwined with further cycles through {shown}{rest})"
