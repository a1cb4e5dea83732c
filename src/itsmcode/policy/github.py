"""GitHub facts as typed values: pull request event payloads and review lists.

Inputs are the JSON GitHub actually sends: the ``pull_request``,
``pull_request_review``, ``merge_group`` (``checks_requested``) and ``push`` webhook
payloads (``$GITHUB_EVENT_PATH`` in Actions), the array that
``GET /repos/{owner}/{repo}/pulls/{n}/reviews`` returns and the one of
``GET /repos/{owner}/{repo}/pulls/{n}/commits`` (``gh api --paginate`` concatenates one
array per page; that is accepted too).

Security-relevant choices live here (policy.md, properties 2-4):
- the pull request's author is ``pull_request.user.login``, never ``sender`` (in a
  review event the sender is the reviewer);
- logins compare case-insensitively and otherwise exactly; a login that is not a
  valid ASCII GitHub login (a Unicode look-alike, say) never matches anyone;
- only each user's latest review state counts: a later CHANGES_REQUESTED or a
  DISMISSED review cancels an approval, a COMMENTED review changes nothing;
- with ``invalidate_on_push`` an approval counts only for the exact head sha;
- for a merged pull request (``policy record``, the audit) only reviews submitted by
  the merge count: an approval given afterwards did not authorize the change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from itsmcode.errors import ConfigError
from itsmcode.models.types import LOGIN_PATTERN

_LOGIN = re.compile(LOGIN_PATTERN, re.ASCII)
_BOT = re.compile(LOGIN_PATTERN.removesuffix("$") + r"\[bot\]$", re.ASCII)
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
REVIEW_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"})


def normalize_login(login: object) -> str | None:
    """The comparable form of a GitHub login, or None when it is not a valid login."""
    if not isinstance(login, str) or not _LOGIN.fullmatch(login):
        return None
    return login.lower()


def valid_author(login: object) -> bool:
    """Whether ``login`` can name a pull request's author: a valid GitHub login, or a
    GitHub App's bot account (``dependabot[bot]``). A bot's own reviews carry the same
    name, which is no login, so they never count; anything else (`` maria-lopez``,
    ``maria_lopez``) would silently never be the author, and is refused."""
    return normalize_login(login) is not None or (
        isinstance(login, str) and _BOT.fullmatch(login) is not None
    )


@dataclass(frozen=True)
class Review:
    login: str  # as GitHub sent it; compare with normalize_login
    state: str  # one of REVIEW_STATES (upper case, as the REST API sends it)
    commit_id: str | None
    submitted_at: datetime | None
    review_id: int | None = None
    #: The review's text (break-glass reads its marker from it); None: not given.
    body: str | None = None


@dataclass(frozen=True)
class MergeGroup:
    """A ``merge_group`` payload's group: the queue's temporary branch to be checked.

    ``head_ref`` is ``refs/heads/gh-readonly-queue/<base>/pr-<N>-<sha>``: ``number`` is
    the pull request whose entry the group ends with, ``ref_sha`` the sha in the name.
    """

    head_sha: str
    head_ref: str
    base_sha: str
    base_ref: str  # the branch name, without refs/heads/
    number: int
    ref_sha: str


_QUEUE_REF = re.compile(
    r"^refs/heads/gh-readonly-queue/(?P<base>.+)/pr-(?P<n>[0-9]+)-(?P<sha>[0-9a-f]{40})$"
)


@dataclass(frozen=True)
class PullRequest:
    number: int
    author: str
    base_sha: str
    head_sha: str
    base_ref: str
    labels: tuple[str, ...] = ()
    merged: bool = False
    merge_commit_sha: str | None = None
    merged_at: datetime | None = None  # when GitHub merged it (the record's cut-off)


@dataclass(frozen=True)
class Person:
    """A name and e-mail as a commit states them, and the account GitHub tied them to."""

    name: str
    email: str
    login: str | None  # None: GitHub could not tie the e-mail to an account


@dataclass(frozen=True)
class PullCommit:
    """One commit of ``GET /repos/{o}/{r}/pulls/{n}/commits``."""

    sha: str
    author: Person
    committer: Person
    message: str
    #: ``commit.verification.verified``: GitHub checked the signature against the
    #: committer's account (False when absent); ``reason`` says why not (``bad_email``).
    verified: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class Event:
    """What one webhook payload says: the event name and the pull request, if any."""

    name: str  # pull_request | pull_request_review | push
    action: str | None
    pull_request: PullRequest | None
    review: Review | None = None
    push_after: str | None = None  # push: the new tip of the ref
    merge_group: MergeGroup | None = None


class PayloadError(ConfigError):
    """An event payload or review list that cannot be understood (exit 2)."""


def load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PayloadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PayloadError(f"{path}: not UTF-8 JSON") from None
    return _decode_concatenated(text, path)


def _decode_concatenated(text: str, source: Path) -> Any:
    """One JSON value, or several arrays back to back (``gh api --paginate``)."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            break
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            where = f"{source}:{exc.lineno}:{exc.colno}"
            raise PayloadError(f"{where}: invalid JSON: {exc.msg}") from None
        values.append(value)
    if not values:
        raise PayloadError(f"{source}: empty file; expected JSON")
    if len(values) == 1:
        return values[0]
    if all(isinstance(v, list) for v in values):
        return [item for page in values for item in page]
    raise PayloadError(f"{source}: several JSON values; only paginated arrays may be concatenated")


def parse_event(payload: Any, name: str | None = None, source: str = "event") -> Event:
    """Typed facts from a webhook payload; ``name`` is $GITHUB_EVENT_NAME when known."""
    if not isinstance(payload, Mapping):
        raise PayloadError(f"{source}: expected a JSON object (a GitHub webhook payload)")
    if name is None:
        if "merge_group" in payload:
            name = "merge_group"
        elif "review" in payload and "pull_request" in payload:
            name = "pull_request_review"
        elif "pull_request" in payload:
            name = "pull_request"
        elif "after" in payload and "ref" in payload:
            name = "push"
        else:
            raise PayloadError(
                f"{source}: not a pull_request, pull_request_review, merge_group or push payload"
            )
    action = payload.get("action") if isinstance(payload.get("action"), str) else None
    if name == "merge_group":
        group = parse_merge_group(payload.get("merge_group"), f"{source}: merge_group")
        return Event(name, action, None, merge_group=group)
    if name == "push":
        after = payload.get("after")
        return Event(name, action, None, push_after=after if isinstance(after, str) else None)
    pull_request = parse_pull_request(payload.get("pull_request"), f"{source}: pull_request")
    review = None
    if name == "pull_request_review":
        review = parse_review(payload.get("review"), f"{source}: review")
    return Event(name, action, pull_request, review)


def parse_pull_request(data: Any, where: str) -> PullRequest:
    if not isinstance(data, Mapping):
        raise PayloadError(f"{where}: missing or not an object")
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool):
        raise PayloadError(f"{where}.number: expected an integer")
    author = _login_at(data.get("user"), f"{where}.user.login")
    base, head = data.get("base"), data.get("head")
    base_sha = _sha_at(base, f"{where}.base.sha")
    head_sha = _sha_at(head, f"{where}.head.sha")
    base_ref = base.get("ref") if isinstance(base, Mapping) else None
    labels = tuple(
        label["name"]
        for label in data.get("labels") or []
        if isinstance(label, Mapping) and isinstance(label.get("name"), str)
    )
    merge_sha = data.get("merge_commit_sha")
    return PullRequest(
        number=number,
        author=author,
        base_sha=base_sha,
        head_sha=head_sha,
        base_ref=base_ref if isinstance(base_ref, str) else "",
        labels=labels,
        merged=data.get("merged") is True,
        merge_commit_sha=merge_sha if isinstance(merge_sha, str) else None,
        merged_at=_time(data.get("merged_at"), f"{where}.merged_at"),
    )


def parse_merge_group(data: Any, where: str) -> MergeGroup:
    """The ``merge_group`` object of a ``checks_requested`` payload."""
    if not isinstance(data, Mapping):
        raise PayloadError(f"{where}: missing or not an object")
    head_sha = _sha_field(data, "head_sha", where)
    base_sha = _sha_field(data, "base_sha", where)
    head_ref, base_ref = data.get("head_ref"), data.get("base_ref")
    if not isinstance(base_ref, str) or not base_ref.startswith("refs/heads/"):
        raise PayloadError(f"{where}.base_ref: expected refs/heads/<branch>")
    branch = base_ref.removeprefix("refs/heads/")
    found = _QUEUE_REF.fullmatch(head_ref) if isinstance(head_ref, str) else None
    if found is None or found["base"] != branch:
        raise PayloadError(
            f"{where}.head_ref: expected refs/heads/gh-readonly-queue/{branch}/pr-<number>-<sha>,"
            f" got {head_ref!r}"
        )
    assert isinstance(head_ref, str)
    return MergeGroup(head_sha, head_ref, base_sha, branch, int(found["n"]), found["sha"])


def _sha_field(data: Mapping[str, Any], key: str, where: str) -> str:
    sha = data.get(key)
    if not isinstance(sha, str) or not _SHA.fullmatch(sha):
        raise PayloadError(f"{where}.{key}: expected a full commit sha")
    return sha


def parse_pull_commits(data: Any, source: str = "commits") -> list[PullCommit]:
    """The REST list of a pull request's commits (pages concatenated) to PullCommits."""
    if not isinstance(data, list):
        raise PayloadError(f"{source}: expected a JSON array of commits")
    return [_pull_commit(item, f"{source}[{i}]") for i, item in enumerate(data)]


def _pull_commit(data: Any, where: str) -> PullCommit:
    if not isinstance(data, Mapping):
        raise PayloadError(f"{where}: expected an object")
    sha = data.get("sha")
    if not isinstance(sha, str) or not _SHA.fullmatch(sha):
        raise PayloadError(f"{where}.sha: expected a full commit sha")
    commit = data.get("commit")
    if not isinstance(commit, Mapping):
        raise PayloadError(f"{where}.commit: missing or not an object")
    message = commit.get("message")
    if not isinstance(message, str):
        raise PayloadError(f"{where}.commit.message: expected a string")
    verification = commit.get("verification")
    verified, reason = False, "no verification given"
    if isinstance(verification, Mapping):
        verified = verification.get("verified") is True
        stated = verification.get("reason")
        reason = stated if isinstance(stated, str) and stated else "no reason given"
    return PullCommit(
        sha,
        _person(data, commit, "author", where),
        _person(data, commit, "committer", where),
        message,
        verified,
        None if verified else reason,
    )


def _person(data: Mapping[str, Any], commit: Mapping[str, Any], role: str, where: str) -> Person:
    """``commit.<role>.{name,email}`` and the top-level ``<role>.login`` (null when GitHub
    ties the e-mail to no account)."""
    stated = commit.get(role)
    if not isinstance(stated, Mapping):
        raise PayloadError(f"{where}.commit.{role}: missing or not an object")
    name, email = stated.get("name"), stated.get("email")
    if not isinstance(name, str) or not isinstance(email, str):
        raise PayloadError(f"{where}.commit.{role}: expected a name and an email")
    account = data.get(role)
    login = account.get("login") if isinstance(account, Mapping) else None
    return Person(name, email, login if isinstance(login, str) and login else None)


def parse_review(data: Any, where: str) -> Review:
    if not isinstance(data, Mapping):
        raise PayloadError(f"{where}: expected an object")
    login = _login_at(data.get("user"), f"{where}.user.login")
    state = data.get("state")
    if not isinstance(state, str) or state.upper() not in REVIEW_STATES:
        raise PayloadError(f"{where}.state: unknown review state {state!r}")
    commit = data.get("commit_id")
    review_id = data.get("id")
    body = data.get("body")
    return Review(
        login=login,
        state=state.upper(),  # webhooks send lower case, the REST API upper case
        commit_id=commit if isinstance(commit, str) else None,
        submitted_at=_time(data.get("submitted_at"), f"{where}.submitted_at"),
        review_id=review_id if isinstance(review_id, int) else None,
        body=body if isinstance(body, str) else None,
    )


def parse_reviews(data: Any, source: str = "reviews") -> list[Review]:
    """The REST reviews list (pages concatenated) to Reviews, in the order given."""
    if not isinstance(data, list):
        raise PayloadError(f"{source}: expected a JSON array of reviews")
    return [parse_review(item, f"{source}[{i}]") for i, item in enumerate(data)]


def effective_approvers(
    reviews: Iterable[Review], head_sha: str, *, invalidate_on_push: bool = True
) -> dict[str, Review]:
    """Normalized login -> the approving review, for users whose latest word is approval.

    Reviews are ordered by submission time (then id); a review without a time is the
    oldest. A COMMENTED (or PENDING) review neither grants nor cancels.
    """

    def order(review: Review) -> tuple[float, int]:
        stamp = review.submitted_at.timestamp() if review.submitted_at else float("-inf")
        return stamp, review.review_id or 0

    latest: dict[str, Review] = {}
    for review in sorted(reviews, key=order):
        login = normalize_login(review.login)
        if login is None or review.state in ("COMMENTED", "PENDING"):
            continue
        latest[login] = review
    return {
        login: review
        for login, review in latest.items()
        if review.state == "APPROVED" and (not invalidate_on_push or review.commit_id == head_sha)
    }


def submitted_by(submitted_at: datetime | None, moment: datetime) -> bool:
    """Whether a review time shows the review was submitted at or before ``moment``.

    A missing time shows nothing (False); a time without an offset is UTC, as GitHub's.
    """
    if submitted_at is None:
        return False
    return _utc(submitted_at) <= _utc(moment)


def reviews_at(reviews: Iterable[Review], merged: datetime) -> tuple[list[Review], list[Review]]:
    """(the reviews that stood when the pull request merged, the approvals that did not).

    A review submitted after ``merged`` is no part of what the change was authorized
    with: an approval given afterwards does not count, nor does a later objection cancel
    an approval the change went in with. An approval without a submission time cannot
    show it came first, so it does not count either; another review without a time
    stays (it is the oldest, so it cannot cancel anything). The second list holds the
    dropped approvals, in the order given, for the caller to report.
    """
    kept: list[Review] = []
    late: list[Review] = []
    for review in reviews:
        if submitted_by(review.submitted_at, merged) or (
            review.submitted_at is None and review.state != "APPROVED"
        ):
            kept.append(review)
        elif review.state == "APPROVED":
            late.append(review)
    return kept, late


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _login_at(user: Any, where: str) -> str:
    login = user.get("login") if isinstance(user, Mapping) else None
    if not isinstance(login, str) or not login:
        raise PayloadError(f"{where}: missing")
    return login


def _sha_at(ref: Any, where: str) -> str:
    sha = ref.get("sha") if isinstance(ref, Mapping) else None
    if not isinstance(sha, str) or not _SHA.fullmatch(sha):
        raise PayloadError(f"{where}: expected a full commit sha")
    return sha


def _time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{where}: expected an ISO 8601 time")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(f"{where}: invalid time {value!r}") from None
