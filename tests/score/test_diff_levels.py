"""The diff says when a change raises or lowers a service's scorecard level: through the
real ``itsm diff`` on a git repository of services planted at each level boundary
(tests/score/scored.py)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from itsmcode.diff.jsonschema import DIFF_SCHEMA
from tests.diff.gitrepo import GitRepo
from tests.score.scored import make_repo, service, team


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    git = GitRepo(tmp_path).init()
    make_repo(tmp_path)
    git.commit("planted")
    # c-silver loses its runbook (silver -> bronze); the quiet team gets an on-call rota:
    # a-none passes every other check (-> gold), i-other has no SLA (-> bronze).
    git.write(
        {
            "catalog/services/c-silver.yaml": service(
                "c-silver",
                tier=1,
                spec="  sla: gold\n  dependsOn: [{service: f-deprecated, type: soft}]\n",
            ),
            "catalog/teams/quiet.yaml": team("quiet", oncall=True),
        }
    )
    return git


def test_markdown_says_which_levels_move(repo: GitRepo) -> None:
    result = repo.itsm("diff", "--format", "markdown")
    assert result.exit_code == 0, result.output
    section = result.stdout.split("### Scorecard levels\n\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "- a-none [basics]: no level → gold",
        "- c-silver [basics]: silver → bronze (fails: runbook-link)",
        "- i-other [basics]: no level → bronze",
    ]


def test_json_lists_the_level_changes_between_commits(repo: GitRepo) -> None:
    repo.commit("pull request")
    result = repo.itsm("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    jsonschema.Draft202012Validator(DIFF_SCHEMA).validate(doc)
    assert doc["levels"] == [
        {
            "service": "a-none",
            "scorecard": "basics",
            "old": None,
            "new": "gold",
            "direction": "raised",
            "fails": [],
        },
        {
            "service": "c-silver",
            "scorecard": "basics",
            "old": "silver",
            "new": "bronze",
            "direction": "lowered",
            "fails": ["runbook-link"],
        },
        {
            "service": "i-other",
            "scorecard": "basics",
            "old": None,
            "new": "bronze",
            "direction": "raised",
            "fails": [],
        },
    ]


def test_a_change_that_moves_no_level_says_nothing(repo: GitRepo) -> None:
    repo.commit("pull request")
    repo.write({"catalog/services/b-bronze.yaml": service("b-bronze", tier=2)})
    result = repo.itsm("diff", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "Scorecard levels" not in result.stdout
    doc = json.loads(repo.itsm("diff", "--format", "json").stdout)
    assert doc["levels"] == []


def test_without_the_practice_the_json_has_no_levels(tmp_path: Path) -> None:
    git = GitRepo(tmp_path).init()
    make_repo(tmp_path)
    config = (tmp_path / "itsm.yaml").read_text(encoding="utf-8")
    (tmp_path / "itsm.yaml").write_text(config.replace(", scorecard]", "]"), encoding="utf-8")
    git.commit("planted")
    git.write({"catalog/teams/quiet.yaml": team("quiet", oncall=True)})
    doc = json.loads(git.itsm("diff", "--format", "json").stdout)
    assert "levels" not in doc
