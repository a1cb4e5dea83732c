"""Which commits the audit judges: by default those that touch the ITSM files.

A repository that also holds code (the bundled example at the project root is one)
must not see every code-only commit flagged as a direct commit without approval.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.scripted import POLICY, History, base_files, controls, service

SCOPE_ITSM = (
    "itsm: commits that change itsm.yaml, a kind's folder (catalog, changes, policy), "
    ".github/workflows/ or a path the policy's rules name"
)


@pytest.fixture
def mixed(tmp_path: Path) -> tuple[History, dict[str, str]]:
    h = History(tmp_path / "repo")
    shas = {
        "initial": h.commit("initial catalog", {**base_files(), "src/app.py": "x = 0\n"}),
        "code": h.commit("refactor", {"src/app.py": "x = 1\n", "README.md": "hi\n"}),
        "workflow": h.commit("tweak ci", {".github/workflows/itsm-gate.yml": "on: push\n"}),
        "both": h.commit(
            "code and catalog",
            {"src/app.py": "x = 2\n", "catalog/services/cache.yaml": service("cache", 2)},
        ),
    }
    return h, shas


def test_code_only_commits_are_outside_the_default_scope(
    mixed: tuple[History, dict[str, str]],
) -> None:
    h, shas = mixed
    doc = h.audit_json()
    assert [r["sha"] for r in doc["rows"]] == [shas["initial"], shas["workflow"], shas["both"]]
    assert doc["summary"]["outOfScope"] == 1
    assert doc["header"]["scope"] == SCOPE_ITSM
    # The workflow runs the gate and writes the records: a direct edit is a finding.
    assert controls(doc, shas["workflow"]) == ["direct-commit", "no-approval-record"]
    text = h.itsm("audit").stdout
    assert f"# scope: {SCOPE_ITSM}\n" in text
    assert "3 changes (0 pull requests, 3 direct commits; 1 commit outside the scope)" in text


def test_scope_all_judges_every_commit(mixed: tuple[History, dict[str, str]]) -> None:
    h, shas = mixed
    doc = h.audit_json("--scope", "all")
    assert [r["sha"] for r in doc["rows"]] == list(shas.values())
    assert controls(doc, shas["code"]) == ["direct-commit", "no-approval-record"]
    assert doc["header"]["scope"] == "all: every commit"
    assert "--scope all" in doc["header"]["command"]
    assert doc["summary"]["outOfScope"] == 0


def test_inverted_period_is_a_usage_error(mixed: tuple[History, dict[str, str]]) -> None:
    h, _ = mixed
    result = h.itsm("audit", "--since", "2026-10-05", "--until", "2026-10-01")
    assert result.exit_code == 2
    assert result.stderr == (
        "itsm: error: --since 2026-10-05 is after --until 2026-10-01: the period is empty; "
        "swap them\n"
    )


def test_bad_scope_is_a_usage_error(mixed: tuple[History, dict[str, str]]) -> None:
    h, _ = mixed
    result = h.itsm("audit", "--scope", "code")
    assert result.exit_code == 2
    assert "'code' is not one of 'itsm', 'all'" in result.stderr


def test_paths_the_policy_governs_are_in_scope(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    governed = POLICY.replace('"itsm.yaml"]', '"itsm.yaml", "runbooks/**"]')
    assert governed != POLICY
    h.commit("initial", {**base_files(), "processes/approval-policy.yaml": governed})
    runbook = h.commit("runbook", {"runbooks/restore.md": "Restore from backup.\n"})
    code = h.commit("code", {"src/app.py": "x = 1\n"})
    doc = h.audit_json()
    assert runbook in {r["sha"] for r in doc["rows"]}
    assert code not in {r["sha"] for r in doc["rows"]}
    assert controls(doc, runbook) == ["direct-commit", "no-approval-record"]
