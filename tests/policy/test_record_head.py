"""``itsm policy record`` after a squash or rebase merge (issue 16 item 7): the approved
head commit is on no branch of the clone, only at ``refs/pull/N/head`` on the remote.
The record says which ref to fetch, in one line (exit 2); once fetched, it records."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from itsmcode.policy.approval_record import ApprovalRecord
from tests.helpers import run_cli
from tests.policy.prrepo import PRRepo, service

WIKI = "catalog/services/wiki.yaml"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=GitHub", "-c", "user.email=noreply@github.com"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def merged_on_github(tmp_path: Path, how: str) -> tuple[PRRepo, Path, str]:
    """The PR squashed or rebased onto main on the 'GitHub' remote; a fresh clone of it
    (main only, as actions/checkout leaves it). Returns (repo, clone, merge commit)."""
    repo = PRRepo(tmp_path / "work")
    repo.push({WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: x\n")})
    repo.push({"README.md": "more\n"}, message="second")
    # main moved on meanwhile, so a rebase makes new commits.
    repo.git("checkout", "-q", "main")
    repo.apply({"notes.txt": "x\n"})
    repo.commit("elsewhere", "maintainer@example.com")
    if how == "squash":
        git(repo.root, "merge", "-q", "--squash", "pr")
        git(repo.root, "commit", "-q", "-m", "A change (#7)")
    else:
        git(repo.root, "checkout", "-q", "-b", "rebased", "pr")
        git(repo.root, "rebase", "-q", "main")
        git(repo.root, "checkout", "-q", "main")
        git(repo.root, "merge", "-q", "--ff-only", "rebased")
    merge = repo.git("rev-parse", "HEAD")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    repo.git("push", "-q", str(origin), "main:refs/heads/main", "pr:refs/pull/7/head")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", str(origin), str(clone))
    return repo, clone, merge


def record(repo: PRRepo, clone: Path, merge: str) -> tuple[int, str, str]:
    reviews = clone.parent / "reviews.json"
    reviews.write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "user": {"login": "bobby", "id": 2, "type": "User"},
                    "state": "APPROVED",
                    "submitted_at": "2020-01-01T00:00:00Z",
                    "commit_id": repo.head,
                }
            ]
        ),
        encoding="utf-8",
    )
    result = run_cli(
        [
            "policy",
            "record",
            "--repo",
            str(clone),
            "--merge",
            merge,
            "--event",
            str(repo.event(action="closed")),
            "--reviews",
            str(reviews),
        ]
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("how", ["squash", "rebase"])
def test_record_names_the_ref_to_fetch_then_records_once_fetched(tmp_path: Path, how: str) -> None:
    repo, clone, merge = merged_on_github(tmp_path, how)
    missing = subprocess.run(["git", "cat-file", "-e", repo.head], cwd=clone, check=False)
    assert missing.returncode != 0  # not a single object of it in the clone
    code, out, err = record(repo, clone, merge)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"itsm: error: the pull request's head commit {repo.head[:12]} is not in this clone "
        "(a squash or rebase merge leaves it on no branch): fetch it first, e.g. "
        "git fetch origin +refs/pull/7/head:refs/remotes/itsm/head"
    ]
    assert git(clone, "notes", "--ref=itsmcode", "list") == ""
    # The command it names is the one that works (what the record workflow runs).
    git(clone, "fetch", "-q", "origin", "+refs/pull/7/head:refs/remotes/itsm/head")
    code, out, err = record(repo, clone, merge)
    assert code == 0, err
    written = ApprovalRecord.from_json(git(clone, "notes", "--ref=itsmcode", "show", merge))
    assert written.decision == "approved"
    assert (written.commits.head, written.commits.merge) == (repo.head, merge)
