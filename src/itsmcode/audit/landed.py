"""When each change really landed: the committer date, bounded by what git and the
ledger prove.

A committer date is whatever the machine that made the commit said; a local merge
sets it freely. An audit that judged a change at its committer date would let a
forward-dated merge turn a late approval into a timely one, a back-dated merge dodge
a freeze, and a commit dated into an exported period appear in no export. So each
first-parent commit is judged at its *landed-at* time:

- lower bound: it cannot have landed before its first parent landed, before any
  commit it merges was made, nor before the last ledger run whose head did not yet
  contain it (it was pushed after that run);
- upper bound: it landed before the first ledger run whose head contains it, before
  the first notes commit that wrote its approval record (the record workflow runs
  right after the merge), and before the current time (the wall clock, not
  ``--now``: a re-run with an old ``--now`` judges the same);
- landed-at = the committer date moved into [lower, upper] (the lower bound wins when
  the two cross: the proofs of "not before" come from the history itself).

Along the first-parent line landed-at never goes back, so a date interval selects
consecutive commits, and with the ledger run at each period's end, every pushed
commit falls in the period it was pushed in: exactly one export.

A committer date outside the bounds (beyond ``SKEW``, for clocks that disagree a
little) is reported as ``implausible-date``, naming the bound it breaks; so is a
commit dated after the commit that follows it on the line (without a ledger run in
between, the only trace of a forward-dated merge).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from itsmcode.audit.evidence import Violation
from itsmcode.git.log import LogCommit
from itsmcode.policy.record import SKEW


@dataclass
class Landing:
    """When one commit landed, and why its own date cannot be believed (if so)."""

    at: datetime
    problems: list[Violation] = field(default_factory=list)


def landings(
    log: Sequence[LogCommit],
    parent_dates: Mapping[str, datetime],
    ledger_runs: Sequence[tuple[str, datetime | None]],
    now: datetime,
    recorded: Mapping[str, datetime] | None = None,
) -> dict[str, Landing]:
    """sha -> Landing for every commit of ``log`` (one first-parent line, oldest first).

    ``parent_dates`` holds the committer dates of parents not in ``log`` (merged side
    commits, the parent of the first commit); ``ledger_runs`` the runs the ledger
    recorded for this branch, in run order, with the time of each run; ``recorded``
    when each commit's approval record was first written to the notes ref.
    """
    recorded = recorded or {}
    position = {c.sha: i for i, c in enumerate(log)}
    # Runs whose head is on this line, in run order: run k contains positions 0..pos_k.
    runs = [(position[h], when) for h, when in ledger_runs if h in position and when]
    covering: list[int | None] = [None] * len(log)  # the first run containing position i
    reached = -1
    for k, (pos, _) in enumerate(runs):
        for i in range(reached + 1, pos + 1):
            covering[i] = k
        reached = max(reached, pos)
    latest_before: list[datetime | None] = []  # the latest run time among runs[:k]
    latest: datetime | None = None
    for _, when in runs:
        latest_before.append(latest)
        latest = when if latest is None else max(latest, when)
    every_run = max((when for _, when in ledger_runs if when), default=None)
    found: dict[str, Landing] = {}
    previous: tuple[str, datetime] | None = None
    for i, commit in enumerate(log):
        cover = covering[i]
        last_without = latest_before[cover] if cover is not None else every_run
        problems: list[Violation] = []
        bounds: list[tuple[datetime, str]] = []
        first = commit.parents[0] if commit.parents else None
        if previous is not None and first == previous[0]:
            bounds.append((previous[1], f"before its parent {first[:12]} landed"))
        elif first is not None and first in parent_dates:
            bounds.append((parent_dates[first], f"before its parent {first[:12]} was made"))
        for other in commit.parents[1:]:
            if other in parent_dates:
                bounds.append((parent_dates[other], f"before the commit it merges, {other[:12]}"))
        if last_without is not None:
            bounds.append(
                (last_without, "before the audit ledger's run that did not contain it yet")
            )
        when = commit.committer_date
        lower = max((bound for bound, _ in bounds), default=when)
        for bound, why in bounds:
            if when < bound - SKEW:
                problems.append(
                    Violation(
                        "implausible-date",
                        f"committed at {when.isoformat()}, {why} ({bound.isoformat()}): "
                        f"judged as landed at {lower.isoformat()}",
                    )
                )
        upper, upper_why = now, "the current time"
        if cover is not None:
            upper, upper_why = runs[cover][1], "the audit ledger's run that first saw it"
        written = recorded.get(commit.sha)
        if written is not None and written < upper:
            upper, upper_why = written, "the notes commit that wrote its approval record"
        if when > upper + SKEW:
            problems.append(
                Violation(
                    "implausible-date",
                    f"committed at {when.isoformat()}, after {upper_why} "
                    f"({upper.isoformat()}): dated in the future, judged as landed at "
                    f"{max(lower, upper).isoformat()}",
                )
            )
        at = lower if lower > upper else min(max(when, lower), upper)
        found[commit.sha] = Landing(at, problems)
        previous = (commit.sha, at)
    # Without a ledger run in between, a forward-dated commit shows only against the
    # commit that follows it: name it on both rows (one of the two dates is false).
    for commit, after in pairwise(log):
        if after.parents[:1] == (commit.sha,) and commit.committer_date > (
            after.committer_date + SKEW
        ):
            found[commit.sha].problems.append(
                Violation(
                    "implausible-date",
                    f"committed at {commit.committer_date.isoformat()}, after the commit "
                    f"that follows it on the branch, {after.sha[:12]} "
                    f"({after.committer_date.isoformat()}): one of the two dates is false",
                )
            )
    return found
