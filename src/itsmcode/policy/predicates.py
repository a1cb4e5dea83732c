"""``when``: does a rule apply to one changed item of a pull request?

Keys AND together, list values OR (policy.md). Most predicates look at the item
(its paths, kind, how it changed, its fields, SLA direction, services, change
requests); ``labels`` and ``author`` look at the pull request and so hold for every
item or none. An empty ``when`` matches every item.
"""

from __future__ import annotations

from datetime import datetime

from itsmcode.load.globs import matches
from itsmcode.models.policy import ServicesPredicate, When
from itsmcode.policy.facts import Facts, Item
from itsmcode.policy.github import normalize_login


def applies(when: When, item: Item, facts: Facts, now: datetime) -> bool:
    """Whether every predicate of ``when`` holds for ``item`` (``now``: the evaluation's
    time, for error budgets)."""
    checks = (
        not when.paths or any(matches(p, when.paths) for p in item.paths),
        not when.kinds or item.kind in when.kinds,
        not when.change or item.status in when.change,
        not when.fields or _fields(when.fields, item.fields),
        when.sla is None or _sla(when, item),
        when.services is None or _services(when.services, item, facts, now),
        when.change_request is None or _change_request(when, item),
        not when.labels or _labels(when.labels, facts.pr.labels),
        when.author is None or _author(when.author.teams, facts),
    )
    return all(checks)


def _fields(patterns: list[str], changed: tuple[str, ...]) -> bool:
    # ``spec.targets`` covers ``spec.targets.P1.response``; ``spec.dependsOn`` covers
    # ``spec.dependsOn[service=ledger].type``; never a mere string prefix (spec.tie).
    return any(
        path == p or path.startswith((p + ".", p + "[")) for p in patterns for path in changed
    )


def _sla(when: When, item: Item) -> bool:
    assert when.sla is not None
    wanted = set()
    if when.sla.loosened:
        wanted.add("loosened")
    if when.sla.tightened:
        wanted.add("tightened")
    if not wanted:  # {loosened: false} alone: any SLA change at all
        return bool(item.sla)
    return bool(wanted & item.sla)


def _services(predicate: ServicesPredicate, item: Item, facts: Facts, now: datetime) -> bool:
    names = set(item.services)
    if predicate.impacted:
        names = facts.impacted(names)
    for name in sorted(names):
        # Every version counts: lowering a tier-1 service to tier 3 in the same pull
        # request must not dodge the tier-1 rule.
        versions = facts.services(name)
        if not versions:
            continue
        if predicate.tier and not any(v.spec.tier in predicate.tier for v in versions):
            continue
        if predicate.lifecycle and not any(
            v.spec.lifecycle in predicate.lifecycle for v in versions
        ):
            continue
        if predicate.type and not any(v.spec.type in predicate.type for v in versions):
            continue
        spent = predicate.error_budget_spent
        if spent is not None and (name in facts.budget_spent(now)) != spent:
            continue
        return True
    return False


def _change_request(when: When, item: Item) -> bool:
    predicate = when.change_request
    assert predicate is not None
    versions = item.change_requests
    if not versions:
        return False
    if predicate.type and not any(v.type in predicate.type for v in versions):
        return False
    if predicate.risk and not any(v.risk in predicate.risk for v in versions):
        return False
    if predicate.computed_risk and not any(
        v.computed_risk in predicate.computed_risk for v in versions
    ):
        return False
    outside = predicate.outside_maintenance_window
    if outside is not None and not any(v.outside_maintenance_window == outside for v in versions):
        return False
    return not predicate.transition or any(
        _transition(pattern, t) for pattern in predicate.transition for t in item.transitions
    )


def _transition(pattern: str, transition: str) -> bool:
    """``from->to`` with ``*`` for any side; ``new`` is the start of an added request."""
    want_from, _, want_to = (part.strip() for part in pattern.partition("->"))
    have_from, _, have_to = transition.partition("->")
    return want_from in ("*", have_from) and want_to in ("*", have_to)


def _labels(wanted: list[str], labels: tuple[str, ...]) -> bool:
    # GitHub label names are unique case-insensitively.
    have = {label.casefold() for label in labels}
    return any(w.casefold() in have for w in wanted)


def _author(teams: list[str], facts: Facts) -> bool:
    login = normalize_login(facts.pr.author)
    if login is None:
        return False
    return any(team in facts.base.member_logins.get(login, ()) for team in teams)
