"""The lint rules: one module each, listed explicitly (no import magic)."""

from __future__ import annotations

from itsmcode.diagnostics import Severity
from itsmcode.lint.rules import (
    cab_minutes_valid,
    calendar_valid,
    change_outside_maintenance_window,
    change_overlap,
    change_required_fields,
    change_window,
    dependency_cycle,
    depends_on_retired,
    emergency_review,
    incident_timeline,
    kind_matches_folder,
    name_matches_file,
    no_self_authorization,
    policy_governs_gate,
    problem_links,
    ref_exists,
    requester_is_member,
    review_due,
    risk_understated,
    sla_feasible,
    sla_required,
    sla_sanity,
    standard_change_fit,
    team_member_unique,
    unique_names,
    unknown_location,
)
from itsmcode.lint.rules.base import LintContext, RuleModule
from itsmcode.lint.rules.load_checks import LOAD_CHECKS

#: Semantic rules in the order they run (and are documented).
RULES: dict[str, RuleModule] = {
    module.ID: module
    for module in (
        name_matches_file,
        kind_matches_folder,
        unknown_location,
        unique_names,
        ref_exists,
        dependency_cycle,
        sla_required,
        sla_sanity,
        requester_is_member,
        change_window,
        change_overlap,
        change_outside_maintenance_window,
        change_required_fields,
        no_self_authorization,
        calendar_valid,
        depends_on_retired,
        sla_feasible,
        team_member_unique,
        standard_change_fit,
        emergency_review,
        incident_timeline,
        problem_links,
        review_due,
        policy_governs_gate,
        risk_understated,
        cab_minutes_valid,
    )
}

DEFAULT_SEVERITY: dict[str, Severity | None] = {
    **{check.ID: check.SEVERITY for check in LOAD_CHECKS.values()},
    **{rule.ID: rule.SEVERITY for rule in RULES.values()},
}
ALL_RULE_IDS = frozenset(DEFAULT_SEVERITY)

__all__ = ["ALL_RULE_IDS", "DEFAULT_SEVERITY", "LOAD_CHECKS", "RULES", "LintContext", "RuleModule"]
