"""unknown-location: an ITSM file outside every kind's folder is found by a full lint
as it is when a pre-commit hook names it, so CI and pre-commit agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import CONFIG, found, lint_repo, messages, run_cli, service, write_repo

MISSPELT = "catalog/servics/ledger.yaml"
MISPLACED = "catalog/servics/api.yaml"


def diagnostics(root: Path, *paths: str) -> list[tuple[str, int, int, str, str]]:
    result = run_cli(["lint", "--format", "json", *paths], cwd=root)
    assert result.exit_code in (0, 1), result.output
    return [
        (d["path"], d["line"], d["column"], d["rule"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
    ]


def test_a_misspelt_folder_is_reported_by_a_full_lint(tmp_path: Path) -> None:
    write_repo(tmp_path, {MISSPELT: service("ledger")})
    result = lint_repo(tmp_path)
    assert found(result) == [(MISSPELT, 1, 1, "unknown-location")]
    assert messages(result) == [
        "this file is in no kind's folder (did you mean 'catalog/services'?), so no other "
        "rule and no approval rule reads it; Service files belong under catalog/services/"
    ]


def test_full_lint_and_a_pre_commit_run_agree(tmp_path: Path) -> None:
    write_repo(tmp_path, {MISSPELT: service("ledger"), "docs/old/api.yaml": service("api")})
    everything = diagnostics(tmp_path)
    assert [d[:4] for d in everything] == [
        (MISSPELT, 1, 1, "unknown-location"),
        ("docs/old/api.yaml", 1, 1, "unknown-location"),
    ]
    # pre-commit names the changed file: the same diagnostic, nothing more.
    assert diagnostics(tmp_path, MISSPELT) == [everything[0]]


def test_other_yaml_outside_the_folders_is_not_an_entity(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
            "docs/mkdocs.yml": "site_name: itsmcode/docs\n",  # mentions itsmcode/, no apiVersion
            "deploy/values.yaml": "image: {tag: latest}\n",
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_a_folder_of_a_practice_not_enabled_is_not_unknown(tmp_path: Path) -> None:
    # itsm init adds problems/ before the practice is enabled; that is a known place.
    config = CONFIG.replace("[catalog, sla, change, incident, problem]", "[catalog]")
    problem = (
        "apiVersion: itsmcode/v1\nkind: Problem\nmetadata: {name: prb-1}\n"
        "spec: {title: x, status: open, services: [ledger]}\n"
    )
    write_repo(tmp_path, {"problems/prb-1.yaml": problem}, config=config)
    assert found(lint_repo(tmp_path), "unknown-location") == []


def test_ignored_paths_are_not_reported(tmp_path: Path) -> None:
    config = CONFIG + "  lint: {ignore: ['fixtures/**']}\n"
    write_repo(tmp_path, {"fixtures/ledger.yaml": service("ledger")}, config=config)
    assert found(lint_repo(tmp_path)) == []


def test_a_misplaced_file_joins_no_other_rule(tmp_path: Path) -> None:
    # A stray copy named like a real service is not a duplicate: the catalog has one.
    write_repo(
        tmp_path,
        {"catalog/services/ledger.yaml": service("ledger"), MISSPELT: service("ledger")},
    )
    assert found(lint_repo(tmp_path)) == [(MISSPELT, 1, 1, "unknown-location")]


def test_the_lint_cache_sees_a_misplaced_file_appear_and_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cached result must depend on the files outside the folders too.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = write_repo(tmp_path / "repo", {"catalog/services/ledger.yaml": service("ledger")})
    assert diagnostics(root) == []
    assert diagnostics(root) == []  # warm
    (root / "catalog/servics").mkdir()
    (root / MISPLACED).write_text(service("api"), encoding="utf-8")
    assert [d[:4] for d in diagnostics(root)] == [(MISPLACED, 1, 1, "unknown-location")]
    (root / MISPLACED).unlink()
    assert diagnostics(root) == []
