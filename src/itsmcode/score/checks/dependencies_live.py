"""dependencies-live: every service this one depends on (hard or soft) is in the catalog
and live: a planned, deprecated or retired dependency is a plan to finish.

Passing::

    spec: {dependsOn: [{service: ledger}]}    # ledger: lifecycle live

Failing::

    spec: {dependsOn: [{service: legacy-reporting}]}
    # depends on legacy-reporting (deprecated)
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.score.checks.base import NoParams, ScoreContext

ID = "dependencies-live"
Params = NoParams


def check(service: Service, params: NoParams, context: ScoreContext) -> str | None:
    wrong = []
    for name in dict.fromkeys(dep.service for dep in service.spec.depends_on):
        dependency = context.catalog.service(name)
        state = "not in the catalog" if dependency is None else dependency.spec.lifecycle
        if state != "live":
            wrong.append(f"{name} ({state})")
    return None if not wrong else "depends on " + ", ".join(wrong)
