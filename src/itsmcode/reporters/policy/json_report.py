"""``itsm policy check --format json``: the decision as stable, documented JSON.

Schema ``itsmcode/policy-decision/v1`` (docs/reference/policy.md). Keys are only
ever added within a version; lists are sorted so the same decision prints the same.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from itsmcode.models.types import format_duration
from itsmcode.policy.breakglass import BreakGlassDecision
from itsmcode.policy.check import CheckResult
from itsmcode.policy.evaluate import Decision, RuleDecision
from itsmcode.policy.facts import Item
from itsmcode.reporters.base import ReportOptions

SCHEMA = "itsmcode/policy-decision/v1"


def to_data(result: CheckResult) -> dict[str, Any]:
    pr = result.pr
    return {
        "schema": SCHEMA,
        "approved": result.approved,
        "approvedBy": _approved_by(result),
        "pullRequest": {
            "number": pr.number,
            "author": pr.author,
            "labels": sorted(pr.labels),
            "base": pr.base_sha,
            "head": pr.head_sha,
            "mergeBase": result.merge_base,
            "committers": sorted(pr.committers),
        },
        "changes": [
            {
                "label": item.label,
                "status": item.status,
                "kind": item.kind,
                "name": item.name,
                "path": item.path,
                "oldPath": item.old_path,
                "oldName": item.old_name,
                "services": list(item.services),
                "computedRisk": _computed_risk(item),
                "outsideMaintenanceWindow": _outside(item),
            }
            for item in result.items
        ],
        "decisions": [decision_data(d) for d in result.decisions],
    }


def _approved_by(result: CheckResult) -> str | None:
    """rules | break-glass (the rules' approvals overridden) | None: not approved."""
    if not result.approved:
        return None
    return "break-glass" if result.break_glass is not None else "rules"


def break_glass_data(found: BreakGlassDecision | None) -> dict[str, Any] | None:
    if found is None:
        return None
    used = found.used
    return {
        "allowed": found.allowed,
        "used": None
        if used is None
        else {
            "invoker": used.invoker,
            "reason": used.reason,
            "commit": used.commit,
            "submittedAt": used.submitted_at.isoformat() if used.submitted_at else None,
            "reviewId": used.review_id,
            "retrospectiveWithin": format_duration(used.within),
            "retrospectiveRequire": [
                {"label": p.label, "count": p.count, "problem": p.problem}
                for p in used.retrospective
            ],
        },
        "problems": list(found.problems),
        "refused": [{"login": r.login, "reason": r.reason} for r in found.refused],
    }


def _computed_risk(item: Item) -> str | None:
    """The change request's risk from the base's evidence: the version the pull request
    leaves, or the last one of a request it deletes; None for anything else."""
    version = item.cr_before if item.status == "removed" else item.cr_after
    return version.computed_risk if version is not None else None


def _outside(item: Item) -> bool | None:
    """Whether the change request (as for computedRisk) misses its services' agreed
    maintenance windows as the base declares them; None for anything else."""
    version = item.cr_before if item.status == "removed" else item.cr_after
    return version.outside_maintenance_window if version is not None else None


def decision_data(decision: Decision) -> dict[str, Any]:
    freeze = decision.freeze
    return {
        "policy": {
            "source": decision.source,
            "path": decision.policy_path,
            "commit": decision.policy_commit,
        },
        "approved": decision.approved,
        "errors": list(decision.errors),
        "freeze": {
            "active": freeze.active,
            "blocked": freeze.blocked,
            "blocking": list(freeze.blocking),
            "exempt": list(freeze.exempt),
            "exceptionUsed": freeze.exception_used,
            "problems": list(freeze.problems),
        },
        "rules": [rule_data(r) for r in decision.rules],
        "approvals": [
            {
                "login": review.login,
                "commit": review.commit_id,
                "submittedAt": review.submitted_at.isoformat() if review.submitted_at else None,
                "reviewId": review.review_id,
            }
            for _, review in sorted(decision.approvals.items())
        ],
        "ignoredApprovals": [{"login": i.login, "reason": i.reason} for i in decision.ignored],
        "breakGlass": break_glass_data(decision.break_glass),
    }


def rule_data(rule: RuleDecision) -> dict[str, Any]:
    return {
        "name": rule.name,
        "description": rule.description,
        "status": rule.status,
        "matched": list(rule.matched),
        "approvers": rule.approvers,
        "candidates": rule.candidates,
        "missing": rule.missing,
        "groups": [
            {
                "label": g.label,
                "count": g.count,
                "approved": list(g.approved),
                "candidates": list(g.candidates),
                "missing": g.missing,
                "problem": g.problem,
            }
            for g in rule.groups
        ],
        "retroReview": rule.retro_review,
    }


def report(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(to_data(result), stream, indent=2, sort_keys=False)
    stream.write("\n")
