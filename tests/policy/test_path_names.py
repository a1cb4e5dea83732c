"""Attacks on the path rules with odd file names (issue 16 item 1), through the real CLI
on a real git repository: a name must never take a file out of the governance rule,
and a changed path holding a control character fails the check closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy.prrepo import PRRepo, rule

GOVERNANCE_REVIEWS = (("gina", "APPROVED"), ("gus", "APPROVED"))


@pytest.mark.parametrize(
    ("path", "shown", "code_point"),
    [
        (".github/workflows/gate\n.yml", r"'.github/workflows/gate\n.yml'", "U+000A"),
        (".github/workflows/\ngate.yml", r"'.github/workflows/\ngate.yml'", "U+000A"),
        ("processes/approval\r.yaml", r"'processes/approval\r.yaml'", "U+000D"),
        ("processes/x\x1b[8m.yaml", r"'processes/x\x1b[8m.yaml'", "U+001B"),
        (".github/a\tb/x.yml", r"'.github/a\tb/x.yml'", "U+0009"),
        (".github/x\x7f.yml", r"'.github/x\x7f.yml'", "U+007F"),
        (".github/x\x85.yml", r"'.github/x\x85.yml'", "U+0085"),
    ],
)
def test_a_control_character_in_a_governed_path_needs_governance_and_fails_closed(
    tmp_path: Path, path: str, shown: str, code_point: str
) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({path: "name: gate\non: push\n"})
    # Without governance approvals: the governance rule applies, whatever the name.
    code, data, _ = repo.check(reviews=repo.reviews(("pat", "APPROVED")))
    assert code == 1
    governance = rule(data, "governance")
    assert governance["status"] == "pending"
    assert governance["matched"] == [path]
    # With them: still refused, for the name itself, said in one readable line.
    code, data, result = repo.check(reviews=repo.reviews(*GOVERNANCE_REVIEWS))
    assert code == 1
    assert rule(data, "governance")["status"] == "satisfied"
    [error] = data["decisions"][0]["errors"]
    assert error == (
        f"changed path {shown} holds a control character ({code_point}); the check fails "
        "closed: rename the file"
    )
    code, _, result = repo.check(reviews=repo.reviews(*GOVERNANCE_REVIEWS), fmt="text")
    assert code == 1
    assert f"changed path {shown} holds a control character" in result.output


@pytest.mark.parametrize(
    "path",
    [".github/workflows/gate\u2028.yml", "processes/é☃.yaml", ".github/ workflows /x .yml"],
)
def test_other_odd_names_stay_under_governance(tmp_path: Path, path: str) -> None:
    """Not control characters: allowed, and judged like any file under the folder."""
    repo = PRRepo(tmp_path / "r")
    repo.push({path: "x: 1\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("pat", "APPROVED")))
    assert code == 1
    assert rule(data, "governance")["matched"] == [path]
    code, data, _ = repo.check(reviews=repo.reviews(*GOVERNANCE_REVIEWS))
    assert code == 0, data
    assert data["decisions"][0]["errors"] == []


def test_a_control_character_outside_any_rule_still_fails_closed(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"notes/a\nb.txt": "x\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("pat", "APPROVED")))
    assert code == 1
    assert rule(data, "defaultRule")["status"] == "satisfied"
    assert data["decisions"][0]["errors"] == [
        "changed path 'notes/a\\nb.txt' holds a control character (U+000A); the check "
        "fails closed: rename the file"
    ]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ("deleted", ".github/workflows/gate.yml"),
        ("renamed away", ".github/workflows/gate.yml"),
        ("turned into a symlink", ".github/workflows/gate.yml"),
        ("mode changed", ".github/workflows/gate.yml"),
    ],
)
def test_taking_a_gate_file_away_needs_governance(tmp_path: Path, change: str, path: str) -> None:
    """Re-attack of the one reader of git's raw diff: a deletion, a rename out of the
    folder, a type change and a mode change of a gate file are governed changes too."""
    repo = PRRepo(tmp_path / "r", {path: "name: gate\non: push\n"})
    if change == "deleted":
        repo.push({path: None})
    elif change == "renamed away":
        repo.rename(path, "gate.yml")
    elif change == "turned into a symlink":
        (repo.root / path).unlink()
        (repo.root / path).symlink_to("../../README.md")
        repo.push({})
    else:
        (repo.root / path).chmod(0o755)
        repo.push({})
    code, data, _ = repo.check(reviews=repo.reviews(("pat", "APPROVED")))
    assert code == 1, change
    governance = rule(data, "governance")
    assert governance["status"] == "pending", change
    assert path in governance["matched"], change
