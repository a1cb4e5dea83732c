"""GitHub's merge queue: judging a ``merge_group`` (``checks_requested``) before it lands.

The queue builds a temporary branch ``gh-readonly-queue/<base>/pr-<N>-<sha>`` on top of
``merge_group.base_sha`` holding one entry per queued pull request (a merge commit, a
squash commit or rebased commits, depending on the merge method), the last one being
pull request N. What lands is that branch's head, so the group passes only if:

- the history ``base_sha..head_sha`` is exactly the queued pull requests, one after
  the other, each entry's tree equal to merging that pull request's *current* head (as
  GitHub's API gives it now) onto the previous entry: a commit in no pull request, a
  pull request whose head moved or whose data was not given fails the group closed;
- every pull request passes the policy *at the group's base* on its own changes on top
  of that base (``check.run_check`` with ``base = merge_group.base_sha``), with its
  reviews fetched when the group was built, at the time the group is judged (freezes,
  error budgets and ``computedRisk`` at that moment). A pull request earlier in the
  group that edits the policy changes nothing for the others: the base's policy judges
  each of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from itsmcode.git.facts import PolicyGit
from itsmcode.policy.check import CheckResult, run_check
from itsmcode.policy.facts import PullFacts
from itsmcode.policy.github import (
    MergeGroup,
    PayloadError,
    PullCommit,
    PullRequest,
    Review,
    load_json,
    parse_pull_commits,
    parse_pull_request,
    parse_reviews,
)
from itsmcode.policy.inputs import pull_facts


@dataclass(frozen=True)
class QueuedPull:
    """One pull request of the group as the workflow fetched it when the group was built."""

    pr: PullRequest
    reviews: tuple[Review, ...]
    commits: tuple[PullCommit, ...] | None


@dataclass
class GroupResult:
    """The decision for one merge group: every pull request's, and the group's own."""

    group: MergeGroup
    results: list[CheckResult] = field(default_factory=list)
    #: Why the group fails closed whatever the approvals (its history, missing data).
    problems: list[str] = field(default_factory=list)
    #: Pull request number -> the group commit that lands it, in queue order.
    entries: list[tuple[int, str]] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return not self.problems and bool(self.results) and all(r.approved for r in self.results)


def load_queued(path: Path) -> QueuedPull:
    """``--queued FILE``: ``{"pull_request": <REST pull request>, "reviews": [...],
    "commits": [...]}`` (``commits`` optional), as the workflow assembles it with gh."""
    data: Any = load_json(path)
    if not isinstance(data, dict):
        raise PayloadError(f"{path}: expected an object with pull_request, reviews, commits")
    pr = parse_pull_request(data.get("pull_request"), f"{path}: pull_request")
    raw_reviews = data.get("reviews")
    if isinstance(raw_reviews, list):
        # A deleted account's reviews ("user": null) never count; see inputs.load_reviews.
        raw_reviews = [
            r for r in raw_reviews if not (isinstance(r, dict) and r.get("user") is None)
        ]
    reviews = parse_reviews(raw_reviews, f"{path}: reviews")
    commits = data.get("commits")
    listed = None if commits is None else tuple(parse_pull_commits(commits, f"{path}: commits"))
    return QueuedPull(pr, tuple(reviews), listed)


def run_group(
    root: Path, group: MergeGroup, queued: Sequence[QueuedPull], now: datetime
) -> GroupResult:
    """Judge every queued pull request at the group's base, and the group's history."""
    repo = PolicyGit(root)
    base = repo.resolve(group.base_sha)
    head = repo.resolve(group.head_sha)
    result = GroupResult(group)
    numbers = [q.pr.number for q in queued]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        result.problems.append(f"pull request #{number} was given more than once")
    if group.number not in numbers:
        result.problems.append(
            f"the group's head_ref names pull request #{group.number}, whose data was not given "
            "(--queued): the group cannot be judged, it fails closed"
        )
    for entry in queued:
        if entry.pr.base_ref != group.base_ref:
            result.problems.append(
                f"pull request #{entry.pr.number} targets {entry.pr.base_ref or '(unknown)'}, "
                f"not the group's base branch {group.base_ref}"
            )
    order = _match_history(repo, base, head, queued, result)
    if order and order[-1] != group.number and not result.problems:
        result.problems.append(
            f"the group's last entry is pull request #{order[-1]}, but its head_ref names "
            f"#{group.number}"
        )
    by_number = {q.pr.number: q for q in queued}
    for number in order or numbers:
        entry = by_number[number]
        facts: PullFacts = pull_facts(
            entry.pr, base=base, head=None, author=None, labels=(), commits=entry.commits
        )
        result.results.append(run_check(root, facts, entry.reviews, now))
    return result


def _match_history(
    repo: PolicyGit,
    base: str,
    head: str,
    queued: Sequence[QueuedPull],
    result: GroupResult,
) -> list[int]:
    """The queue order of the pull requests, read from the group's first-parent history:
    each entry is the first later commit whose tree is the previous entry merged with a
    pull request's head. Problems go to ``result``; the order found so far is returned."""
    chain = repo.first_parent_chain(base, head)
    if not chain or (repo.parents(chain[0]) or [""])[0] != base:
        result.problems.append(
            f"the group's head {head[:12]} is not built on its base {base[:12]} along first "
            "parents: the group fails closed"
        )
        return []
    trees = [repo.tree_of(sha) for sha in chain]
    remaining = {q.pr.number: q for q in queued}
    order: list[int] = []
    previous, position = base, 0
    while remaining:
        best: tuple[int, int] | None = None  # (chain index, number)
        for number, entry in sorted(remaining.items()):
            if not repo.has_commit(entry.pr.head_sha):
                result.problems.append(
                    f"pull request #{number}: its head {entry.pr.head_sha[:12]} is not in this "
                    f"clone (fetch refs/pull/{number}/head)"
                )
                continue
            merged = repo.test_merge(previous, entry.pr.head_sha)
            if merged is None:
                continue
            tree = repo.tree_of(merged)
            index = next((i for i in range(position, len(chain)) if trees[i] == tree), None)
            if index is not None and (best is None or index < best[0]):
                best = (index, number)
        if best is None:
            break
        index, number = best
        order.append(number)
        result.entries.append((number, chain[index]))
        del remaining[number]
        previous, position = chain[index], index + 1
    for number, entry in sorted(remaining.items()):
        if any(f"#{number}:" in p for p in result.problems):
            continue
        result.problems.append(
            f"pull request #{number} at its current head {entry.pr.head_sha[:12]} is not what "
            "the group holds (its head moved after it was queued, or it is no part of this "
            "group): the group fails closed"
        )
    if position < len(chain):
        extra = ", ".join(sha[:12] for sha in chain[position:])
        result.problems.append(
            f"the group's head {head[:12]} holds commits that land no queued pull request "
            f"({extra}): nobody approved them, the group fails closed"
        )
    return order
