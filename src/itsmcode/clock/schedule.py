"""Conflicts in the schedule of change: overlapping windows and windows in a freeze.

One definition for the lint rules (change-overlap, change-window) and the forward
schedule (``itsm calendar``), so the calendar shows exactly the conflicts lint fails on.

- Two changes conflict when their windows overlap (half-open: one may start when the
  other ends) and they touch the same service, or a service and one it depends on
  directly (``dependsOn``, either direction). Cancelled changes never conflict, nor do
  two closed ones (their overlap is history), nor a window that ends before it starts.
- A window conflicts with a freeze of a calendar the approval policy names under
  ``spec.freeze.calendars`` while the change is planned or in progress, unless its type
  is listed in ``spec.freeze.exemptTypes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from itsmcode.clock.freezes import FreezeInterval, freeze_intervals
from itsmcode.models import ApprovalPolicy, Calendar, ChangeRequest
from itsmcode.models.change import CLOSED_STATUSES, OPEN_STATUSES

K = TypeVar("K")


@dataclass(frozen=True)
class Scheduled(Generic[K]):
    """A change that can take part in an overlap; ``key`` is the caller's handle (a
    record), ``order`` breaks ties between equal starts (its path)."""

    key: K
    order: str
    change: ChangeRequest

    @property
    def closed(self) -> bool:
        return self.change.spec.status in CLOSED_STATUSES


def schedulable(changes: Iterable[tuple[K, str, ChangeRequest]]) -> list[Scheduled[K]]:
    """The changes that may overlap: not cancelled, with a window that ends after it starts."""
    return [
        Scheduled(key, order, change)
        for key, order, change in changes
        if change.spec.status != "cancelled" and change.spec.window.start < change.spec.window.end
    ]


def neighbours(dependencies: Mapping[str, Iterable[tuple[str, str]]]) -> dict[str, set[str]]:
    """Service -> the services it depends on directly, and those depending on it."""
    related: dict[str, set[str]] = {}
    for service, deps in dependencies.items():
        for dep, _ in deps:
            if dep != service:
                related.setdefault(service, set()).add(dep)
                related.setdefault(dep, set()).add(service)
    return related


def overlapping_pairs(
    changes: list[Scheduled[K]], related: Mapping[str, set[str]]
) -> Iterator[tuple[Scheduled[K], Scheduled[K]]]:
    """Pairs (earlier, later) of related changes whose windows overlap: a sweep in start
    order.

    Each service keeps the changes on it whose window is still open at the sweep's
    current start; a new change only meets the open changes of its own services and
    their direct neighbours, so the work grows with the real overlaps, not with n^2.
    """
    ordered = sorted(changes, key=lambda c: (c.change.spec.window.start, c.order))
    open_on: dict[str, list[Scheduled[K]]] = {}
    for current in ordered:
        window_start = current.change.spec.window.start
        own = set(current.change.spec.services)
        touched = set(own)
        for service in own:
            touched |= related.get(service, set())
        met: dict[int, Scheduled[K]] = {}
        for service in sorted(touched):
            still_open = [
                other
                for other in open_on.get(service, [])
                if other.change.spec.window.end > window_start
            ]
            if service in open_on:
                open_on[service] = still_open
            for other in still_open:
                if not (other.closed and current.closed):
                    met.setdefault(id(other), other)
        yield from ((other, current) for other in met.values())
        for service in own:
            open_on.setdefault(service, []).append(current)


def relation(this: ChangeRequest, other: ChangeRequest, depends_on: Mapping[str, set[str]]) -> str:
    """How ``other`` relates to ``this`` change, in this change's terms."""
    mine = this.spec.services
    theirs = other.spec.services
    shared = [service for service in mine if service in theirs]
    if shared:
        return f"which also changes service '{shared[0]}'"
    for service in mine:
        for related in theirs:
            if related in depends_on.get(service, set()):
                return f"which changes '{related}', a service that '{service}' depends on"
            if service in depends_on.get(related, set()):
                return f"which changes '{related}', a service that depends on '{service}'"
    return "which changes a related service"  # pragma: no cover - pairs come from relations


@dataclass(frozen=True)
class FreezeRules:
    """The freezes lint enforces: the policy's freeze calendars and exempt change types."""

    calendars: tuple[Calendar, ...] = ()
    exempt: tuple[str, ...] = ()

    def applies_to(self, change: ChangeRequest) -> bool:
        """Whether this change must stay out of the freezes (open and not exempt)."""
        return change.spec.status in OPEN_STATUSES and change.spec.type not in self.exempt


def freeze_rules(
    policy: ApprovalPolicy | None, calendar: Callable[[str], Calendar | None]
) -> FreezeRules:
    """The freeze calendars ``policy`` names (those that load) and its exempt types."""
    if policy is None:
        return FreezeRules()
    # A missing calendar is ref-exists' to report; a broken one calendar-valid's.
    found = (calendar(name) for name in policy.spec.freeze.calendars)
    return FreezeRules(
        tuple(c for c in found if c is not None), tuple(policy.spec.freeze.exempt_types)
    )


def freezes_hit(
    calendars: Iterable[Calendar], start: datetime, end: datetime
) -> list[tuple[str, FreezeInterval]]:
    """(calendar name, earliest occurrence) of every freeze the window overlaps."""
    hits: list[tuple[str, FreezeInterval]] = []
    for calendar in calendars:
        for interval in freeze_intervals(calendar, start, end, first_per_freeze=True):
            hits.append((calendar.name, interval))
    return sorted(hits, key=lambda hit: (hit[1].start, hit[0], hit[1].name))
