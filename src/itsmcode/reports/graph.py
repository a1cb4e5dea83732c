"""The service dependency graph as a drawing's data (``itsm graph``, ``itsm impact``).

Nodes carry their tier and owner (for colour and labels); edges point from a service to
one it depends on, ``hard`` or ``soft``. ``--service S --depth N`` keeps the services
within N dependency steps of S, either way (dependents and dependencies).

Both commands work on a ``ServiceMap``: the tier, owner and dependencies of every
service, taken from a loaded Catalog (``--at``) or from the diff's light read of the
services folder (diff/graph.py: a bare libyaml parse of the few fields needed, no
validation), which on a large repository costs little more than parsing the files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from itsmcode.diff.graph import Graph, Reach, dependents_closure
from itsmcode.errors import ConfigError
from itsmcode.load.catalog import Catalog
from itsmcode.models import Service
from itsmcode.suggest import did_you_mean


@dataclass(frozen=True)
class ServiceMap:
    """What the graph commands need of each service, by name."""

    tiers: Mapping[str, int | None]
    owners: Mapping[str, str | None]
    #: Service -> [(dependency, "hard" | "soft")], in file order.
    dependencies: Mapping[str, Sequence[tuple[str, str]]]

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> ServiceMap:
        """Every valid service; a file that does not validate keeps its name (no tier)."""
        services = {s.name: s for s in catalog.all(Service)}
        names = catalog.names("Service") | set(services)
        return cls(
            {n: services[n].spec.tier if n in services else None for n in names},
            {n: services[n].spec.owner if n in services else None for n in names},
            catalog.dependencies,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "tiers": dict(self.tiers),
            "owners": dict(self.owners),
            "dependencies": {n: [list(d) for d in deps] for n, deps in self.dependencies.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> ServiceMap | None:
        """Back from ``to_json`` (a cache entry); None for anything else."""
        try:
            tiers = {str(n): t if isinstance(t, int) else None for n, t in data["tiers"].items()}
            owners = {str(n): o if isinstance(o, str) else None for n, o in data["owners"].items()}
            deps = {
                str(n): [(str(d), str(k)) for d, k in items]
                for n, items in data["dependencies"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return cls(tiers, owners, deps)

    @classmethod
    def from_graph(cls, graph: Graph) -> ServiceMap:
        """The diff's light read: the first file of a duplicated name wins."""
        nodes = graph.by_name
        return cls(
            {n: node.tier for n, node in nodes.items()},
            {n: node.owner for n, node in nodes.items()},
            {n: list(node.depends_on) for n, node in nodes.items()},
        )


@dataclass(frozen=True)
class NodeInfo:
    name: str
    tier: int | None
    owner: str | None


@dataclass(frozen=True)
class Drawing:
    nodes: tuple[NodeInfo, ...]
    #: (service, dependency, "hard" | "soft")
    edges: tuple[tuple[str, str, str], ...]
    #: The service the drawing is about, highlighted (None: the whole catalog).
    focus: str | None = None


class EdgeMap:
    """Adjacency as the BFS of diff/graph.py asks for it, one level at a time."""

    def __init__(self, adjacency: Mapping[str, Iterable[str]]) -> None:
        self.adjacency = adjacency

    def dependents_of(self, names: Iterable[str]) -> dict[str, Iterable[str]]:
        return {n: self.adjacency[n] for n in names if n in self.adjacency}


def require_service(services: ServiceMap, name: str) -> None:
    """A usage error (exit 2) with a did-you-mean when ``name`` is no service."""
    if name not in services.tiers:
        raise ConfigError(f"no service named '{name}'{did_you_mean(name, services.tiers)}")


def reverse_edges(services: ServiceMap, *, hard_only: bool = False) -> dict[str, list[str]]:
    """Service -> the services depending on it directly (through hard edges only)."""
    out: dict[str, list[str]] = {}
    for user, deps in services.dependencies.items():
        for dep, kind in deps:
            if not hard_only or kind == "hard":
                out.setdefault(dep, []).append(user)
    return out


def forward_edges(services: ServiceMap, *, hard_only: bool = False) -> dict[str, list[str]]:
    """Service -> the services it depends on directly (through hard edges only)."""
    return {
        user: [dep for dep, kind in deps if not hard_only or kind == "hard"]
        for user, deps in services.dependencies.items()
    }


def reach(
    services: ServiceMap, name: str, *, upward: bool, hard_only: bool = False
) -> dict[str, Reach]:
    """Dependents (``upward``) or dependencies of ``name``, each with a shortest chain."""
    if upward:
        edges = reverse_edges(services, hard_only=hard_only)
    else:
        edges = forward_edges(services, hard_only=hard_only)
    found = dependents_closure([name], EdgeMap(edges))
    found.pop(name, None)  # a cycle back to the start (dependency-cycle reports it)
    return found


def drawing(
    services: ServiceMap, names: Iterable[str] | None = None, focus: str | None = None
) -> Drawing:
    """The services ``names`` (all when None) and the edges among them."""
    keep = set(services.tiers) if names is None else set(names)
    # A dependency on a service that is not in the catalog is drawn, without a tier.
    if names is None:
        for deps in services.dependencies.values():
            keep.update(dep for dep, _ in deps)
    nodes = tuple(
        NodeInfo(name, services.tiers.get(name), services.owners.get(name)) for name in sorted(keep)
    )
    edges = tuple(
        (user, dep, kind)
        for user in sorted(keep)
        for dep, kind in services.dependencies.get(user, [])
        if dep in keep
    )
    return Drawing(nodes, edges, focus)


def neighbourhood(services: ServiceMap, name: str, depth: int | None) -> Drawing:
    """``name`` and the services within ``depth`` steps of it, either way."""
    require_service(services, name)
    near = {name}
    for upward in (True, False):
        near.update(
            other
            for other, r in reach(services, name, upward=upward).items()
            if depth is None or r.distance <= depth
        )
    return drawing(services, near, focus=name)
