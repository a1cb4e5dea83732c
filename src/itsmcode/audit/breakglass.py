"""Break-glass uses in the audit: evidence and the retrospective clock.

A change whose approval record says it passed on break-glass is re-judged like any
other (``reevaluate.reviews_of`` turns the recorded invocation back into the review it
was, so a policy at the parent that did not allow it makes ``approval-not-valid``).
Each use gets a ``breakGlass`` entry in its evidence row, and a clock: the
retrospective is a later merged pull request that adds ``spec.review`` to one of the
change requests the break-glass change brought in, approved (before it merged) by
enough people of the retrospective's ``require``, as it stood at the break-glass merge,
never by the invoker or anyone who wrote the original change. It must land within
``retrospective.within`` of the break-glass merge; otherwise, or when none has landed
by now and the deadline passed, the row gets ``break-glass-retrospective-overdue``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from itsmcode.audit.evidence import Violation
from itsmcode.audit.replay import Step
from itsmcode.models.types import format_duration
from itsmcode.policy.approval_record import ApprovalRecord
from itsmcode.policy.breakglass import Pool
from itsmcode.policy.evaluate import Decision
from itsmcode.policy.github import normalize_login, submitted_by

CONTROL = "break-glass-retrospective-overdue"

#: change request name -> [(sha, landed, approving logins)] of later merged changes
#: that add its ``spec.review``, oldest first.
Retrospectives = dict[str, list[tuple[str, datetime, frozenset[str]]]]


@dataclass
class GlassClock:
    """A break-glass merge and the retrospective it owes."""

    sha: str
    changes: tuple[str, ...]
    merged: datetime
    within: timedelta
    pools: tuple[Pool, ...]
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def due(self) -> datetime:
        return self.merged + self.within


def evidence(
    step: Step, record: ApprovalRecord, decisions: list[Decision] | None, landed: datetime
) -> tuple[dict[str, Any], GlassClock | None]:
    """The row's ``breakGlass`` entry and its clock (None: the policy did not allow it,
    so there is nothing to be retrospective about: approval-not-valid says so)."""
    glass = record.break_glass
    assert glass is not None
    found = decisions[0].break_glass if decisions else None
    used = found.used if found is not None else None
    entry: dict[str, Any] = {
        "invoker": glass.invoker,
        "reason": glass.reason,
        "invokedAt": glass.submitted_at.isoformat() if glass.submitted_at else None,
        "valid": used is not None and bool(decisions) and all(d.approved for d in decisions or []),
        "within": None,
        "deadline": None,
        "retrospective": {"status": "not-applicable"},
    }
    if used is None:
        return entry, None
    changes = tuple(
        sorted(
            {
                e.name
                for e in step.entities
                if e.kind == "ChangeRequest" and e.name and e.status != "removed"
            }
        )
    )
    clock = GlassClock(step.commit.sha, changes, landed, used.within, used.retrospective, entry)
    entry["within"] = format_duration(used.within)
    entry["deadline"] = clock.due.isoformat()
    entry["retrospective"] = {
        "status": "pending",
        "require": [f"{p.count} from {p.label}" for p in used.retrospective],
    }
    return entry, clock


def note_retrospectives(
    step: Step,
    record: ApprovalRecord | str | None,
    landed: datetime,
    found: Retrospectives,
) -> None:
    """Remember a change that adds a change request's ``spec.review``, with the approvals
    its record shows were submitted before it landed."""
    names = [
        e.name
        for e in step.entities
        if e.kind == "ChangeRequest"
        and e.name
        and e.status != "added"
        and any(f.path == "spec.review" and f.op == "added" for f in e.fields)
    ]
    if not names:
        return
    logins: frozenset[str] = frozenset()
    if isinstance(record, ApprovalRecord):
        logins = frozenset(
            login
            for a in record.approvers
            if submitted_by(a.submitted_at, landed) and (login := normalize_login(a.login))
        )
    for name in names:
        found.setdefault(name, []).append((step.commit.sha, landed, logins))


def overdue(
    clocks: Iterable[GlassClock],
    found: Mapping[str, list[tuple[str, datetime, frozenset[str]]]],
    now: datetime,
) -> Iterator[tuple[str, Violation]]:
    """(row sha, violation) per break-glass use whose retrospective came late or never;
    every clock's evidence gets the retrospective's status."""
    for clock in clocks:
        status = clock.evidence["retrospective"]
        within = format_duration(clock.within)
        candidates = sorted(
            (
                (when, sha, logins)
                for name in clock.changes
                for sha, when, logins in found.get(name, [])
                if when >= clock.merged and sha != clock.sha
            ),
        )
        approved = next(
            ((when, sha, logins) for when, sha, logins in candidates if _enough(clock, logins)),
            None,
        )
        if approved is not None:
            when, sha, logins = approved
            status.update(
                approvedIn=sha,
                approvedAt=when.isoformat(),
                approvedBy=sorted(_counted(clock, logins)),
                status="approved" if when <= clock.due else "late",
            )
            if when > clock.due:
                yield (
                    clock.sha,
                    Violation(
                        CONTROL,
                        (
                            f"break-glass by {clock.evidence['invoker']} merged "
                            f"{clock.merged.isoformat()}; its retrospective approval landed in "
                            f"{sha[:12]} at {when.isoformat()}, after the {within} deadline "
                            f"{clock.due.isoformat()}"
                        ),
                    ),
                )
        elif now > clock.due:
            status["status"] = "overdue"
            owed = ", ".join(status["require"]) or "the retrospective approvals"
            tried = (
                f" ({len(candidates)} later change(s) added spec.review without them)"
                if candidates
                else ""
            )
            yield (
                clock.sha,
                Violation(
                    CONTROL,
                    (
                        f"break-glass by {clock.evidence['invoker']} merged "
                        f"{clock.merged.isoformat()}; no retrospective approval ({owed}, "
                        "never the invoker or a writer of the change) on a later change "
                        "adding spec.review to "
                        f"{', '.join(clock.changes) or 'its change requests'} by the {within} "
                        f"deadline {clock.due.isoformat()}{tried}"
                    ),
                ),
            )


def _counted(clock: GlassClock, logins: frozenset[str]) -> set[str]:
    return {login for pool in clock.pools for login in logins & pool.members}


def _enough(clock: GlassClock, logins: frozenset[str]) -> bool:
    return bool(clock.pools) and all(
        p.problem is None and len(logins & p.members) >= p.count for p in clock.pools
    )
