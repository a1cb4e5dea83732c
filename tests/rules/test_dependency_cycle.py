"""dependency-cycle: cycles in Service dependsOn, reported on every member (errors)."""

from __future__ import annotations

from pathlib import Path

from itsmcode.diagnostics import Severity
from itsmcode.lint.rules.dependency_cycle import render, shortest_cycle, strongly_connected
from tests.helpers import found, lint_repo, messages, service, write_repo

RULE = "dependency-cycle"
FIX = "; break it by removing this entry or another dependency on the cycle"


def depends(name: str, *deps: str, soft: bool = False) -> str:
    """A service whose dependsOn entries start on line 10, one per line, value column 17."""
    kind = "soft" if soft else "hard"
    entries = "".join(f"  - {{service: {d}, type: {kind}}}\n" for d in deps)
    return service(name, extra="dependsOn:\n" + entries)


def path(name: str) -> str:
    return f"catalog/services/{name}.yaml"


def test_acyclic_graph_is_clean(tmp_path: Path) -> None:
    # A diamond: two paths to the same service are not a cycle.
    write_repo(
        tmp_path,
        {
            path("api"): depends("api", "ledger", "auth"),
            path("ledger"): depends("ledger", "db"),
            path("auth"): depends("auth", "db"),
            path("db"): service("db"),
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_two_cycle_reported_on_both_members(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {path("api"): depends("api", "ledger"), path("ledger"): depends("ledger", "api")},
    )
    result = lint_repo(tmp_path)
    assert found(result) == [(path("api"), 10, 17, RULE), (path("ledger"), 10, 17, RULE)]
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR, Severity.ERROR]
    assert messages(result) == [
        "dependency cycle: api -> ledger -> api" + FIX,
        "dependency cycle: ledger -> api -> ledger" + FIX,
    ]


def test_cycle_located_at_the_entry_that_leads_on(tmp_path: Path) -> None:
    # a's second entry (line 11) continues the cycle; its first entry does not.
    write_repo(
        tmp_path,
        {
            path("a"): depends("a", "db", "b"),
            path("b"): depends("b", "c"),
            path("c"): depends("c", "a"),
            path("db"): service("db"),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [
        (path("a"), 11, 17, RULE),
        (path("b"), 10, 17, RULE),
        (path("c"), 10, 17, RULE),
    ]
    assert messages(result) == [
        "dependency cycle: a -> b -> c -> a" + FIX,
        "dependency cycle: b -> c -> a -> b" + FIX,
        "dependency cycle: c -> a -> b -> c" + FIX,
    ]


def test_self_dependency(tmp_path: Path) -> None:
    write_repo(tmp_path, {path("api"): depends("api", "db", "api"), path("db"): service("db")})
    result = lint_repo(tmp_path)
    assert found(result) == [(path("api"), 11, 17, RULE)]
    assert messages(result) == ["service 'api' depends on itself; remove this entry"]


def test_soft_dependencies_close_cycles_too(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            path("api"): depends("api", "ledger"),
            path("ledger"): depends("ledger", "api", soft=True),
        },
    )
    assert found(lint_repo(tmp_path), RULE) == [
        (path("api"), 10, 17, RULE),
        (path("ledger"), 10, 17, RULE),
    ]


def test_knot_prints_one_cycle_and_names_the_rest(tmp_path: Path) -> None:
    # a <-> b and b <-> c: one tangle; the shortest cycle through 'a' is printed.
    write_repo(
        tmp_path,
        {
            path("a"): depends("a", "b"),
            path("b"): depends("b", "a", "c"),
            path("c"): depends("c", "b"),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [(path("a"), 10, 17, RULE), (path("b"), 10, 17, RULE)]
    assert messages(result) == [
        "dependency cycle: a -> b -> a (intertwined with further cycles through c)" + FIX,
        "dependency cycle: b -> a -> b (intertwined with further cycles through c)" + FIX,
    ]


def test_unknown_dependency_is_left_to_ref_exists(tmp_path: Path) -> None:
    write_repo(tmp_path, {path("api"): depends("api", "ghost")})
    assert found(lint_repo(tmp_path)) == [(path("api"), 10, 17, "ref-exists")]


def test_invalid_service_breaks_no_cycle_check(tmp_path: Path) -> None:
    # ledger has a schema error, so its edges are unknown; api's entry still resolves.
    write_repo(
        tmp_path,
        {
            path("api"): depends("api", "ledger"),
            path("ledger"): depends("ledger", "api").replace("tier: 3", "tier: 9"),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result, RULE) == []
    assert found(result, "schema") == [(path("ledger"), 6, 9, "schema")]


def test_long_cycle_is_elided_in_the_message(tmp_path: Path) -> None:
    names = [f"s{i:02d}" for i in range(1, 16)]
    files = {path(name): depends(name, names[(i + 1) % len(names)]) for i, name in enumerate(names)}
    write_repo(tmp_path, files)
    result = lint_repo(tmp_path)
    assert found(result) == [(path(name), 10, 17, RULE) for name in names]
    assert messages(result)[0] == (
        "dependency cycle: s01 -> s02 -> s03 -> s04 -> s05 -> s06 -> ... (3 more) -> "
        "s10 -> s11 -> s12 -> s13 -> s14 -> s15 -> s01 (15 services)" + FIX
    )
    assert messages(result)[14].startswith("dependency cycle: s15 -> s01 -> s02 ->")


def test_scc_is_iterative_and_linear_on_a_huge_cycle() -> None:
    # 20,000 services in one ring plus a tail: a recursive search would overflow.
    n = 20_000
    graph = {f"s{i}": [f"s{(i + 1) % n}"] for i in range(n)}
    graph["tail"] = ["s0"]
    components = strongly_connected(graph)
    ring = max(components, key=len)
    assert len(ring) == n
    assert sorted(len(c) for c in components) == [1, n]
    cycle = shortest_cycle("s0", graph, set(ring))
    assert len(cycle) == n and cycle[:2] == ["s0", "s1"]
    assert render(cycle, 5).startswith("s5 -> s6 -> ")


def test_scc_separates_independent_cycles() -> None:
    graph = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": ["c"], "e": ["e"]}
    assert sorted(sorted(c) for c in strongly_connected(graph)) == [
        ["a", "b"],
        ["c", "d"],
        ["e"],
    ]
