"""owner-oncall: the owning team can be paged (its ``spec.contact.oncall`` is set).

Passing::

    # catalog/teams/payments.yaml
    spec: {contact: {oncall: "https://acme.pagerduty.com/schedules/PAY"}}

Failing::

    # catalog/teams/payments.yaml
    spec: {contact: {email: payments@acme.example}}
    # owner team 'payments' has no on-call contact (spec.contact.oncall)
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.score.checks.base import NoParams, ScoreContext

ID = "owner-oncall"
Params = NoParams


def check(service: Service, params: NoParams, context: ScoreContext) -> str | None:
    owner = service.spec.owner
    team = context.catalog.team(owner)
    if team is None:
        return f"owner team '{owner}' does not load"
    if team.spec.contact is not None and team.spec.contact.oncall:
        return None
    return f"owner team '{owner}' has no on-call contact (spec.contact.oncall)"
