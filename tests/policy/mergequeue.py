"""GitHub's merge queue, scripted on a ``PRRepo``: pull request branches, the queue's
temporary branch, a ``merge_group`` ``checks_requested`` payload and the per-pull
request files the workflow assembles (``--queued``), all in GitHub's shapes.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import Result

from tests.helpers import run_cli
from tests.policy.prrepo import QUIET, PRRepo, github_commits, review_list

#: Which account GitHub ties each commit e-mail of these tests to.
ACCOUNTS = {
    "alice@users.noreply.github.com": "alice",
    "pat@users.noreply.github.com": "pat",
    "gina@users.noreply.github.com": "gina",
}

Entry = tuple[str, str] | tuple[str, str, str] | tuple[str, str, str | None, str]


@dataclass
class Pull:
    """One pull request of the queue: its number, author, branch head and reviews."""

    number: int
    author: str
    head: str
    reviews: list[Entry] = field(default_factory=list)
    base_ref: str = "main"


def open_pull(
    repo: PRRepo,
    number: int,
    files: dict[str, str | None],
    author: str = "alice",
    email: str = "alice@users.noreply.github.com",
) -> Pull:
    """A branch ``pr-N`` off main with one commit of ``files``."""
    repo.git("checkout", "-q", "-B", f"pr-{number}", "main")
    head = repo.push(files, f"change of #{number}", email=email)
    return Pull(number, author, head)


def build_group(
    repo: PRRepo, pulls: list[Pull], method: str = "merge", extra: dict[str, str] | None = None
) -> str:
    """The queue's branch ``gh-readonly-queue/main/pr-N-<base>``: main plus one entry per
    pull request, as the merge queue makes them (a merge commit or a squash commit); with
    ``extra``, a commit nobody reviewed on top. Returns its head."""
    base = repo.git("rev-parse", "main")
    repo.git("checkout", "-q", "-B", "queue", base)
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_DATE": QUIET,
        "GIT_COMMITTER_DATE": QUIET,
    }
    identity = ["-c", "user.name=GitHub", "-c", "user.email=noreply@github.com"]
    for pull in pulls:
        if method == "merge":
            message = f"Merge pull request #{pull.number} from acme/pr-{pull.number}"
            args = ["merge", "-q", "--no-ff", "-m", message, pull.head]
            subprocess.run(["git", *identity, *args], cwd=repo.root, env=env, check=True)
        else:
            subprocess.run(
                ["git", *identity, "merge", "-q", "--squash", pull.head],
                cwd=repo.root,
                env=env,
                check=True,
                capture_output=True,
            )
            message = f"A change (#{pull.number})"
            subprocess.run(
                ["git", *identity, "commit", "-q", "-m", message],
                cwd=repo.root,
                env=env,
                check=True,
            )
    if extra:
        repo.apply(extra)
        repo.commit("sneaked in", "mallory@example.com", "Mallory")
    return repo.git("rev-parse", "HEAD")


def merge_group_event(repo: PRRepo, last: int, head: str, base: str) -> Path:
    """A ``merge_group`` ``checks_requested`` webhook payload, as GitHub sends it."""
    message = repo.git("log", "-1", "--format=%B", head)
    payload: dict[str, Any] = {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-{last}-{base}",
            "base_sha": base,
            "base_ref": "refs/heads/main",
            "head_commit": {
                "id": head,
                "tree_id": repo.git("rev-parse", f"{head}^{{tree}}"),
                "message": message,
                "timestamp": QUIET,
                "author": {"name": "GitHub", "email": "noreply@github.com"},
                "committer": {"name": "GitHub", "email": "noreply@github.com"},
            },
        },
        "repository": {"id": 1, "full_name": "acme/itsm", "default_branch": "main"},
        "sender": {"login": "github-merge-queue[bot]", "id": 9919, "type": "Bot"},
    }
    path = repo.root.parent / f"merge-group-{head[:8]}.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def queued_file(repo: PRRepo, pull: Pull, base: str) -> Path:
    """What the workflow assembles for one pull request of the group: the REST pull
    request, its reviews and its commits (``gh api``), as one object."""
    user = {"login": pull.author, "id": 1, "type": "User"}
    rest = {
        "url": f"https://api.github.com/repos/acme/itsm/pulls/{pull.number}",
        "number": pull.number,
        "state": "open",
        "title": "A change",
        "user": user,
        "labels": [],
        "merged": False,
        "merge_commit_sha": None,
        "head": {"label": f"acme:pr-{pull.number}", "ref": f"pr-{pull.number}", "sha": pull.head},
        "base": {"label": f"acme:{pull.base_ref}", "ref": pull.base_ref, "sha": base},
    }
    bundle = {
        "pull_request": rest,
        "reviews": review_list(tuple(pull.reviews), pull.head, pull.number),
        "commits": github_commits(repo.root, base, pull.head, ACCOUNTS),
    }
    path = repo.root.parent / f"queued-{pull.number}-{pull.head[:8]}.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def check_group(
    repo: PRRepo,
    pulls: list[Pull],
    head: str,
    *,
    last: int | None = None,
    now: str = QUIET,
    fmt: str = "json",
) -> tuple[int, Any, Result]:
    """``itsm policy check`` of the group as the workflow runs it."""
    base = repo.git("rev-parse", "main")
    args = [
        "policy",
        "check",
        "--repo",
        str(repo.root),
        "--now",
        now,
        "--format",
        fmt,
        "--event",
        str(merge_group_event(repo, last or pulls[-1].number, head, base)),
    ]
    for pull in pulls:
        args += ["--queued", str(queued_file(repo, pull, base))]
    result = run_cli(args, env={"GITHUB_STEP_SUMMARY": ""})
    data = json.loads(result.output) if fmt == "json" and result.exit_code < 2 else None
    return result.exit_code, data, result
