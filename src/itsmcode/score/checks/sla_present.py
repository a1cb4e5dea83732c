"""sla-present: the service has an SLA (``spec.sla``) and it loads.

Passing::

    spec: {sla: gold}

Failing::

    spec: {tier: 3}    # no SLA: agree one with the service's customers
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.score.checks.base import NoParams, ScoreContext

ID = "sla-present"
Params = NoParams


def check(service: Service, params: NoParams, context: ScoreContext) -> str | None:
    name = service.spec.sla
    if name is None:
        return "no SLA (spec.sla): agree one with the service's customers"
    if context.catalog.sla(name) is None:
        return f"SLA '{name}' does not load"
    return None
