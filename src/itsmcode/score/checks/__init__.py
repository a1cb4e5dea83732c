"""The check library: one module per check, listed explicitly (no import magic)."""

from __future__ import annotations

from itsmcode.score.checks import (
    change_failure_rate,
    dependencies_live,
    description,
    emergency_reviews,
    no_recurring_incidents,
    owner_oncall,
    problems_have_workaround,
    review_not_due,
    runbook_link,
    sla_attainment,
    sla_feasible,
    sla_present,
)
from itsmcode.score.checks.base import CheckModule, ScoreContext

#: Every check, in the order they are documented.
CHECKS: dict[str, CheckModule] = {
    module.ID: module
    for module in (
        description,
        runbook_link,
        owner_oncall,
        review_not_due,
        sla_present,
        sla_feasible,
        sla_attainment,
        change_failure_rate,
        no_recurring_incidents,
        problems_have_workaround,
        emergency_reviews,
        dependencies_live,
    )
}

__all__ = ["CHECKS", "CheckModule", "ScoreContext"]
