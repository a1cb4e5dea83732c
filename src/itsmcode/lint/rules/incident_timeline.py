"""incident-timeline: an incident's timestamps tell a possible story.

Reports measure SLA response and resolution from ``openedAt``, ``respondedAt`` and
``resolvedAt``, subtract the time ``onHold``, and compute availability from
``downtime``: a timeline in the wrong order would yield negative durations and silently
wrong attainment. Checked:

- ``openedAt`` <= ``respondedAt`` <= ``resolvedAt`` (each as far as it is given);
- each ``onHold`` span ends after it starts, lies between ``openedAt`` and
  ``resolvedAt``, starts after the previous span ends, and only the last span may be
  open (no ``end``: still on hold), never on a resolved incident;
- ``downtime`` ends after it starts, and has an ``end`` once the incident is resolved
  (it may start before ``openedAt``: outages are often noticed late).

Passing::

    spec:
      openedAt: "2026-11-03T10:12:00+01:00"
      respondedAt: "2026-11-03T10:20:00+01:00"
      resolvedAt: "2026-11-03T12:40:00+01:00"
      onHold:
        - {start: "2026-11-03T11:00:00+01:00", end: "2026-11-03T11:30:00+01:00", reason: Vendor}

Failing::

    spec:
      openedAt: "2026-11-03T10:12:00+01:00"
      resolvedAt: "2026-11-03T09:40:00+01:00"     # error: resolved before it was opened
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.models import Incident

ID = "incident-timeline"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"Incident"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, incident in catalog.each(Incident):
        yield from _order(record, incident)
        yield from _holds(record, incident)
        yield from _downtime(record, incident)


def _order(record: Record, incident: Incident) -> Iterator[Diagnostic]:
    spec = incident.spec
    if spec.responded_at is not None and spec.responded_at < spec.opened_at:
        yield record.diagnostic(
            ID, ("spec", "respondedAt"), "respondedAt is before openedAt; fix either timestamp"
        )
    if spec.resolved_at is not None:
        if spec.resolved_at < spec.opened_at:
            yield record.diagnostic(
                ID, ("spec", "resolvedAt"), "resolvedAt is before openedAt; fix either timestamp"
            )
        elif spec.responded_at is not None and spec.resolved_at < spec.responded_at:
            yield record.diagnostic(
                ID,
                ("spec", "resolvedAt"),
                "resolvedAt is before respondedAt; an incident is responded to no later "
                "than it is resolved",
            )


def _holds(record: Record, incident: Incident) -> Iterator[Diagnostic]:
    spec = incident.spec
    previous_end = spec.opened_at
    for i, hold in enumerate(spec.on_hold):
        loc = ("spec", "onHold", i)
        if hold.start < previous_end:
            what = "openedAt" if i == 0 else "the end of the previous hold"
            yield record.diagnostic(
                ID, (*loc, "start"), f"this hold starts before {what}; holds are in time order"
            )
        if hold.end is None:
            if spec.resolved_at is not None:
                yield record.diagnostic(
                    ID, loc, "a resolved incident is not on hold; give this hold an end"
                )
            elif i != len(spec.on_hold) - 1:
                yield record.diagnostic(
                    ID, loc, "only the last hold may be open (no end); give this hold an end"
                )
            continue
        if hold.end <= hold.start:
            yield record.diagnostic(ID, (*loc, "end"), "this hold ends before it starts")
        elif spec.resolved_at is not None and hold.end > spec.resolved_at:
            yield record.diagnostic(
                ID, (*loc, "end"), "this hold ends after resolvedAt; end it by the resolution"
            )
        previous_end = max(previous_end, hold.end)


def _downtime(record: Record, incident: Incident) -> Iterator[Diagnostic]:
    downtime = incident.spec.downtime
    if downtime is None:
        return
    if downtime.end is None:
        if incident.spec.resolved_at is not None:
            yield record.diagnostic(
                ID,
                ("spec", "downtime"),
                "the incident is resolved but its downtime has no end; set downtime.end",
            )
    elif downtime.end <= downtime.start:
        yield record.diagnostic(ID, ("spec", "downtime", "end"), "downtime ends before it starts")
