"""change-outside-maintenance-window: a normal change fits in its services' agreed windows.

A service may declare agreed maintenance windows (``spec.maintenanceWindows``), and so
may the calendar its SLA names; the windows are the times its customers agreed it may be
changed. A change still ``planned`` or ``in-progress`` on such a service must lie inside
one occurrence of one of them (from its start to its end; two back-to-back occurrences
do not count as one). Services that declare no window impose none. The approval
policy decides which types the windows bind: ``spec.maintenance.exemptTypes``, by
default ``[standard, emergency]``, so only normal changes are held to them. Windows are
read like freezes (one-off ``start``/``end``, or ``rrule``/``duration`` on the wall
clock of the window's ``timezone``; docs/calendar.md).

Passing::

    # payments-api: maintenanceWindows:
    #   - {name: weeknights, rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=22",
    #      duration: 4h, timezone: Europe/Berlin}
    spec:
      type: normal
      services: [payments-api]
      window: {start: "2026-12-09T22:00:00+01:00", end: "2026-12-10T01:00:00+01:00"}

Failing::

    spec:
      type: normal
      services: [payments-api]
      window: {start: "2026-12-09T14:00:00+01:00", end: "2026-12-09T15:00:00+01:00"}
      # error: the window does not fit in an agreed maintenance window of service
      # 'payments-api' (weeknights, next from 2026-12-09T22:00:00+01:00)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from itsmcode.clock.freezes import occurrences
from itsmcode.clock.maintenance import AgreedWindow, exempt_types, window_index
from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import ALL, DIRECT, SMALL_KINDS, LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest, Service
from itsmcode.models.change import OPEN_STATUSES

ID = "change-outside-maintenance-window"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py): the services it changes, their SLAs and
#: calendars (SLAs and calendars are small kinds), and the policy's exemptions and itsm.yaml's zone.
NEEDS = frozenset({DIRECT, SMALL_KINDS})
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {
    "Service": frozenset({"spec.maintenanceWindows", "spec.sla"}),
    **{kind: ALL for kind in ("SLA", "Calendar", "ApprovalPolicy", "Config")},
}

#: How far ahead the message looks for the next occurrence to suggest.
_LOOKAHEAD = timedelta(days=62)


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    exempt = exempt_types(catalog.policy)
    index = None  # built on the first change that needs it
    for record, change in catalog.each(ChangeRequest):
        spec = change.spec
        if spec.status not in OPEN_STATUSES or spec.type in exempt:
            continue
        if spec.window.end <= spec.window.start:
            continue  # change-window reports it
        if index is None:
            index = window_index(
                catalog.all(Service), catalog.sla, catalog.calendar, catalog.config.spec.timezone
            )
            if not index.by_service:
                return
        for service in index.outside(change):
            yield record.diagnostic(
                ID, ("spec", "window"), message(change, service, index.by_service[service])
            )


def message(change: ChangeRequest, service: str, windows: tuple[AgreedWindow, ...]) -> str:
    """What is wrong and the way out: the next occurrence to move the window into."""
    start = change.spec.window.start
    upcoming = [nxt for agreed in windows if (nxt := _next(agreed, start)) is not None]
    names = ", ".join(dict.fromkeys(w.window.name for w in windows))
    hint = ""
    if upcoming:
        when, name = min(upcoming)
        hint = f"; the next is '{name}' from {when.isoformat()}"
    return (
        f"the window {start.isoformat()} to {change.spec.window.end.isoformat()} does not fit "
        f"in one agreed maintenance window of service '{service}' ({names}){hint}; move "
        "the window into one, or make it an exempt type (policy spec.maintenance.exemptTypes)"
    )


def _next(agreed: AgreedWindow, start: datetime) -> tuple[datetime, str] | None:
    """The first occurrence of ``agreed`` starting at or after ``start`` (within reach)."""
    found = occurrences(agreed.window, ZoneInfo(agreed.zone), start, start + _LOOKAHEAD)
    for occurrence in found:
        if occurrence.start >= start:
            return occurrence.start, occurrence.name
    return None
