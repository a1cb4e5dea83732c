"""emergency-reviews: no change to the service that finished over ``window`` and needs a
post-implementation review (emergency or failed) is past its review deadline without
one, as ``itsm report changes`` finds them (``spec.reports.reviewWithin``).

Passing::

    # chg-0042 (emergency, finished 3 weeks ago) has spec.review

Failing::

    # chg-0042 (emergency, finished 3 weeks ago) has no spec.review
    # review overdue for chg-0042
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.score.checks.base import ScoreContext, WindowParams

ID = "emergency-reviews"
Params = WindowParams


def check(service: Service, params: WindowParams, context: ScoreContext) -> str | None:
    report = context.changes_report(params.window)
    mine = {d.change.name for d in report.deployed if service.name in d.change.spec.services}
    overdue = sorted(
        name
        for finding in report.findings
        if finding.type == "review-overdue"
        for kind, name in finding.entities
        if kind == "ChangeRequest" and name in mine
    )
    if not overdue:
        return None
    return f"post-implementation review overdue for {', '.join(overdue)}"
