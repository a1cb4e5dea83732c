"""change-failure-rate: of the changes to the service deployed over ``window`` (as
``itsm report changes`` counts them: failed, rolled back or causing an incident), at most
``max`` (a fraction) failed. Fewer than ``minDeployed`` deployments say nothing, and pass.

Passing::

    with: {max: 0.15}    # 1 of 10 changes failed: 10%

Failing::

    with: {max: 0.15}    # 3 of 10 changes failed: 30%, above 15%
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.models.scorecard import FailureRateParams as Params
from itsmcode.reports.common import human
from itsmcode.score.checks.base import ScoreContext

ID = "change-failure-rate"


def check(service: Service, params: Params, context: ScoreContext) -> str | None:
    tally = context.changes_report(params.window).by_service.get(service.name)
    if tally is None or tally.deployed < params.min_deployed or tally.failure_rate is None:
        return None
    if tally.failure_rate <= params.max:
        return None
    return (
        f"{tally.failed} of {tally.deployed} changes in the last "
        f"{human(params.window.total_seconds())} failed ({tally.failure_rate:.0%}), above "
        f"{params.max:.0%}"
    )
