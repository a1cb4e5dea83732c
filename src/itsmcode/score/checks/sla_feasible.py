"""sla-feasible: the SLA's availability target is within what the service's hard
dependencies allow, as the lint rule ``sla-feasible`` judges it (the same code). A
service without an SLA passes: ``sla-present`` asks for one.

Passing::

    # ledger and auth use SLA gold (99.95%)
    spec: {sla: silver, dependsOn: [{service: ledger}, {service: auth}]}   # silver: 99.9%

Failing::

    spec: {sla: gold, dependsOn: [{service: ledger}, {service: auth}]}
    # SLA gold promises 99.95% but hard dependencies allow at most 99.90%
"""

from __future__ import annotations

from itsmcode.lint.rules.sla_feasible import infeasible
from itsmcode.models import Service
from itsmcode.score.checks.base import NoParams, ScoreContext

ID = "sla-feasible"
Params = NoParams


def check(service: Service, params: NoParams, context: ScoreContext) -> str | None:
    found = infeasible(context.catalog, service)
    return None if found is None else found.summary()
