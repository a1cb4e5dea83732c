"""sla-attainment: of the incidents on the service measured against its SLA over
``window`` (as ``itsm report sla`` measures them, in business time), at least ``min``
percent met every target. A service without measured incidents passes.

Passing::

    with: {min: 90, window: 90d}    # 19 of 20 incidents within target: 95%

Failing::

    with: {min: 90, window: 90d}    # 8 of 10 within target: 80%, below 90%
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.models.scorecard import AttainmentParams as Params
from itsmcode.reports.common import human
from itsmcode.score.checks.base import ScoreContext

ID = "sla-attainment"


def check(service: Service, params: Params, context: ScoreContext) -> str | None:
    rows = [a for a in context.sla_report(params.window).attainment if a.service == service.name]
    measured = sum(a.measured for a in rows)
    breached = sum(a.breached for a in rows)
    if not measured:
        return None
    percent = round(100 * (measured - breached) / measured, 2)
    if percent >= params.min:
        return None
    return (
        f"{measured - breached} of {measured} incidents in the last "
        f"{human(params.window.total_seconds())} met the SLA ({percent:g}%), below "
        f"{params.min:g}%"
    )
