"""Acceptance: the bundled example repository, committed into git, and a realistic pull
request on top of it, shown in all three formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from itsmcode.diff.jsonschema import DIFF_SCHEMA
from tests.diff.gitrepo import GitRepo

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLE = ("itsm.yaml", "catalog", "changes", "processes")


@pytest.fixture
def example(tmp_path: Path) -> GitRepo:
    if not all((PROJECT / p).exists() for p in EXAMPLE):
        pytest.skip("the example repository is not in this checkout")
    repo = GitRepo(tmp_path / "example").init()
    for part in EXAMPLE:
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, repo.root / part)
        else:
            shutil.copy(source, repo.root / part)
    repo.commit("example repository")
    repo.git("checkout", "-q", "-b", "pr")

    def edit(path: str, old: str, new: str) -> None:
        target = repo.root / path
        text = target.read_text(encoding="utf-8")
        assert old in text, (path, old)
        target.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit(
        "catalog/slas/gold.yaml",
        "P2: {response: 30m, resolution: 8h}",
        "P2: {response: 1h, resolution: 8h}",
    )
    edit("catalog/services/payments-api.yaml", "tier: 1", "tier: 2")
    edit("changes/2026/chg-2026-0043.yaml", "status: planned", "status: in-progress")
    edit(
        "changes/2026/chg-2026-0043.yaml",
        'start: "2026-12-02T10:00:00+01:00"',
        'start: "2026-12-02T09:00:00+01:00"',
    )
    repo.commit("pull request")
    return repo


def test_example_history_in_json(example: GitRepo) -> None:
    doc = example.diff_json("main...pr")
    jsonschema.Draft202012Validator(DIFF_SCHEMA).validate(doc)
    types = {(e["name"], m["type"]) for e in doc["entities"] for m in e["meanings"]}
    assert {
        ("gold", "sla.loosened"),
        ("payments-api", "tier.lowered"),
        ("chg-2026-0043", "status.transition"),
        ("chg-2026-0043", "window.moved"),
    } <= types
    assert doc["diagnostics"] == []
    impacted = {i["service"]: i for i in doc["impact"]}
    assert impacted["payments-api"]["affected"] and impacted["payments-api"]["tier"] == 2
    # checkout-api depends on payments-api in the example catalog.
    assert "checkout-api" in impacted


def test_example_history_in_text_and_markdown(example: GitRepo) -> None:
    text = example.itsm("diff", "main...pr")
    assert text.exit_code == 0, text.output
    assert "=> P2 response 30m -> 1h: loosened" in text.stdout
    assert "~ spec.targets.P2.response: 30m -> 1h" in text.stdout
    markdown = example.itsm("diff", "--format", "markdown", "main...pr")
    assert markdown.exit_code == 0, markdown.output
    assert "| 🟡 modified | Service | payments-api | tier 1 -> 2: lowered |" in markdown.stdout
    assert "```mermaid" in markdown.stdout
    assert json.loads(example.itsm("diff", "--format", "json", "main..pr").stdout)["entities"]


def test_example_show_at_the_base(example: GitRepo) -> None:
    result = example.itsm("show", "service", "payments-api", "--at", "main", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["entity"]["spec"]["tier"] == 1
    assert "checkout-api" in doc["dependents"]
