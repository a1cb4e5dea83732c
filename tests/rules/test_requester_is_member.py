"""requester-is-member: an open change's requester is in some team (errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from itsmcode.diagnostics import Severity
from tests.helpers import CONFIG, found, lint_repo, messages, service, write_repo
from tests.rules.change_files import change

PATH = "changes/2026/chg-1.yaml"
RULE = "requester-is-member"
REQUESTER = (PATH, 7, 14, RULE)
OPS_TEAM = """\
apiVersion: itsmcode/v1
kind: Team
metadata: {name: ops}
spec:
  members:
    - {github: Carol-Ops}
"""


def requested_by(login: str, status: str = "planned", extra: str = "") -> str:
    return change("chg-1", status=status, extra=extra).replace(
        "requester: alice", f"requester: {login}"
    )


def repo(tmp_path: Path, text: str) -> Path:
    files = {
        "catalog/services/api.yaml": service("api"),
        "catalog/teams/ops.yaml": OPS_TEAM,
        PATH: text,
    }
    return write_repo(tmp_path, files)


@pytest.mark.parametrize("login", ["alice", "Alice", "BOB", "carol-ops"])
def test_members_of_any_team_any_case_are_clean(tmp_path: Path, login: str) -> None:
    repo(tmp_path, requested_by(login))
    assert found(lint_repo(tmp_path)) == []


def test_unknown_requester_with_suggestion(tmp_path: Path) -> None:
    repo(tmp_path, requested_by("alcie"))
    result = lint_repo(tmp_path)
    assert found(result) == [REQUESTER]
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]
    assert messages(result) == [
        "requester 'alcie' is not a member of any team (did you mean 'alice'?); use the "
        "GitHub login of a team member, or add them to their team in the catalog"
    ]


def test_suggestion_keeps_the_teams_spelling(tmp_path: Path) -> None:
    repo(tmp_path, requested_by("carol-op"))
    assert "(did you mean 'Carol-Ops'?)" in messages(lint_repo(tmp_path), RULE)[0]


def test_no_suggestion_when_nothing_is_close(tmp_path: Path) -> None:
    repo(tmp_path, requested_by("mallory", status="in-progress"))
    result = lint_repo(tmp_path)
    assert found(result) == [REQUESTER]
    assert messages(result)[0].startswith("requester 'mallory' is not a member of any team; ")


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_closed_changes_are_history(tmp_path: Path, status: str) -> None:
    outcome = 'outcome: {finishedAt: "2026-12-02T23:05:00+01:00"}\n'
    repo(tmp_path, requested_by("departed", status=status, extra=outcome))
    assert found(lint_repo(tmp_path)) == []


def test_skipped_without_teams(tmp_path: Path) -> None:
    config = CONFIG.replace("[catalog, sla, change, incident, problem]", "[change]")
    write_repo(tmp_path, {PATH: requested_by("nobody")}, config=config, with_team=False)
    assert found(lint_repo(tmp_path), RULE) == []


def test_members_of_a_team_file_with_schema_errors_are_not_blamed(tmp_path: Path) -> None:
    broken_team = OPS_TEAM.replace("  members:", "  contacts: {}\n  members:")
    repo(tmp_path, requested_by("carol-ops"))
    (tmp_path / "catalog/teams/ops.yaml").write_text(broken_team, encoding="utf-8")
    result = lint_repo(tmp_path)
    assert found(result, "requester-is-member") == []
    assert found(result, "schema") == [("catalog/teams/ops.yaml", 5, 3, "schema")]
