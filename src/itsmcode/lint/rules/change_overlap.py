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

from itsmcode.clock.schedule import Scheduled, neighbours, overlapping_pairs, relation, schedulable
from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import ALL, DIRECT, NEIGHBOURS, SIBLINGS, LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.models import ChangeRequest

ID = "change-overlap"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on: the change's
#: services and the ones directly related to them (their dependsOn, either way), and the
#: changes on all of those (an overlap needs a shared service or a direct neighbour).
NEEDS = frozenset({DIRECT, SIBLINGS, NEIGHBOURS})
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"ChangeRequest": ALL, "Service": frozenset({"spec.dependsOn"})}
#: By part (lint/needs.py): of services only which ones they depend on (their facts).
READS_VIA: dict[str, dict[str, frozenset[str]]] = {
    DIRECT: {},
    SIBLINGS: {"ChangeRequest": ALL},
    NEIGHBOURS: {"ChangeRequest": ALL},
}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    changes = schedulable((r, r.path, c) for r, c in catalog.each(ChangeRequest))
    related = neighbours(catalog.dependencies)
    depends_on = {service: {d for d, _ in deps} for service, deps in catalog.dependencies.items()}
    for first, second in overlapping_pairs(changes, related):
        yield _report(first, second, depends_on)
        yield _report(second, first, depends_on)


def _report(
    this: Scheduled[Record], other: Scheduled[Record], depends_on: dict[str, set[str]]
) -> Diagnostic:
    window = other.change.spec.window
    return this.key.diagnostic(
        ID,
        ("spec", "window"),
        f"the window overlaps change '{other.change.name}' ({other.key.path}, "
        f"{window.start.isoformat()} to {window.end.isoformat()}), "
        f"{relation(this.change, other.change, depends_on)}; "
        "move one of the windows, or merge the two changes into one",
    )
