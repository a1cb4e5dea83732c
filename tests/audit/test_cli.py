"""The commands as users run them: help, text output, repositories without history."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.audit.scripted import BASE_ENV, History, base_files, service
from tests.helpers import run_cli


def test_help_describes_every_option() -> None:
    audit = run_cli(["audit", "--help"])
    assert audit.exit_code == 0
    for option in (
        "--since",
        "--until",
        "--range",
        "--branch",
        "--ledger",
        "--fail-on-violation",
        "--format",
        "--notes-ref",
        "--now",
    ):
        assert option in audit.stdout
    history = run_cli(["history", "--help"])
    assert history.exit_code == 0 and "KIND NAME" in history.stdout
    lint = run_cli(["lint", "--help"])
    assert "--at REF|DATE" in lint.stdout


def test_text_report(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    merged = h.pull_request(1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)})
    h.approve(merged, "alice", ["bob"])
    result = h.itsm("audit")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# tool: itsmcode\n# version: ")
    assert f"{merged.merge[:12]} 2026-10-01T12:00:00+00:00 PR #1 signature: unsigned" in out
    assert "  Service ledger: spec.tier 3 -> 2\n" in out
    assert "  approved by: bob (2026-10-01T11:30:00+00:00)\n" in out
    assert "  recorded decision: approved; re-evaluated with processes/approval-policy.yaml@" in out
    assert "2 changes (1 pull request, 1 direct commit), 2 violations" in out
    assert result.stderr == ""  # no progress bar without a terminal


def test_repository_without_commits(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, env=BASE_ENV)
    (root / "itsm.yaml").write_text(base_files()["itsm.yaml"])
    for command in (["audit"], ["history", "Service", "ledger"]):
        result = run_cli(command, cwd=root)
        assert result.exit_code == 2
        assert "no commits yet" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_not_a_git_repository(tmp_path: Path) -> None:
    (tmp_path / "itsm.yaml").write_text(base_files()["itsm.yaml"])
    result = run_cli(["audit"], cwd=tmp_path)
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr


def test_branch_defaults_to_head_without_main(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    h.git("branch", "-m", "main", "trunk")
    doc = h.audit_json()
    assert doc["header"]["branch"] == "HEAD" and len(doc["rows"]) == 1
    assert h.audit_json("--branch", "trunk")["header"]["head"] == h.rev("trunk")


def test_itsm_root_in_a_subfolder(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial", {f"ops/itsm/{p}": t for p, t in base_files().items()})
    merged = h.pull_request(
        1, "alice", {"ops/itsm/catalog/services/ledger.yaml": service("ledger", 2)}
    )
    h.approve(merged, "alice", ["bob"])
    result = run_cli(["audit", "--format", "json"], cwd=h.root / "ops" / "itsm")
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.stdout)["rows"]
    assert rows[1]["violations"] == []
    assert rows[1]["entities"][0]["path"] == "catalog/services/ledger.yaml"


def test_every_control_is_documented() -> None:
    from itsmcode.audit.controls import CONTROLS

    docs = (Path(__file__).parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
    missing = [c for c in CONTROLS if f"| `{c}` |" not in docs]
    assert missing == []
    assert "--scope" in run_cli(["audit", "--help"]).stdout
    assert "--acknowledge-rewrite" in run_cli(["audit", "--help"]).stdout
