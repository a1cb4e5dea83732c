"""change-window: a change's window ends after it starts and avoids change freezes.

A window that ends before it starts cannot be scheduled, and a change planned inside a
change freeze (year-end, a weekly "no deploys on Friday afternoon") is exactly what the
freeze exists to stop. The freeze calendars are the ones the approval policy names under
``spec.freeze.calendars``; a change whose type is listed in ``spec.freeze.exemptTypes``
(by default ``emergency``) may run during a freeze. Windows are half-open: a window
ending exactly when a freeze begins is fine.

The end-after-start check applies to every change. The freeze check applies to changes
still ``planned`` or ``in-progress``: the window of a closed change (completed, failed,
rolled-back, cancelled) is history, and a freeze declared later must not turn it into
an error.

Passing::

    # approval policy: freeze: {calendars: [change-freezes], exemptTypes: [emergency]}
    # change-freezes: year-end freeze 2026-12-18 to 2027-01-04
    spec:
      type: normal
      window: {start: "2026-12-02T22:00:00+01:00", end: "2026-12-02T23:30:00+01:00"}

Failing::

    spec:
      type: normal
      window: {start: "2026-12-20T22:00:00+01:00", end: "2026-12-20T23:30:00+01:00"}
      # error: the window overlaps freeze 'year-end' of calendar 'change-freezes'
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.clock.freezes import FreezeInterval
from itsmcode.clock.schedule import freeze_rules, freezes_hit
from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import ALL, SMALL_KINDS, LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest

ID = "change-window"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset({SMALL_KINDS})
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"ApprovalPolicy": ALL, "Calendar": ALL}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    rules = freeze_rules(catalog.policy, catalog.calendar)
    for record, change in catalog.each(ChangeRequest):
        window = change.spec.window
        if window.end <= window.start:
            yield record.diagnostic(
                ID,
                ("spec", "window", "end"),
                f"the window ends at {window.end.isoformat()}, not after it starts at "
                f"{window.start.isoformat()}; set end after start",
            )
            continue
        if not rules.applies_to(change):
            continue
        hits = freezes_hit(rules.calendars, window.start, window.end)
        if hits:
            yield record.diagnostic(ID, ("spec", "window"), message(change, hits, rules.exempt))


def message(
    change: ChangeRequest, hits: list[tuple[str, FreezeInterval]], exempt: tuple[str, ...]
) -> str:
    """What is wrong with a window in a freeze, and the way out."""
    calendar, first = hits[0]
    more = len(hits) - 1
    others = f" (and {more} more freeze{'s' if more > 1 else ''})" if more else ""
    if exempt:
        way_out = f"only {', '.join(exempt)} changes are exempt"
    else:
        way_out = "no change type is exempt"
    return (
        f"the window {change.spec.window.start.isoformat()} to "
        f"{change.spec.window.end.isoformat()} falls in change freeze '{first.name}' of "
        f"calendar '{calendar}' ({first.start.isoformat()} to {first.end.isoformat()})"
        f"{others}; move the window out of the freeze ({way_out})"
    )
