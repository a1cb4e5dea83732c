"""Every Mermaid diagram itsmcode writes, parsed by Mermaid's own parser (the npm
package, headless in node: tests/mermaid/). Skipped where node or the package is not
installed (.ci/run installs it with npm ci)."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest

from itsmcode.reporters.graph import mermaid
from itsmcode.reports.graph import Drawing, NodeInfo
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "tests" / "mermaid"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (CHECKER / "node_modules" / "mermaid").is_dir(),
    reason="node or tests/mermaid/node_modules missing (npm ci --prefix tests/mermaid)",
)


def parse(tmp_path: Path, diagrams: list[str]) -> list[str]:
    files = []
    for i, text in enumerate(diagrams):
        path = tmp_path / f"d{i}.mmd"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        ["node", str(CHECKER / "parse.mjs"), *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return done.stdout.splitlines()


def test_graph_impact_and_diff_mermaid_parse(tmp_path: Path) -> None:
    graph = run_cli(["graph", "--repo", str(ROOT)]).output
    near = run_cli(["graph", "--repo", str(ROOT), "--service", "checkout-api", "--depth", "1"])
    impact = run_cli(["impact", "postgres-primary", "--repo", str(ROOT), "--format", "mermaid"])
    hostile = StringIO()
    mermaid.report(
        Drawing(
            (NodeInfo('a"] --> x["b', 1, "t"), NodeInfo("c<br/>;%%", None, None)),
            (('a"] --> x["b', "c<br/>;%%", "soft"),),
            focus='a"] --> x["b',
        ),
        hostile,
    )
    assert (
        parse(tmp_path, [graph, near.output, impact.output, hostile.getvalue()])
        == ["ok flowchart-v2"] * 4
    )


def test_the_checker_rejects_broken_mermaid(tmp_path: Path) -> None:
    """The parser really parses: a broken diagram is refused."""
    [line] = parse(tmp_path, ["flowchart LR\n  a[[[ --> \n"])
    assert line.startswith("error ")
    assert re.search(r"Expecting", line)
