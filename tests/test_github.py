"""PR facts and review counting from GitHub's payload shapes (policy.md properties 2-4)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from itsmcode.policy.github import (
    PayloadError,
    Review,
    effective_approvers,
    load_json,
    parse_event,
    parse_pull_commits,
    parse_reviews,
)
from itsmcode.policy.identities import co_authors, email_login

DATA = Path(__file__).parent / "data" / "github"
HEAD = "2" * 40
OLD = "1" * 40


def at(minute: int) -> datetime:
    return datetime(2026, 11, 20, 10, minute, tzinfo=timezone.utc)


def test_pull_request_author_labels_and_shas() -> None:
    event = parse_event(load_json(DATA / "pull_request.opened.json"))
    assert event.name == "pull_request" and event.action == "opened"
    pr = event.pull_request
    assert pr is not None
    assert (pr.number, pr.author, pr.base_ref) == (42, "Alice-Dev", "main")
    assert (pr.base_sha, pr.head_sha) == (OLD, HEAD)
    assert pr.labels == ("catalog", "urgent")


def test_review_event_author_is_the_pr_user_not_the_sender() -> None:
    event = parse_event(load_json(DATA / "pull_request_review.submitted.json"))
    assert event.name == "pull_request_review"
    assert event.pull_request is not None and event.pull_request.author == "Alice-Dev"
    assert event.review is not None and event.review.login == "bob"
    assert event.review.state == "APPROVED"  # webhooks say "approved"


def test_merged_pull_request_and_push() -> None:
    merged = parse_event(load_json(DATA / "pull_request.closed-merged.json"))
    assert merged.pull_request is not None and merged.pull_request.merged
    assert merged.pull_request.merge_commit_sha == "3" * 40
    push = parse_event(load_json(DATA / "push.json"))
    assert push.name == "push" and push.push_after == "3" * 40 and push.pull_request is None


def test_paginated_pull_request_commits_name_the_accounts_github_tied() -> None:
    commits = parse_pull_commits(load_json(DATA / "pull_commits.paginated.json"))
    assert [c.sha[0] for c in commits] == ["a", "b", "c"]
    first, suggestion, bump = commits
    assert (first.author.login, first.committer.login) == ("Alice-Dev", "Alice-Dev")
    # GitHub could not tie bob@corp.example to an account: "author": null.
    assert (suggestion.author.email, suggestion.author.login) == ("bob@corp.example", None)
    assert suggestion.committer.login == "web-flow"
    assert [(p.name, p.email) for p in co_authors(suggestion.message)] == [
        ("Carol", "carol@example.com")
    ]
    assert bump.author.login == "dependabot[bot]"


def test_email_login_ties_noreply_addresses_and_nothing_else() -> None:
    members = {"bob@corp.example": "bob"}
    assert email_login("Bob@Corp.Example ", members) == "bob"
    assert email_login("1001+Alice-Dev@users.noreply.github.com", members) == "alice-dev"
    assert email_login("alice-dev@users.noreply.github.com", members) == "alice-dev"
    assert email_login("noreply@github.com", members) == "web-flow"
    # A bot is tied (to no approver); look-alikes and other domains are not tied.
    assert email_login("49699333+dependabot[bot]@users.noreply.github.com", members) == ""
    assert email_login("1+al_ice@users.noreply.github.com", members) is None
    assert email_login("alice@users.noreply.github.com.evil.example", members) is None
    assert email_login("alice@noreply.github.com", members) is None


def test_merged_at_is_read_from_the_pull_request() -> None:
    merged = parse_event(load_json(DATA / "pull_request.closed-merged.json")).pull_request
    assert merged is not None and merged.merged_at is None  # the fixture says null
    payload = load_json(DATA / "pull_request.closed-merged.json")
    payload["pull_request"]["merged_at"] = "2026-11-20T09:05:00Z"
    pr = parse_event(payload).pull_request
    assert pr is not None and pr.merged_at == datetime(2026, 11, 20, 9, 5, tzinfo=timezone.utc)
    payload["pull_request"]["merged_at"] = "yesterday"
    with pytest.raises(PayloadError, match=r"pull_request.merged_at: invalid time 'yesterday'"):
        parse_event(payload)


def test_paginated_reviews_are_concatenated() -> None:
    reviews = parse_reviews(load_json(DATA / "reviews.paginated.json"))
    assert [r.review_id for r in reviews] == [601, 602, 603, 604]
    approvers = effective_approvers(reviews, HEAD)
    # bob approved an old head first, then the current one as "Bob": one person, counted once.
    assert sorted(approvers) == ["bob", "carol"]
    assert approvers["bob"].review_id == 604


def test_approval_for_an_older_head_does_not_count_with_invalidate_on_push() -> None:
    reviews = [Review("bob", "APPROVED", OLD, at(1))]
    assert effective_approvers(reviews, HEAD) == {}
    assert list(effective_approvers(reviews, HEAD, invalidate_on_push=False)) == ["bob"]


@pytest.mark.parametrize("later", ["CHANGES_REQUESTED", "DISMISSED"])
def test_later_changes_requested_or_dismissal_cancels_approval(later: str) -> None:
    reviews = [Review("bob", later, HEAD, at(5)), Review("bob", "APPROVED", HEAD, at(1))]
    assert effective_approvers(reviews, HEAD) == {}


def test_comment_after_approval_keeps_it_and_reapproval_restores_it() -> None:
    kept = [Review("bob", "APPROVED", HEAD, at(1)), Review("bob", "COMMENTED", HEAD, at(2))]
    assert list(effective_approvers(kept, HEAD)) == ["bob"]
    restored = [
        Review("bob", "APPROVED", HEAD, at(1)),
        Review("bob", "CHANGES_REQUESTED", HEAD, at(2)),
        Review("bob", "APPROVED", HEAD, at(3)),
    ]
    assert list(effective_approvers(restored, HEAD)) == ["bob"]


@pytest.mark.parametrize("login", ["bоb", "bob\u200b", "b o b", ""])  # Cyrillic 'о', zero-width
def test_look_alike_logins_never_count(login: str) -> None:
    assert effective_approvers([Review(login, "APPROVED", HEAD, at(1))], HEAD) == {}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "expected a JSON object"),
        ({"zen": "hello"}, "not a pull_request"),
        ({"pull_request": {"number": 1}}, "user.login: missing"),
        (
            {"pull_request": {"number": 1, "user": {"login": "a"}, "base": {"sha": "abc"}}},
            "base.sha: expected a full commit sha",
        ),
    ],
)
def test_malformed_payloads_are_one_line_errors(payload: object, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_event(payload)


def test_invalid_json_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "event.json"
    bad.write_text('{"action": "opened",\n  "number": }\n', encoding="utf-8")
    with pytest.raises(PayloadError, match=r"event.json:2:13: invalid JSON"):
        load_json(bad)


def test_unknown_review_state_is_refused() -> None:
    page = load_json(DATA / "reviews.paginated.json")
    page[0]["state"] = "LGTM"
    with pytest.raises(PayloadError, match=r"reviews\[0\].state: unknown review state 'LGTM'"):
        parse_reviews(page)
