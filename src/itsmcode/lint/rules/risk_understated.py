"""risk-understated: a change declared low risk that its evidence scores high.

``spec.risk`` is the requester's word; ``itsm risk CHANGE`` computes a score from the
catalog (the services' tiers, how many services depend on them, freezes and business
hours around the window, recent change failure rates and incidents, standard-change
fit; docs/risk.md). When a change still planned or in progress declares ``low`` and the
evidence says ``high``, approvers routed by ``risk`` would see the wrong change: raise
``spec.risk`` or change what drives the score. Only the two-level gap is reported
(low against medium is a judgement call). The approval policy can route on the computed
level itself: ``when: {changeRequest: {computedRisk: [high]}}``.

Passing::

    # payments-api: tier 1, three dependents, two failed changes of the last five
    spec: {type: normal, risk: high, services: [payments-api]}

Failing::

    spec: {type: normal, risk: low, services: [payments-api]}
    # warning: declared risk low, but the evidence scores it high; run
    # 'itsm risk chg-2026-0042' for the factors, then raise spec.risk or change
    # what drives the score
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import (
    ALL,
    DEPENDENTS,
    DIRECT,
    OWNED,
    SIBLINGS,
    SMALL_KINDS,
    LintContext,
)
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest
from itsmcode.models.change import OPEN_STATUSES

ID = "risk-understated"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on. The score
#: (reports/risk.py) reads: the change's services (tier, SLA) and template (DIRECT); the
#: teams, SLAs, calendars, policy and standard changes (SMALL_KINDS: freezes, business
#: hours, the requester's teams); the blast radius, capped at 10 dependents
#: (DEPENDENTS); the changes and incidents on its services, with the incidents those
#: changes caused (SIBLINGS: service failure rate, recent incidents); the history of
#: the requester's teams (OWNED: team failure rate).
NEEDS = frozenset({DIRECT, SMALL_KINDS, DEPENDENTS, SIBLINGS, OWNED})
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {
    "Service": frozenset({"spec.tier", "spec.owner", "spec.sla", "spec.dependsOn"}),
    **{kind: ALL for kind in ("ChangeRequest", "Incident", "Team", "SLA", "Calendar")},
    **{kind: ALL for kind in ("ApprovalPolicy", "StandardChange", "Config")},
}
#: Narrower, by part (lint/needs.py): the dependents are walked by their names and
#: dependsOn targets alone (their facts), the changes' services' owners decide which
#: team's history a change counts for.
READS_VIA: dict[str, dict[str, frozenset[str]]] = {
    DIRECT: {
        "Service": frozenset({"spec.tier", "spec.sla", "spec.owner"}),
        "StandardChange": ALL,
    },
    DEPENDENTS: {},
    SIBLINGS: {"ChangeRequest": ALL, "Incident": ALL},
    OWNED: {"Service": frozenset({"spec.owner"}), "ChangeRequest": ALL, "Incident": ALL},
}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    if context.risk is None:
        return
    for record, change in catalog.each(ChangeRequest):
        spec = change.spec
        if spec.status not in OPEN_STATUSES or spec.risk != "low":
            continue
        if context.risk(catalog, change):
            yield record.diagnostic(
                ID,
                ("spec", "risk"),
                f"declared risk low, but the evidence scores it high; run 'itsm risk "
                f"{change.name}' for the factors, then raise spec.risk or change what "
                "drives the score",
            )
