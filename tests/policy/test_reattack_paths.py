"""Re-attack of the path rules (docs/security.md, "Re-attacked"): names
test_path_names.py does not try. A name must never take a file out of the governance
rule, and a name reviewers cannot see as it is fails the check closed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.policy.prrepo import PRRepo, rule
from tests.policy.test_path_names import GOVERNANCE_REVIEWS


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_name_that_is_not_utf8_needs_governance_and_fails_closed(
    tmp_path: Path, fmt: str
) -> None:
    """git stores names as bytes; GitHub shows ``x\\xff.yml`` as ``x\ufffd.yml``."""
    repo = PRRepo(tmp_path / "r")
    target = Path(os.fsdecode(os.fsencode(repo.root) + b"/.github/workflows/x\xff.yml"))
    target.parent.mkdir(parents=True)
    target.write_bytes(b"name: gate\non: push\n")
    repo.head = repo.commit("odd name")
    shown = r"'.github/workflows/x\udcff.yml'"
    error = (
        f"changed path {shown} is not valid UTF-8 (byte 0xFF); the check fails closed: "
        "rename the file"
    )
    code, data, result = repo.check(reviews=repo.reviews(("pat", "APPROVED")), fmt=fmt)
    assert code == 1, result.output
    if fmt == "json":
        assert rule(data, "governance")["status"] == "pending"
        assert rule(data, "governance")["matched"] == [".github/workflows/x\udcff.yml"]
        assert data["decisions"][0]["errors"] == [error]
    code, data, result = repo.check(reviews=repo.reviews(*GOVERNANCE_REVIEWS), fmt=fmt)
    assert code == 1, result.output
    if fmt == "json":
        assert rule(data, "governance")["status"] == "satisfied"
        assert data["decisions"][0]["errors"] == [error]
    else:
        # Shown escaped in the text report, never an encoding error (exit 3).
        assert error in result.output


@pytest.mark.parametrize(
    "path",
    [
        ".github/[abc]/gate.yml",  # a directory named like a character class
        ".github/workflows/**/gate.yml",
        "processes/*.yaml",
        "processes/approval-policy\u202e.yaml",  # RIGHT-TO-LEFT OVERRIDE: shown reversed
        "processes/approval\u200b-policy.yaml",  # ZERO WIDTH SPACE: invisible
        ".github/..yml",
    ],
)
def test_glob_like_and_invisible_names_stay_under_governance(tmp_path: Path, path: str) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({path: "x: 1\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("pat", "APPROVED")))
    assert code == 1
    assert rule(data, "governance")["status"] == "pending"
    assert rule(data, "governance")["matched"] == [path]
    code, data, _ = repo.check(reviews=repo.reviews(*GOVERNANCE_REVIEWS))
    assert code == 0, data
