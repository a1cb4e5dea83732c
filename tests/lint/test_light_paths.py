"""What the fast paths promise, checked by what a fresh interpreter actually imports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from itsmcode.cli.group import cli
try:
    cli.main(sys.argv[1:], prog_name="itsm")
except SystemExit:
    pass
loaded = sorted(
    m for m in sys.modules
    if m.startswith(("pydantic", "itsmcode.cli.")) and m != "itsmcode.cli.group"
)
print("LOADED", " ".join(loaded))
"""


def imported(args: list[str], cwd: Path, cache: Path) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED"))
    return line.split()[1:]


def test_version_imports_no_command(tmp_path: Path) -> None:
    assert imported(["--version"], tmp_path, tmp_path / "cache") == []


def test_an_unchanged_repository_is_linted_without_the_models(tmp_path: Path) -> None:
    root = tmp_path / "example"
    keep = shutil.ignore_patterns(".git", "src", "tests", "docs", "benchmarks", ".venv")
    shutil.copytree(PROJECT, root, ignore=keep)
    cache = tmp_path / "cache"
    first = imported(["lint"], root, cache)
    assert "pydantic" in first  # a cold run validates
    assert imported(["lint"], root, cache) == ["itsmcode.cli.lint_cmd", "itsmcode.cli.options"]
    (root / "catalog/services/search.yaml").write_text(
        (root / "catalog/services/search.yaml").read_text() + "# edited\n"
    )
    assert "pydantic" in imported(["lint"], root, cache)  # the edit is parsed and validated
