"""GitHub's own example payloads (@octokit/webhooks-examples, see data/README.md) drive
``itsm policy check``: the author, labels, number and commits come out right."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli
from tests.policy.prrepo import PRRepo, service

DATA = Path(__file__).parent / "data"
EXAMPLE_BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
EXAMPLE_HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"


def example(repo: PRRepo, name: str, tmp_path: Path) -> Path:
    text = (DATA / name).read_text(encoding="utf-8")
    target = tmp_path / name
    target.write_text(
        text.replace(EXAMPLE_BASE, repo.base).replace(EXAMPLE_HEAD, repo.head), encoding="utf-8"
    )
    return target


def wiki_pr(tmp_path: Path) -> PRRepo:
    repo = PRRepo(tmp_path / "r")
    repo.push(
        {
            "catalog/services/wiki.yaml": service(
                "wiki", 4, "platform", "sla: bronze\ncomponents: [{type: repo, ref: q}]\n"
            )
        }
    )
    return repo


def test_synchronize_example(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    event = example(repo, "pull_request.synchronize.json", tmp_path)
    code, data, _ = repo.check(event=event, reviews=repo.reviews(("bobby", "APPROVED")))
    assert code == 0, data
    pr = data["pullRequest"]
    assert (pr["author"], pr["labels"], pr["number"]) == ("Codertocat", ["bug"], 2)
    assert (pr["base"], pr["head"]) == (repo.base, repo.head)


def test_dismissed_review_example_cancels_nothing_it_should_not(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    event = example(repo, "pull_request_review.dismissed.json", tmp_path)
    payload = json.loads(event.read_text())
    assert payload["review"]["state"] == "dismissed"
    # The dismissed review is the author's own; bobby's approval still counts.
    code, data, _ = repo.check(event=event, reviews=repo.reviews(("bobby", "APPROVED")))
    assert code == 0, data
    # Without other reviews nothing counts.
    code, _, _ = repo.check(event=event)
    assert code == 1


def test_push_example_is_refused(tmp_path: Path) -> None:
    repo = wiki_pr(tmp_path)
    result = run_cli(
        ["policy", "check", "--repo", str(repo.root), "--event", str(DATA / "push.json")]
    )
    assert result.exit_code == 2
    assert "a push payload names no pull request" in result.output
