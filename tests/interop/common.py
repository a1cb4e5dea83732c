"""Helpers for the import/export tests: an ITSM repository to import into, the real CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from tests.helpers import run_cli

BACKSTAGE = Path(__file__).resolve().parents[1] / "data" / "backstage"

CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: adopt}
spec: {practices: [catalog, sla, change]}
"""


def empty_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "itsm.yaml").write_text(CONFIG, encoding="utf-8")
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def import_json(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(["import", *args, "--repo", str(root), "--format", "json"])
    return result.exit_code, json.loads(result.output)


def lint_json(root: Path) -> tuple[int, dict[str, Any]]:
    result = run_cli(["lint", "--repo", str(root), "--strict", "--format", "json"])
    return result.exit_code, json.loads(result.output)


def files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
