"""emergency-review: a completed emergency change gets its review.

An emergency change is approved in a hurry, by fewer people, and often after the fact;
the post-implementation review is where the organisation checks that the shortcut was
justified and learns from it. The review is added in a later pull request (the audit
checks its deadline), so until it lands this is a reminder, not an error. Failed and
rolled-back changes need a review whatever their type, and change-required-fields
already reports that as an error; this rule does not repeat it.

Passing::

    spec:
      type: emergency
      status: completed
      review: {summary: Hotfix was justified; add a canary., reviewedAt: 2026-12-04}

Failing::

    spec:
      type: emergency
      status: completed    # warning: no review yet
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest

ID = "emergency-review"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, change in catalog.each(ChangeRequest):
        spec = change.spec
        if spec.type == "emergency" and spec.status == "completed" and spec.review is None:
            yield record.diagnostic(
                ID,
                ("spec", "status"),
                "this emergency change is completed but has no post-implementation review; "
                "add spec.review (summary, reviewedAt) in a follow-up pull request",
            )
