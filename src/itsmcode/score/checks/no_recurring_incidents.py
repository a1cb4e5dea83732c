"""no-recurring-incidents: no incidents on the service recur without a problem record
over ``window``, as ``itsm report problems`` finds them (``spec.reports.recurrence`` in
itsm.yaml says how many in how long recur).

Passing::

    # three database incidents in a month, each with spec.problem: prb-db-pool

Failing::

    # three database incidents in a month, none linked to a problem
    # incidents inc-1, inc-2, inc-3 (database) recur without a problem record
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.score.checks.base import ScoreContext, WindowParams

ID = "no-recurring-incidents"
Params = WindowParams


def check(service: Service, params: WindowParams, context: ScoreContext) -> str | None:
    found = [r for r in context.recurrences(params.window) if r.service == service.name]
    if not found:
        return None
    return "; ".join(
        f"incidents {', '.join(r.incidents)} ({r.category}) recur without a problem record"
        for r in found
    )
