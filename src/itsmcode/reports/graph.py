"""The service dependency graph as a drawing's data (``itsm graph``, ``itsm impact``).

Nodes carry their tier and owner (for colour and labels); edges point from a service to
one it depends on, ``hard`` or ``soft``. ``--service S --depth N`` keeps the services
within N dependency steps of S, either way (dependents and dependencies).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from itsmcode.diff.graph import Reach, dependents_closure
from itsmcode.errors import ConfigError
from itsmcode.load.catalog import Catalog
from itsmcode.models import Service
from itsmcode.suggest import did_you_mean


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


def services_by_name(catalog: Catalog) -> dict[str, Service]:
    return {service.name: service for service in catalog.all(Service)}


def require_service(catalog: Catalog, name: str) -> None:
    """A usage error (exit 2) with a did-you-mean when ``name`` is no service."""
    known = catalog.names("Service")
    if name not in known:
        raise ConfigError(f"no service named '{name}'{did_you_mean(name, known)}")


def reverse_edges(catalog: Catalog, *, hard_only: bool = False) -> dict[str, list[str]]:
    """Service -> the services depending on it directly (through hard edges only)."""
    out: dict[str, list[str]] = {}
    for user, deps in catalog.dependencies.items():
        for dep, kind in deps:
            if not hard_only or kind == "hard":
                out.setdefault(dep, []).append(user)
    return out


def forward_edges(catalog: Catalog, *, hard_only: bool = False) -> dict[str, list[str]]:
    """Service -> the services it depends on directly (through hard edges only)."""
    return {
        user: [dep for dep, kind in deps if not hard_only or kind == "hard"]
        for user, deps in catalog.dependencies.items()
    }


def reach(
    catalog: Catalog, name: str, *, upward: bool, hard_only: bool = False
) -> dict[str, Reach]:
    """Dependents (``upward``) or dependencies of ``name``, each with a shortest chain."""
    edges = (
        reverse_edges(catalog, hard_only=hard_only)
        if upward
        else forward_edges(catalog, hard_only=hard_only)
    )
    found = dependents_closure([name], EdgeMap(edges))
    found.pop(name, None)  # a cycle back to the start (dependency-cycle reports it)
    return found


def drawing(
    catalog: Catalog, names: Iterable[str] | None = None, focus: str | None = None
) -> Drawing:
    """The services ``names`` (all when None) and the edges among them."""
    services = services_by_name(catalog)
    keep = set(services) if names is None else set(names)
    # A dependency on a service that is not in the catalog is drawn, without a tier.
    for user, deps in catalog.dependencies.items():
        if user in keep and names is None:
            keep.update(dep for dep, _ in deps)
    nodes = tuple(
        NodeInfo(
            name,
            services[name].spec.tier if name in services else None,
            services[name].spec.owner if name in services else None,
        )
        for name in sorted(keep)
    )
    edges = tuple(
        (user, dep, kind)
        for user in sorted(keep)
        for dep, kind in catalog.dependencies.get(user, [])
        if dep in keep
    )
    return Drawing(nodes, edges, focus)


def neighbourhood(catalog: Catalog, name: str, depth: int | None) -> Drawing:
    """``name`` and the services within ``depth`` steps of it, either way."""
    require_service(catalog, name)
    near = {name}
    for upward in (True, False):
        near.update(
            other
            for other, r in reach(catalog, name, upward=upward).items()
            if depth is None or r.distance <= depth
        )
    return drawing(catalog, near, focus=name)
