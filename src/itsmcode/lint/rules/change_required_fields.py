"""change-required-fields: a change carries what its type and status call for.

A change must be undoable, traceable to its template, and closed with a record of what
happened; these fields depend on the change's type and status, so the schema alone
cannot require them:

- ``plan.backout`` unless the type is ``standard`` (a standard change's template holds
  the plan): how to undo the change if it goes wrong;
- ``template`` if and only if the type is ``standard``: it names the StandardChange the
  change follows, and means nothing for normal and emergency changes;
- ``outcome`` with ``finishedAt`` once the status is completed, failed or rolled-back
  (not cancelled: a cancelled change never ran);
- ``review`` once the status is failed or rolled-back: what went wrong and what to do
  about it. (A completed emergency change also owes a review: emergency-review warns.)

Blank text counts as missing.

Passing::

    spec:
      type: normal
      status: completed
      plan: {implementation: Roll new certs., backout: Re-deploy the previous bundle.}
      outcome: {finishedAt: "2026-12-02T23:05:00+01:00"}

Failing::

    spec:
      type: normal
      template: rotate-tls-cert     # error: only standard changes use a template
      status: failed                # error: needs outcome.finishedAt; error: needs review
      plan: {implementation: Roll new certs.}   # error: needs plan.backout
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest

ID = "change-required-fields"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}

#: Statuses after which the change ran and its outcome is known.
FINISHED_STATUSES = frozenset({"completed", "failed", "rolled-back"})
#: Statuses after which a post-implementation review is due at once.
REVIEWED_STATUSES = frozenset({"failed", "rolled-back"})


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, change in catalog.each(ChangeRequest):
        spec = change.spec
        if spec.type != "standard" and not (spec.plan.backout or "").strip():
            yield record.diagnostic(
                ID,
                ("spec", "plan", "backout"),
                f"a {spec.type} change needs plan.backout: say how to undo the change if it "
                "goes wrong (only standard changes, whose template holds the plan, may omit it)",
                key=True,
            )
        if spec.type == "standard" and spec.template is None:
            yield record.diagnostic(
                ID,
                ("spec", "type"),
                "a standard change needs spec.template, the name of the StandardChange "
                "(pre-approved template) it follows; without one, make it a normal change",
            )
        if spec.type != "standard" and spec.template is not None:
            yield record.diagnostic(
                ID,
                ("spec", "template"),
                f"only standard changes follow a template, and this one is {spec.type}; "
                "remove spec.template, or set type: standard",
                key=True,
            )
        if spec.status in FINISHED_STATUSES:
            if spec.outcome is None:
                yield record.diagnostic(
                    ID,
                    ("spec", "status"),
                    f"a {spec.status} change needs spec.outcome with finishedAt (and notes, "
                    "incidents): record what happened",
                )
            elif spec.outcome.finished_at is None:
                yield record.diagnostic(
                    ID,
                    ("spec", "outcome", "finishedAt"),
                    f"a {spec.status} change needs outcome.finishedAt, the time it finished "
                    "(ISO 8601 with an offset)",
                    key=True,
                )
        if spec.status in REVIEWED_STATUSES and spec.review is None:
            yield record.diagnostic(
                ID,
                ("spec", "status"),
                f"a {spec.status} change needs spec.review (summary, reviewedAt): a "
                "post-implementation review of what went wrong",
            )
