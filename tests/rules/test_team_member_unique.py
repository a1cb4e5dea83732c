"""team-member-unique: a login appears once per team, case-insensitively (warnings)."""

from __future__ import annotations

from pathlib import Path

from itsmcode.diagnostics import Severity
from tests.helpers import TEAM, found, lint_repo, messages, write_repo

PATH = "catalog/teams/payments.yaml"
RULE = "team-member-unique"
OPS = """\
apiVersion: itsmcode/v1
kind: Team
metadata: {name: ops}
spec:
  members:
    - {github: Alice}
"""


def team(*extra_logins: str) -> str:
    """The helpers' payments team (alice line 6, bob line 7) plus members from line 8."""
    return TEAM + "".join(f"    - {{github: {login}}}\n" for login in extra_logins)


def test_unique_members_are_clean_even_across_teams(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: team("carol"), "catalog/teams/ops.yaml": OPS})
    assert found(lint_repo(tmp_path)) == []


def test_second_occurrence_differing_in_case(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: team("Alice")})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 8, 16, RULE)]
    assert [d.severity for d in result.diagnostics] == [Severity.WARNING]
    assert messages(result) == [
        "'Alice' is already listed in team 'payments' as 'alice' (line 6; logins compare "
        "case-insensitively); remove one entry, keeping the role and contact details that "
        "are right"
    ]


def test_every_repeat_is_reported(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: team("carol", "bob", "BOB")})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 9, 16, RULE), (PATH, 10, 16, RULE)]
    assert all("as 'bob' (line 7;" in m for m in messages(result))
