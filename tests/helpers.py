"""Shared test helpers: real repositories in temp dirs, the real lint, the real CLI."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from pathlib import Path

from click.testing import CliRunner, Result

from itsmcode.cli.group import cli
from itsmcode.diagnostics import LintResult
from itsmcode.lint.engine import LintOptions, lint

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)

CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: test-org}
spec:
  timezone: Europe/Berlin
  practices: [catalog, sla, change, incident, problem]
"""

TEAM = """\
apiVersion: itsmcode/v1
kind: Team
metadata: {name: payments}
spec:
  members:
    - {github: alice, role: lead}
    - {github: bob}
"""


def service(
    name: str, *, tier: int = 3, lifecycle: str = "live", owner: str = "payments", extra: str = ""
) -> str:
    """A valid Service file; ``extra`` is appended inside ``spec`` (indent 2)."""
    body = f"""\
apiVersion: itsmcode/v1
kind: Service
metadata: {{name: {name}}}
spec:
  type: technical
  tier: {tier}
  lifecycle: {lifecycle}
  owner: {owner}
"""
    return body + textwrap.indent(textwrap.dedent(extra).lstrip("\n"), "  ") if extra else body


def change_request(
    name: str,
    *,
    type: str = "normal",
    services: str = "[api]",
    risk: str = "low",
    start: str = "2026-12-02T22:00:00+01:00",
    end: str = "2026-12-02T23:30:00+01:00",
    plan: str = "{implementation: Do it., backout: Undo it.}",
    status: str = "planned",
    extra: str = "",
) -> str:
    """A ChangeRequest file with fixed line numbers: 5 type, 6 services, 7 requester
    (alice), 8 risk, 9 window, 10 plan, 11 status, 12+ ``extra`` (indent 2)."""
    body = f"""\
apiVersion: itsmcode/v1
kind: ChangeRequest
metadata: {{name: {name}}}
spec:
  type: {type}
  services: {services}
  requester: alice
  risk: {risk}
  window: {{start: "{start}", end: "{end}"}}
  plan: {plan}
  status: {status}
"""
    return body + textwrap.indent(textwrap.dedent(extra).lstrip("\n"), "  ") if extra else body


def write_repo(
    root: Path, files: dict[str, str], *, config: str = CONFIG, with_team: bool = True
) -> Path:
    """Write an ITSM repository: itsm.yaml, a 'payments' team, and ``files``."""
    all_files = {
        "itsm.yaml": config,
        **({"catalog/teams/payments.yaml": TEAM} if with_team else {}),
    }
    all_files.update(files)
    for path, text in all_files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8"
        )
    return root


def lint_repo(root: Path, *, now: datetime = NOW) -> LintResult:
    return lint(root, LintOptions(now=now))


def found(result: LintResult, rule: str | None = None) -> list[tuple[str, int, int, str]]:
    """(path, line, column, rule) of each diagnostic, optionally of one rule only."""
    return [
        (d.location.path, d.location.line, d.location.column, d.rule)
        for d in result.diagnostics
        if rule is None or d.rule == rule
    ]


def messages(result: LintResult, rule: str | None = None) -> list[str]:
    return [d.message for d in result.diagnostics if rule is None or d.rule == rule]


def run_cli(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Invoke the real ``itsm`` command; cwd is changed for the call."""
    import os

    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(cli, args, env=env, catch_exceptions=False, prog_name="itsm")
    finally:
        os.chdir(old)
