"""review-due: entities whose ``reviewBy`` date has passed.

``reviewBy`` keeps the catalog honest: a service's owner, an SLA's targets, a standard
change's scope and an accepted risk all drift out of date unless someone looks at them
again. This rule warns once the date is in the past, in the repository's time zone
(``itsm.yaml`` ``spec.timezone``); on the day itself the review is due, not overdue.
Checked on Service, SLA, StandardChange and Problem; a retired service and a resolved
problem need no more reviews.

Passing::

    spec: {reviewBy: 2027-03-01}    # still ahead

Failing::

    spec: {reviewBy: 2026-01-15}    # warning: review overdue since 2026-01-15
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.models import SLA, Problem, Service, StandardChange

ID = "review-due"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"Service", "SLA", "StandardChange", "Problem"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}
#: Reads the clock as a date in the repository's zone (the lint cache keys on it).
USES_NOW = "date"


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    today = context.now.astimezone(ZoneInfo(context.config.spec.timezone)).date()
    for record, service in catalog.each(Service):
        if service.spec.lifecycle != "retired":
            yield from _due(record, "service", service.spec.review_by, today)
    for record, sla in catalog.each(SLA):
        yield from _due(record, "SLA", sla.spec.review_by, today)
    for record, template in catalog.each(StandardChange):
        yield from _due(record, "standard change", template.spec.review_by, today)
    for record, problem in catalog.each(Problem):
        if problem.spec.status != "resolved":
            yield from _due(record, "problem", problem.spec.review_by, today)


def _due(record: Record, what: str, review_by: date | None, today: date) -> Iterator[Diagnostic]:
    if review_by is None or review_by >= today:
        return
    days = (today - review_by).days
    yield record.diagnostic(
        ID,
        ("spec", "reviewBy"),
        f"this {what} was due for review on {review_by.isoformat()} ({days} day"
        f"{'s' if days != 1 else ''} ago); review it and set reviewBy to the next review date",
    )
