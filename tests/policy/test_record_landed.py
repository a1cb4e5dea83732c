"""``itsm policy record`` never judges a merge before the branch tip it went onto.

A local merge sets its committer date freely: dated back before the year-end freeze, a
change request merged inside it would be recorded as allowed. The merge cannot have
landed before its first parent, so the record judges it no earlier (issue 16, item 4).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.policy.prrepo import PRRepo, change
from tests.policy.test_record_merge_time import merge, note, record, reviews

IN_FREEZE = "2026-12-19T10:00:00+01:00"  # year-end freeze: 2026-12-18 .. 2027-01-04


def main_commit_at(repo: PRRepo, when: str) -> str:
    """A commit on main (the branch the pull request merges into) dated ``when``."""
    repo.git("checkout", "-q", "main")
    (repo.root / "notes.txt").write_text("ops note\n", encoding="utf-8")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    for args in (["add", "-A"], ["commit", "-q", "-m", "ops note"]):
        subprocess.run(
            ["git", "-c", "user.name=M", "-c", "user.email=m@example.com", *args],
            cwd=repo.root,
            env=env,
            check=True,
            capture_output=True,
        )
    repo.git("checkout", "-q", "pr")
    return repo.git("rev-parse", "main")


def change_request_pr(tmp_path: Path) -> PRRepo:
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2026/chg-9.yaml": change("chg-9")})
    return repo


def test_merge_dated_back_out_of_the_freeze_is_judged_inside_it(tmp_path: Path) -> None:
    repo = change_request_pr(tmp_path)
    parent = main_commit_at(repo, IN_FREEZE)
    sha = merge(repo, "2026-12-10T12:00:00+01:00")  # before its parent: outside the freeze
    result = record(repo, sha, reviews(repo, ("bobby", "APPROVED", "2026-12-10T10:00:00Z")))
    assert result.exit_code == 0, result.output
    written = note(repo, sha)
    assert written.freeze.active == "change-freezes/year-end"
    assert written.decision == "not-approved"
    assert written.evaluated_at.isoformat() == IN_FREEZE
    assert result.stderr.splitlines() == [
        f"itsm: warning: implausible-date: merge {sha[:12]} is dated "
        f"2026-12-10T12:00:00+01:00, before its parent {parent[:12]} ({IN_FREEZE}): judged "
        f"as landed at {IN_FREEZE}"
    ]


def test_merge_dated_after_its_parent_is_judged_at_its_date(tmp_path: Path) -> None:
    repo = change_request_pr(tmp_path)
    main_commit_at(repo, "2026-12-09T10:00:00+01:00")
    sha = merge(repo, "2026-12-10T12:00:00+01:00")
    result = record(repo, sha, reviews(repo, ("bobby", "APPROVED", "2026-12-10T10:00:00Z")))
    assert result.exit_code == 0, result.output
    written = note(repo, sha)
    assert written.freeze.active is None
    assert written.decision == "approved"
    assert result.stderr == ""
