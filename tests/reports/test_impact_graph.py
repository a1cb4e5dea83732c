"""``itsm impact`` and ``itsm graph`` through the real CLI, expected values by hand."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli, service, write_repo

ROOT = Path(__file__).resolve().parents[2]


def small(tmp_path: Path) -> Path:
    """web -soft-> api -hard-> db;  web -hard-> cache;  worker -hard-> db;  api -hard-> cache."""
    return write_repo(
        tmp_path,
        {
            "catalog/services/db.yaml": service("db", tier=1),
            "catalog/services/cache.yaml": service("cache", tier=2),
            "catalog/services/api.yaml": service(
                "api",
                tier=2,
                extra="dependsOn: [{service: db}, {service: cache}]",
            ),
            "catalog/services/web.yaml": service(
                "web",
                tier=1,
                owner="storefront",
                extra="dependsOn: [{service: api, type: soft}, {service: cache}]",
            ),
            "catalog/services/worker.yaml": service(
                "worker", tier=4, extra="dependsOn: [{service: db}]"
            ),
            "catalog/teams/storefront.yaml": "apiVersion: itsmcode/v1\nkind: Team\n"
            "metadata: {name: storefront}\nspec:\n  members: [{github: carol}]\n",
        },
    )


def test_example_impact_of_postgres_primary_names_every_dependent() -> None:
    result = run_cli(["impact", "postgres-primary", "--repo", str(ROOT), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["service"] == "postgres-primary"
    assert {d["service"] for d in data["dependents"]} == {
        "customer-accounts",
        "payments-api",
        "checkout-api",
        "storefront-web",
        "inventory-service",
        "order-service",
        "product-catalog",
        "recommendations",
        "customer-support-portal",
        "loyalty-program",
        "warehouse-management",
    }
    assert data["dependencies"] == []


def test_impact_json_paths_tiers_owners_and_hardness(tmp_path: Path) -> None:
    result = run_cli(["impact", "db", "--repo", str(small(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "service": "db",
        "tier": 1,
        "owner": "payments",
        "dependents": [
            # web reaches db only through its soft dependency on api.
            {
                "service": "web",
                "tier": 1,
                "owner": "storefront",
                "path": ["web", "api", "db"],
                "hard": False,
            },
            {"service": "api", "tier": 2, "owner": "payments", "path": ["api", "db"], "hard": True},
            {
                "service": "worker",
                "tier": 4,
                "owner": "payments",
                "path": ["worker", "db"],
                "hard": True,
            },
        ],
        "dependencies": [],
    }
    down = run_cli(["impact", "web", "--repo", str(small(tmp_path)), "--format", "json"])
    assert json.loads(down.output)["dependencies"] == [
        {
            "service": "db",
            "tier": 1,
            "owner": "payments",
            "path": ["web", "api", "db"],
            "hard": False,
        },
        {"service": "api", "tier": 2, "owner": "payments", "path": ["web", "api"], "hard": False},
        {
            "service": "cache",
            "tier": 2,
            "owner": "payments",
            "path": ["web", "cache"],
            "hard": True,
        },
    ]


def test_impact_text_says_who_to_tell(tmp_path: Path) -> None:
    result = run_cli(["impact", "db", "--repo", str(small(tmp_path))])
    assert result.output == (
        "db (tier 1, owner payments)\n"
        "\n"
        "If db is down: 3 dependent services (2 through hard dependencies only), highest tier 1\n"
        "Tell: storefront, payments\n"
        "  tier 1   web     storefront  soft  web → api → db\n"
        "  tier 2   api     payments    hard  api → db\n"
        "  tier 4   worker  payments    hard  worker → db\n"
        "\n"
        "db depends on no other service.\n"
    )


def test_unknown_service_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    result = run_cli(["impact", "wbe", "--repo", str(small(tmp_path))])
    assert result.exit_code == 2
    assert result.output == "itsm: error: no service named 'wbe' (did you mean 'web'?)\n"
    graph = run_cli(["graph", "--service", "dbb", "--repo", str(small(tmp_path))])
    assert (graph.exit_code, graph.output) == (
        2,
        "itsm: error: no service named 'dbb' (did you mean 'db'?)\n",
    )


def test_graph_mermaid_colours_tiers_and_dashes_soft_edges(tmp_path: Path) -> None:
    result = run_cli(["graph", "--repo", str(small(tmp_path))])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  s0["api<br/>tier 2"]' in lines  # sorted: api cache db web worker
    assert "  class s0 tier2" in lines
    assert "  classDef tier1 fill:#f8d7da,stroke:#333" in lines
    assert "  s3 -.-> s0" in lines  # web -soft-> api
    assert "  s3 --> s1" in lines  # web -hard-> cache
    assert "  s4 --> s2" in lines  # worker -> db


def test_graph_depth_keeps_the_neighbourhood(tmp_path: Path) -> None:
    result = run_cli(
        [
            "graph",
            "--repo",
            str(small(tmp_path)),
            "--service",
            "db",
            "--depth",
            "1",
            "--format",
            "dot",
        ]
    )
    assert result.output == (
        "digraph services {\n"
        "  rankdir=LR;\n"
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];\n'
        '  "api" [label="api\\ntier 2", fillcolor="#ffe5b4"];\n'
        '  "db" [label="db\\ntier 1", fillcolor="#f8d7da", penwidth=3];\n'
        '  "worker" [label="worker\\ntier 4", fillcolor="#e9ecef"];\n'
        '  "api" -> "db";\n'
        '  "worker" -> "db";\n'
        "}\n"
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
@pytest.mark.parametrize(
    "command", [["graph", "--format", "dot"], ["impact", "postgres-primary", "--format", "dot"]]
)
def test_graphviz_renders_the_dot(command: list[str]) -> None:
    result = run_cli([*command, "--repo", str(ROOT)])
    done = subprocess.run(
        ["dot", "-Tsvg"], input=result.output, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "<title>postgres&#45;primary</title>" in done.stdout


def test_dot_quotes_hostile_names() -> None:
    from io import StringIO

    from itsmcode.reporters.graph import dot
    from itsmcode.reports.graph import Drawing, NodeInfo

    out = StringIO()
    dot.report(Drawing((NodeInfo('a"]; evil -> x [', 1, "t"),), ()), out)
    assert '  "a\\"]; evil -> x [" [label="a\\"]; evil -> x [\\ntier 1"' in out.getvalue()
    if shutil.which("dot"):
        done = subprocess.run(
            ["dot", "-Tplain"], input=out.getvalue(), capture_output=True, text=True, check=False
        )
        assert done.returncode == 0
        assert done.stdout.count("\nnode ") == 1  # one node, no injected edge


def test_a_dependency_cycle_neither_loops_nor_lists_the_service_itself(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "catalog/services/a.yaml": service("a", tier=2, extra="dependsOn: [{service: b}]"),
            "catalog/services/b.yaml": service(
                "b", tier=3, extra="dependsOn: [{service: a, type: soft}, {service: ghost}]"
            ),
        },
    )
    data = json.loads(run_cli(["impact", "a", "--repo", str(root), "--format", "json"]).output)
    assert data["dependents"] == [
        {"service": "b", "tier": 3, "owner": "payments", "path": ["b", "a"], "hard": False}
    ]
    assert data["dependencies"] == [
        {"service": "b", "tier": 3, "owner": "payments", "path": ["a", "b"], "hard": True},
        # A dependency the catalog does not hold (ref-exists reports it) is still listed.
        {
            "service": "ghost",
            "tier": None,
            "owner": None,
            "path": ["a", "b", "ghost"],
            "hard": True,
        },
    ]
    graph = run_cli(["graph", "--repo", str(root), "--format", "dot"]).output
    assert '  "ghost" [label="ghost\\nnot in the catalog", fillcolor="#ffffff"];' in graph


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--depth", "1"], "itsm: error: --depth needs --service\n"),
        (["--service", "db", "--depth", "-1"], "itsm: error: --depth -1: give 0 or more steps\n"),
    ],
)
def test_graph_depth_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(["graph", "--repo", str(small(tmp_path)), *args])
    assert (result.exit_code, result.output) == (2, message)


def test_depth_zero_is_the_service_alone(tmp_path: Path) -> None:
    result = run_cli(["graph", "--repo", str(small(tmp_path)), "--service", "api", "--depth", "0"])
    assert [line for line in result.output.splitlines() if "[" in line] == [
        '  s0["api<br/>tier 2"]'
    ]


def test_impact_mermaid_draws_the_service_and_its_neighbours(tmp_path: Path) -> None:
    result = run_cli(["impact", "api", "--repo", str(small(tmp_path)), "--format", "mermaid"])
    assert result.output == (
        "flowchart LR\n"
        "  classDef tier1 fill:#f8d7da,stroke:#333\n"
        "  classDef tier2 fill:#ffe5b4,stroke:#333\n"
        "  classDef tier3 fill:#fff3bf,stroke:#333\n"
        "  classDef tier4 fill:#e9ecef,stroke:#333\n"
        "  classDef tier0 fill:#ffffff,stroke:#333\n"
        "  classDef focus stroke-width:4px\n"
        '  s0["api<br/>tier 2"]\n'
        "  class s0 tier2\n"
        '  s1["cache<br/>tier 2"]\n'
        "  class s1 tier2\n"
        '  s2["db<br/>tier 1"]\n'
        "  class s2 tier1\n"
        '  s3["web<br/>tier 1"]\n'
        "  class s3 tier1\n"
        "  s0 --> s2\n"
        "  s0 --> s1\n"
        "  s3 -.-> s0\n"
        "  s3 --> s1\n"
        "  class s0 focus\n"
    )


def test_impact_at_a_past_commit_reads_the_catalog_there(tmp_path: Path) -> None:
    from tests.diff.gitrepo import GitRepo

    root = small(tmp_path)
    repo = GitRepo(root).init()
    repo.commit("one")
    repo.delete("catalog/services/worker.yaml")
    now = json.loads(run_cli(["impact", "db", "--repo", str(root), "--format", "json"]).output)
    then = json.loads(
        run_cli(["impact", "db", "--repo", str(root), "--format", "json", "--at", "HEAD"]).output
    )
    assert [d["service"] for d in now["dependents"]] == ["web", "api"]
    assert [d["service"] for d in then["dependents"]] == ["web", "api", "worker"]
    assert then["dependents"][2] == {
        "service": "worker",
        "tier": 4,
        "owner": "payments",
        "path": ["worker", "db"],
        "hard": True,
    }


def test_a_broken_service_file_does_not_stop_the_map(tmp_path: Path) -> None:
    """A file that is not YAML is left out (lint reports it); one that is YAML but breaks
    the schema still shows what it depends on, so its owner hears about an outage."""
    root = small(tmp_path)
    (root / "catalog/services/broken.yaml").write_text("kind: Service\nmetadata: {name: x\n")
    (root / "catalog/services/odd.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: odd}\n"
        "spec: {tier: high, owner: payments, dependsOn: [{service: db}]}\n"
    )
    data = json.loads(run_cli(["impact", "db", "--repo", str(root), "--format", "json"]).output)
    assert data["dependents"][-1] == {
        "service": "odd",
        "tier": None,
        "owner": "payments",
        "path": ["odd", "db"],
        "hard": True,
    }


def test_the_cached_map_follows_every_edit(tmp_path: Path) -> None:
    """Run twice (the second from the lint cache), then edit, add and delete service
    files: each answer is the one a run without the cache gives."""
    root = small(tmp_path / "repo")

    def dependents(*extra: str) -> list[str]:
        result = run_cli(["impact", "db", "--repo", str(root), "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        return [d["service"] for d in json.loads(result.output)["dependents"]]

    assert dependents() == dependents() == ["web", "api", "worker"]
    (root / "catalog/services/worker.yaml").write_text(service("worker", tier=4))
    assert dependents() == dependents("--no-cache") == ["web", "api"]
    (root / "catalog/services/batch.yaml").write_text(
        service("batch", tier=3, extra="dependsOn: [{service: worker}, {service: db}]")
    )
    assert dependents() == dependents("--no-cache") == ["web", "api", "batch"]
    (root / "catalog/services/api.yaml").unlink()
    assert dependents() == dependents("--no-cache") == ["batch"]
