"""Command-line inputs of ``itsm policy``: payloads, reviews, times -> typed facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from itsmcode.errors import ConfigError
from itsmcode.policy.facts import PullFacts
from itsmcode.policy.github import (
    MergeGroup,
    PayloadError,
    PullCommit,
    PullRequest,
    Review,
    load_json,
    parse_event,
    parse_pull_commits,
    parse_pull_request,
    parse_reviews,
    valid_author,
)


def parse_now(value: str | None) -> datetime:
    """``--now``: ISO 8601; a time without an offset is UTC. Default: the clock."""
    if value is None:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--now {value!r}: expected an ISO 8601 time such as 2026-12-20T10:00:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def load_merge_group(path: Path) -> MergeGroup | None:
    """The group of a ``merge_group`` payload, or None for any other payload."""
    data: Any = load_json(path)
    if not isinstance(data, dict) or "merge_group" not in data:
        return None
    event = parse_event(data, "merge_group", source=str(path))
    return event.merge_group


def load_pull_request(path: Path) -> tuple[PullRequest, Review | None]:
    """A ``pull_request`` / ``pull_request_review`` webhook payload, or the bare pull
    request object (or one-element list) the REST API returns (for the record job)."""
    data: Any = load_json(path)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if isinstance(data, dict) and "pull_request" not in data and "head" in data:
        return parse_pull_request(data, str(path)), None
    event = parse_event(data, source=str(path))
    if event.pull_request is None:
        raise PayloadError(
            f"{path}: a {event.name} payload names no pull request; pass a pull_request "
            "or pull_request_review payload"
        )
    return event.pull_request, event.review


def load_reviews(path: Path | None, extra: Review | None) -> list[Review]:
    """The REST reviews list (pages concatenated) plus the review of a review event."""
    reviews: list[Review] = []
    if path is not None:
        data = load_json(path)
        if isinstance(data, list):
            # A deleted account's reviews come with "user": null ("ghost"): they can
            # never count, and must not make the whole check unusable.
            data = [r for r in data if not (isinstance(r, dict) and r.get("user") is None)]
        reviews = parse_reviews(data, str(path))
    known = {r.review_id for r in reviews if r.review_id is not None}
    if extra is not None and (extra.review_id is None or extra.review_id not in known):
        reviews.append(extra)
    return reviews


def load_commits(path: Path | None) -> tuple[PullCommit, ...] | None:
    """``--commits``: GitHub's list of the pull request's commits (pages concatenated),
    or None when not given (the identities then come from git alone)."""
    if path is None:
        return None
    return tuple(parse_pull_commits(load_json(path), str(path)))


def pull_facts(
    pr: PullRequest | None,
    *,
    base: str | None,
    head: str | None,
    author: str | None,
    labels: Sequence[str],
    commits: tuple[PullCommit, ...] | None = None,
) -> PullFacts:
    """Flags win over the payload; the author is never the payload's ``sender``.

    The author must be a valid GitHub login (or a bot's, ``dependabot[bot]``): one that
    is not (`` maria-lopez``, ``maria_lopez``, ``a--b``) would never compare equal to the
    author's own approval or team membership, so the author could approve their own
    change. A usage error.
    """
    base = base or (pr.base_sha if pr else None)
    head = head or (pr.head_sha if pr else None)
    flag_author = bool(author)
    author = author or (pr.author if pr else None)
    missing = [
        name
        for name, value in (("--base", base), ("--head", head), ("--author", author))
        if not value
    ]
    if missing:
        raise ConfigError(
            f"missing {', '.join(missing)}: give them, or --event with a pull_request payload"
        )
    assert base and head and author
    if not valid_author(author):
        given = "--author" if flag_author else "pull_request.user.login"
        raise ConfigError(
            f"invalid GitHub login {author!r} for the pull request author ({given}): letters, "
            "digits and single hyphens, at most 39 characters, no leading or trailing hyphen"
        )
    all_labels = tuple(dict.fromkeys([*(pr.labels if pr else ()), *labels]))
    return PullFacts(
        author=author,
        head_sha=head,
        base_sha=base,
        labels=all_labels,
        number=pr.number if pr else None,
        base_ref=pr.base_ref if pr else "",
        github_commits=commits,
    )
