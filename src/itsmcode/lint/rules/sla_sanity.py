"""sla-sanity: an SLA's time targets are consistent.

Two things must hold, or the SLA promises something nobody can deliver or measure:

- for each priority, ``response`` is no longer than ``resolution`` (an incident cannot
  be resolved before anyone responds to it);
- targets do not tighten as priority drops: P1 <= P2 <= P3 <= P4, for response and for
  resolution separately. Only priorities that are set are compared, so an SLA may leave
  out P2 and still compare P3 with P1.

Reported at the offending value: the response that exceeds its resolution, or the
lower priority's target that is shorter than a higher priority's (naming the longest
higher-priority target it undercuts, so a typo in P1 shows up in every later message).

Passing::

    targets:
      P1: {response: 15m, resolution: 4h}
      P3: {response: 4h, resolution: 5d}

Failing::

    targets:
      P1: {response: 1h, resolution: 4h}
      P2: {response: 30m, resolution: 20m}
      # error: P2 response 30m is longer than its resolution 20m
      # error: P2 response 30m is shorter than P1 response 1h
      # error: P2 resolution 20m is shorter than P1 resolution 4h
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import SLA
from itsmcode.models.types import format_duration

ID = "sla-sanity"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"SLA"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, sla in catalog.each(SLA):
        items = sla.spec.targets.items()
        for priority, target in items:
            if target.response > target.resolution:
                yield record.diagnostic(
                    ID,
                    ("spec", "targets", priority, "response"),
                    f"{priority} response {format_duration(target.response)} is longer than "
                    f"its resolution {format_duration(target.resolution)}: an incident "
                    "cannot be resolved before it is responded to; shorten the response or "
                    "lengthen the resolution",
                )
        for field in ("response", "resolution"):
            # The longest target so far among higher priorities, and whose it is.
            longest: tuple[str, timedelta] | None = None
            for priority, target in items:
                value: timedelta = getattr(target, field)
                if longest is not None and value < longest[1]:
                    yield record.diagnostic(
                        ID,
                        ("spec", "targets", priority, field),
                        f"{priority} {field} {format_duration(value)} is shorter than "
                        f"{longest[0]} {field} {format_duration(longest[1])}: a lower "
                        "priority must not be promised faster than a higher one (P1 <= P2 "
                        f"<= P3 <= P4); lengthen {priority} or shorten {longest[0]}",
                    )
                if longest is None or value > longest[1]:
                    longest = (priority, value)
