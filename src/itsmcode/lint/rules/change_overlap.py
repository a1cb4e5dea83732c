"""change-overlap: no two changes touch related services at the same time.

Two changes running at once on the same service, or on a service and one it depends
on directly (``dependsOn``, in either direction), make each other's outcome
unpredictable: when something breaks, nobody knows which change did it, and a backout
of one may undo the other. Windows are half-open, so one change may start exactly when
the other ends. The overlap is reported on each of the two changes, naming the other.

Not compared: cancelled changes (they never ran), pairs of changes that are both closed
(completed, failed or rolled-back: their overlap is history, and reporting it forever
would keep the repository red), and windows that end before they start (change-window
reports those).

Passing::

    # changes/2026/chg-a.yaml
    services: [payments-api]
    window: {start: "2026-12-02T22:00:00+01:00", end: "2026-12-02T23:00:00+01:00"}
    # changes/2026/chg-b.yaml: starts when chg-a ends
    services: [payments-api]
    window: {start: "2026-12-02T23:00:00+01:00", end: "2026-12-03T00:00:00+01:00"}

Failing::

    # changes/2026/chg-b.yaml, where payments-api dependsOn ledger
    services: [ledger]
    window: {start: "2026-12-02T22:30:00+01:00", end: "2026-12-02T23:30:00+01:00"}
    # error, on chg-a and on chg-b: the window overlaps the other change
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.models import ChangeRequest
from itsmcode.models.change import CLOSED_STATUSES

ID = "change-overlap"
SEVERITY = Severity.ERROR


@dataclass(frozen=True)
class _Planned:
    record: Record
    change: ChangeRequest

    @property
    def closed(self) -> bool:
        return self.change.spec.status in CLOSED_STATUSES


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    changes = [
        _Planned(record, change)
        for record, change in catalog.each(ChangeRequest)
        if change.spec.status != "cancelled" and change.spec.window.start < change.spec.window.end
    ]
    neighbours = _neighbours(catalog)
    depends_on = {service: {d for d, _ in deps} for service, deps in catalog.dependencies.items()}
    for first, second in _overlapping_pairs(changes, neighbours):
        yield _report(first, second, depends_on)
        yield _report(second, first, depends_on)


def _neighbours(catalog: Catalog) -> dict[str, set[str]]:
    """Service -> the services it depends on directly, and those depending on it."""
    related: dict[str, set[str]] = {}
    for service, deps in catalog.dependencies.items():
        for dep, _ in deps:
            if dep != service:
                related.setdefault(service, set()).add(dep)
                related.setdefault(dep, set()).add(service)
    return related


def _overlapping_pairs(
    changes: list[_Planned], neighbours: dict[str, set[str]]
) -> Iterator[tuple[_Planned, _Planned]]:
    """Pairs of related changes whose windows overlap: a sweep in start order.

    Each service keeps the changes on it whose window is still open at the sweep's
    current start; a new change only meets the open changes of its own services and
    their direct neighbours, so the work grows with the real overlaps, not with n^2.
    """
    ordered = sorted(changes, key=lambda c: (c.change.spec.window.start, c.record.path))
    open_on: dict[str, list[_Planned]] = {}
    for current in ordered:
        window_start = current.change.spec.window.start
        own = set(current.change.spec.services)
        touched = set(own)
        for service in own:
            touched |= neighbours.get(service, set())
        met: dict[int, _Planned] = {}
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


def _report(this: _Planned, other: _Planned, depends_on: dict[str, set[str]]) -> Diagnostic:
    window = other.change.spec.window
    return this.record.diagnostic(
        ID,
        ("spec", "window"),
        f"the window overlaps change '{other.change.name}' ({other.record.path}, "
        f"{window.start.isoformat()} to {window.end.isoformat()}), "
        f"{_why(this, other, depends_on)}; "
        "move one of the windows, or merge the two changes into one",
    )


def _why(this: _Planned, other: _Planned, depends_on: dict[str, set[str]]) -> str:
    """How the other change relates to this one, in this change's terms."""
    mine = this.change.spec.services
    theirs = other.change.spec.services
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
