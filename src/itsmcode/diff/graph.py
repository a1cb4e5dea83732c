"""The service dependency graph for the blast radius, read light and cached.

The impact of a pull request needs every service's dependencies, but a diff should
cost in proportion to what changed. So the base snapshot's graph is built once from a
light read of the few fields it needs (name, tier, sla, dependsOn) and cached in the
git directory under the id of the services folder's tree: the same tree always
yields the same graph, so the cache never goes stale. The head side is the base graph
with the changed service files laid over it (``Overlay``), which the diff has parsed
anyway. The cache is an indexed SQLite file, so a warm run reads only the services
in the blast radius: nothing proportional to the repository is loaded.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from itsmcode.load.yamlio import YamlProblem, decode, load_value

#: Bumped when the cached format changes, so an old cache is simply not found.
#: 4: files read as YAML 1.2 (graphs cached by YAML 1.1 reads are not reused).
CACHE_VERSION = 4


class Node(NamedTuple):
    name: str
    tier: int | None
    sla: str | None
    depends_on: tuple[tuple[str, str], ...]
    #: Read for ``itsm impact``/``graph``; not stored in the cache (the diff needs none).
    owner: str | None = None


@dataclass
class Graph:
    """Service nodes by the path of their file, with the indexes the impact needs."""

    by_path: dict[str, Node] = field(default_factory=dict)

    @cached_property
    def by_name(self) -> dict[str, Node]:
        # Duplicate names are a lint error elsewhere; the first path wins here.
        out: dict[str, Node] = {}
        for path in sorted(self.by_path):
            out.setdefault(self.by_path[path].name, self.by_path[path])
        return out

    @cached_property
    def reverse(self) -> dict[str, list[str]]:
        """Service name -> names of the services that depend on it directly."""
        out: dict[str, list[str]] = {}
        for node in self.by_path.values():
            for dep, _ in node.depends_on:
                out.setdefault(dep, []).append(node.name)
        return out

    @cached_property
    def sla_users(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for node in self.by_path.values():
            if node.sla is not None:
                out.setdefault(node.sla, []).append(node.name)
        return out


def node_from_data(data: Any) -> Node | None:
    """The graph fields of one document's values, or None if it is not a service."""
    if not isinstance(data, dict) or data.get("kind") != "Service":
        return None
    meta, spec = data.get("metadata"), data.get("spec")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(name, str):
        return None
    spec = spec if isinstance(spec, dict) else {}
    tier = spec.get("tier")
    sla = spec.get("sla")
    owner = spec.get("owner")
    deps: list[tuple[str, str]] = []
    raw = spec.get("dependsOn")
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("service"), str):
            kind = item.get("type", "hard")
            deps.append((item["service"], kind if isinstance(kind, str) else "hard"))
    return Node(
        name,
        tier if isinstance(tier, int) and not isinstance(tier, bool) else None,
        sla if isinstance(sla, str) else None,
        tuple(deps),
        owner if isinstance(owner, str) else None,
    )


def light_node(data: bytes) -> Node | None:
    """One file read as the catalog reads it (YAML 1.2, so ``service: no`` names the
    service "no"), without validation: enough for the graph."""
    try:
        return node_from_data(load_value(decode(data)))
    except YamlProblem:
        return None  # not an entity for the catalog either; the diff reports it


def build(blobs: Mapping[str, bytes | None]) -> Graph:
    """A graph from the raw bytes of service files, by path."""
    graph = Graph()
    for path, data in blobs.items():
        node = light_node(data) if data is not None else None
        if node is not None:
            graph.by_path[path] = node
    return graph


class BaseGraph(Protocol):
    """What the impact asks of the base side's graph, however it is stored.

    Questions come in batches (one BFS level at a time), so a stored graph answers
    in a few queries however large the blast radius.
    """

    def nodes(self, names: Iterable[str]) -> dict[str, Node]: ...

    def dependents_of(self, names: Iterable[str]) -> dict[str, list[str]]: ...

    def users_of_sla(self, sla: str) -> list[str]: ...


class MemoryGraph:
    """A freshly built graph, answering from memory."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def nodes(self, names: Iterable[str]) -> dict[str, Node]:
        by_name = self.graph.by_name
        return {n: by_name[n] for n in names if n in by_name}

    def dependents_of(self, names: Iterable[str]) -> dict[str, list[str]]:
        reverse = self.graph.reverse
        return {n: reverse[n] for n in names if n in reverse}

    def users_of_sla(self, sla: str) -> list[str]:
        return self.graph.sla_users.get(sla, [])


_SCHEMA = """
CREATE TABLE meta (version INTEGER NOT NULL);
CREATE TABLE nodes (name TEXT PRIMARY KEY, tier INTEGER, sla TEXT);
CREATE TABLE edges (user TEXT NOT NULL, dep TEXT NOT NULL, type TEXT NOT NULL, pos INTEGER);
CREATE INDEX edges_by_dep ON edges (dep);
CREATE INDEX edges_by_user ON edges (user);
CREATE INDEX nodes_by_sla ON nodes (sla);
"""


#: Names per query; SQLite before 3.32 allows at most 999 parameters.
_CHUNK = 900


def _chunks(names: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(names))
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class SqliteGraph:
    """A cached graph answering by index lookups.

    A warm diff touches only the services in the blast radius, so its cost does not
    grow with the repository: no 10,000-node structure is loaded to find 20 of them.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def nodes(self, names: Iterable[str]) -> dict[str, Node]:
        rows: dict[str, tuple[Any, Any]] = {}
        deps: dict[str, list[tuple[str, str]]] = {}
        for chunk in _chunks(names):
            marks = ",".join("?" * len(chunk))
            for name, tier, sla in self.db.execute(
                f"SELECT name, tier, sla FROM nodes WHERE name IN ({marks})", chunk
            ):
                rows[name] = (tier, sla)
            for user, dep, kind in self.db.execute(
                f"SELECT user, dep, type FROM edges WHERE user IN ({marks}) ORDER BY user, pos",
                chunk,
            ):
                deps.setdefault(user, []).append((dep, kind))
        return {n: Node(n, t, s, tuple(deps.get(n, ()))) for n, (t, s) in rows.items()}

    def dependents_of(self, names: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for chunk in _chunks(names):
            marks = ",".join("?" * len(chunk))
            for dep, user in self.db.execute(
                f"SELECT DISTINCT dep, user FROM edges WHERE dep IN ({marks})", chunk
            ):
                out.setdefault(dep, []).append(user)
        return out

    def users_of_sla(self, sla: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM nodes WHERE sla = ?", (sla,))]


class GraphCache:
    """Graphs stored as SQLite files under the git directory, named by tree id."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, tree: str) -> Path:
        return self.directory / f"graph-v{CACHE_VERSION}-{tree}.sqlite"

    def load(self, tree: str) -> SqliteGraph | None:
        path = self._file(tree)
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            row = db.execute("SELECT version FROM meta").fetchone()
        except sqlite3.Error:
            return None  # damaged: rebuild
        if row is None or row[0] != CACHE_VERSION:
            db.close()
            return None
        return SqliteGraph(db)

    def store(self, tree: str, graph: Graph) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Built aside then renamed: a concurrent diff never reads half a file.
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            os.close(fd)
            db = sqlite3.connect(tmp)
            try:
                db.executescript(_SCHEMA)
                db.execute("INSERT INTO meta VALUES (?)", (CACHE_VERSION,))
                db.executemany(
                    "INSERT INTO nodes VALUES (?, ?, ?)",
                    ((n.name, n.tier, n.sla) for n in graph.by_name.values()),
                )
                db.executemany(
                    "INSERT INTO edges VALUES (?, ?, ?, ?)",
                    (
                        (n.name, d, t, i)
                        for n in graph.by_name.values()
                        for i, (d, t) in enumerate(n.depends_on)
                    ),
                )
                db.commit()
            finally:
                db.close()
            os.replace(tmp, self._file(tree))
        except (OSError, sqlite3.Error):
            pass  # a read-only .git only costs the speed-up


class Overlay:
    """The base graph with changed service files laid over it: the head side.

    Lookups prefer the head; the reverse edges are those of *both* sides, so a
    dependency removed by the change still carries its blast radius.
    """

    def __init__(self, base: BaseGraph, changed: Iterable[Node | None]) -> None:
        self.base = base
        self.head_nodes: dict[str, Node] = {}
        extra: dict[str, list[str]] = {}
        for node in changed:
            if node is None:
                continue
            self.head_nodes[node.name] = node
            for dep, _ in node.depends_on:
                extra.setdefault(dep, []).append(node.name)
        self.extra_reverse = extra
        self._base_nodes: dict[str, Node | None] = {}

    def prefetch(self, names: Iterable[str]) -> None:
        wanted = [n for n in names if n not in self._base_nodes]
        found = self.base.nodes(wanted)
        for name in wanted:
            self._base_nodes[name] = found.get(name)

    def node(self, name: str) -> Node | None:
        if name in self.head_nodes:
            return self.head_nodes[name]
        if name not in self._base_nodes:
            self.prefetch([name])
        return self._base_nodes[name]

    def dependents_of(self, names: Iterable[str]) -> dict[str, set[str]]:
        names = list(names)
        base = self.base.dependents_of(names)
        return {n: {*base.get(n, ()), *self.extra_reverse.get(n, ())} for n in names}

    def dependencies(self, name: str) -> set[str]:
        found: set[str] = set()
        if name not in self._base_nodes:
            self.prefetch([name])
        for node in (self.head_nodes.get(name), self._base_nodes[name]):
            if node is not None:
                found.update(d for d, _ in node.depends_on)
        return found

    def sla_users(self, slas: set[str]) -> set[str]:
        users = {u for s in slas for u in self.base.users_of_sla(s)}
        users.update(n.name for n in self.head_nodes.values() if n.sla in slas)
        return users


@dataclass(frozen=True)
class Reach:
    name: str
    distance: int
    via: tuple[str, ...]


class Dependents(Protocol):
    """Who depends directly on each of ``names`` (the Overlay, or any edge map)."""

    def dependents_of(self, names: Iterable[str]) -> Mapping[str, Iterable[str]]: ...


def dependents_closure(start: Iterable[str], graph: Dependents) -> dict[str, Reach]:
    """Every service depending on one in ``start``, transitively.

    Breadth first, one level per query, so each service gets its shortest chain
    (``via``: from the affected service to the one it depends on directly). Given the
    edges the other way round it walks dependencies instead (``itsm impact``).
    """
    seen: dict[str, Reach] = {}
    frontier = sorted(set(start))
    done = set(frontier)
    chains: dict[str, tuple[str, ...]] = {name: () for name in frontier}
    distance = 0
    while frontier:
        users = graph.dependents_of(frontier)
        distance += 1
        next_level: list[str] = []
        for name in frontier:
            for user in sorted(users.get(name, ())):
                if user in done:
                    continue
                done.add(user)
                chain = (*chains[name], name)
                chains[user] = chain
                seen[user] = Reach(user, distance, chain)
                next_level.append(user)
        frontier = next_level
    return seen
