"""Real git repositories in temp dirs for the diff tests (like pre-commit's in_git_dir)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from click.testing import Result

from tests.helpers import CONFIG, TEAM, change_request, run_cli, service

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": os.environ.get("HOME", "/tmp"),
}

SLA_GOLD = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: gold}
spec:
  availability: {target: 99.95, window: 30d}
  targets:
    P1: {response: 15m, resolution: 4h}
    P2: {response: 1h, resolution: 1d}
"""


def change(
    name: str,
    *,
    status: str = "planned",
    type_: str = "normal",
    services: str = "[ledger]",
    window: str = "2026-12-02T22:00:00+01:00",
    extra: str = "",
) -> str:
    return change_request(
        name, type=type_, services=services, start=window, status=status, extra=extra
    )


def base_files() -> dict[str, str]:
    """A small catalog: web -> api -> ledger (hard), api -> cache (soft)."""
    return {
        "itsm.yaml": CONFIG,
        "catalog/teams/payments.yaml": TEAM,
        "catalog/slas/gold.yaml": SLA_GOLD,
        "catalog/services/ledger.yaml": service("ledger", tier=1, extra="sla: gold\n"),
        "catalog/services/cache.yaml": service("cache", tier=3),
        "catalog/services/api.yaml": service(
            "api",
            tier=2,
            extra="""
            dependsOn:
              - {service: ledger, type: hard}
              - {service: cache, type: soft}
            """,
        ),
        "catalog/services/web.yaml": service(
            "web",
            tier=1,
            extra="""
            sla: gold
            dependsOn:
              - {service: api, type: hard}
            """,
        ),
        "changes/2026/chg-1.yaml": change("chg-1"),
    }


class GitRepo:
    """A work tree with helpers to write, commit and run ``itsm`` in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd or self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **GIT_ENV},
            check=True,
        )
        return done.stdout.strip()

    def init(self) -> GitRepo:
        self.git("init", "-q", "-b", "main")
        return self

    def write(self, files: dict[str, str], at: Path | None = None) -> None:
        for path, text in files.items():
            target = (at or self.root) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def delete(self, *paths: str) -> None:
        for path in paths:
            (self.root / path).unlink()

    def commit(self, message: str = "change", files: dict[str, str] | None = None) -> str:
        if files:
            self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def itsm(self, *args: str, cwd: Path | None = None) -> Result:
        return run_cli(list(args), cwd=cwd or self.root)

    def diff_json(self, *args: str, cwd: Path | None = None) -> dict[str, Any]:
        result = self.itsm("diff", "--format", "json", *args, cwd=cwd)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]


def entity(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found = [e for e in doc["entities"] if e["name"] == name]
    assert len(found) == 1, [e["name"] for e in doc["entities"]]
    return found[0]


def field_ops(entity_doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["path"], f["op"]) for f in entity_doc["fields"]]


def meanings(entity_doc: dict[str, Any]) -> list[str]:
    return [m["type"] for m in entity_doc["meanings"]]
