"""The lint rules: one module each, listed explicitly (no import magic)."""

from __future__ import annotations

from itsmcode.diagnostics import Severity
from itsmcode.rules import (
    calendar_valid,
    change_overlap,
    change_required_fields,
    change_window,
    emergency_review,
    kind_matches_folder,
    name_matches_file,
    no_self_authorization,
    ref_exists,
    review_due,
    standard_change_fit,
    unique_names,
)
from itsmcode.rules.base import LintContext, RuleModule
from itsmcode.rules.load_checks import LOAD_CHECKS

#: Semantic rules in the order they run (and are documented).
RULES: dict[str, RuleModule] = {
    module.ID: module
    for module in (
        name_matches_file,
        kind_matches_folder,
        unique_names,
        ref_exists,
        change_window,
        change_overlap,
        change_required_fields,
        no_self_authorization,
        calendar_valid,
        standard_change_fit,
        emergency_review,
        review_due,
    )
}

DEFAULT_SEVERITY: dict[str, Severity | None] = {
    **{check.ID: check.SEVERITY for check in LOAD_CHECKS.values()},
    **{rule.ID: rule.SEVERITY for rule in RULES.values()},
}
ALL_RULE_IDS = frozenset(DEFAULT_SEVERITY)

__all__ = ["ALL_RULE_IDS", "DEFAULT_SEVERITY", "LOAD_CHECKS", "RULES", "LintContext", "RuleModule"]
