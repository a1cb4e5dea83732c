"""problems-have-workaround: every open problem on the service (status ``open`` or
``known-error``) records a workaround, so whoever is paged can restore service.

Passing::

    spec: {services: [search], status: known-error, workaround: Restart the indexer.}

Failing::

    spec: {services: [search], status: open}
    # open problem prb-search-timeouts has no workaround
"""

from __future__ import annotations

from itsmcode.models import Problem, Service
from itsmcode.score.checks.base import NoParams, ScoreContext

ID = "problems-have-workaround"
Params = NoParams
OPEN = frozenset({"open", "known-error"})


def check(service: Service, params: NoParams, context: ScoreContext) -> str | None:
    missing = sorted(
        problem.name
        for problem in context.catalog.all(Problem)
        if service.name in problem.spec.services
        and problem.spec.status in OPEN
        and not problem.spec.workaround
    )
    if not missing:
        return None
    return (
        f"open problem{'s' if len(missing) > 1 else ''} {', '.join(missing)} without a workaround"
    )
