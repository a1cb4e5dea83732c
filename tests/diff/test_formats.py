"""The three formats, the documented JSON schema, --exit-code and colour."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from itsmcode.diff.jsonschema import DIFF_SCHEMA
from tests.diff.gitrepo import SLA_GOLD, GitRepo, change
from tests.helpers import service

DOCS = Path(__file__).resolve().parents[2] / "docs" / "diff.md"


@pytest.fixture
def changed(repo: GitRepo) -> GitRepo:
    """Every kind of change at once, committed as HEAD on top of the initial catalog."""
    repo.delete("catalog/services/cache.yaml")
    repo.commit(
        "many changes",
        {
            "catalog/slas/gold.yaml": SLA_GOLD.replace("99.95", "99.9"),
            "catalog/services/api.yaml": service(
                "api",
                tier=1,
                extra="""
            dependsOn:
              - {service: ledger, type: soft}
            """,
            ),
            "catalog/services/queue.yaml": service("queue", tier=4, lifecycle="planned"),
            "changes/2026/chg-1.yaml": change("chg-1", status="completed"),
            "catalog/services/web.yaml": "kind: Service\nmetadata: {name: web\n",
        },
    )
    return repo


def test_json_matches_the_documented_schema(changed: GitRepo) -> None:
    doc = changed.diff_json("HEAD~1", "HEAD")
    jsonschema.Draft202012Validator(DIFF_SCHEMA).validate(doc)
    assert doc["schemaVersion"] == 1
    assert doc["summary"]["entities"] == len(doc["entities"]) > 0
    assert doc["summary"]["diagnostics"] == 1


def test_docs_embed_the_schema_verbatim() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- diff-schema:start -->\n```json\n(.*?)\n```", text, re.S)
    assert block is not None
    assert json.loads(block.group(1)) == json.loads(json.dumps(DIFF_SCHEMA))


def test_json_is_stable_across_runs(changed: GitRepo) -> None:
    assert changed.diff_json("HEAD~1..HEAD") == changed.diff_json("HEAD~1..HEAD")


def test_text_shows_meaning_fields_problems_and_impact(changed: GitRepo) -> None:
    result = changed.itsm("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "~ SLA gold modified  catalog/slas/gold.yaml" in out
    assert "=> availability 99.95% -> 99.9%: loosened" in out
    assert "=> tier 2 -> 1: raised" in out
    assert "~ spec.dependsOn[service=ledger].type: hard -> soft" in out
    assert "- spec.dependsOn[service=cache]: " in out
    assert "! head: catalog/services/web.yaml:3:1: [yaml-syntax]" in out
    assert "[change-transition]" in out
    assert re.search(r"^  web +tier 1 +changed: modified", out, re.M)
    assert "\x1b[" not in out
    coloured = changed.itsm("diff", "--color", "HEAD~1", "HEAD").stdout
    assert "\x1b[" in coloured


def test_markdown_has_summary_table_details_and_mermaid(changed: GitRepo) -> None:
    result = changed.itsm("diff", "--format", "markdown", "HEAD~1...HEAD")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("| Change | Kind | Name | Meaning |") < out.index("<details>")
    assert "| 🟡 modified | SLA | gold | availability 99.95% -> 99.9%: loosened |" in out
    assert "<details><summary>Impact graph</summary>" in out and "```mermaid" in out
    assert re.search(r'^  s\d+\["web<br>tier 1"\]$', out, re.M)
    assert re.search(r"^  s\d+ --> s\d+$", out, re.M)
    assert "`spec.dependsOn[service=ledger].type` | changed | `hard` | `soft`" in out
    assert out.count("<details>") == out.count("</details>") == 2


def test_exit_code_flag(repo: GitRepo) -> None:
    assert repo.itsm("diff", "--exit-code").exit_code == 0
    repo.write({"catalog/services/cache.yaml": service("cache", tier=2)})
    assert repo.itsm("diff").exit_code == 0
    result = repo.itsm("diff", "--exit-code")
    assert result.exit_code == 1 and "cache" in result.stdout
    quiet = repo.itsm("diff", "--quiet")
    assert quiet.exit_code == 1 and quiet.stdout == ""


def test_empty_diff_in_every_format(repo: GitRepo) -> None:
    assert "no differences" in repo.itsm("diff").stdout
    assert "No differences" in repo.itsm("diff", "--format", "markdown").stdout
    assert repo.diff_json()["entities"] == []
