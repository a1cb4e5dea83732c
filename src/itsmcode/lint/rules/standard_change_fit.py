"""standard-change-fit: a standard change stays within its template's limits.

A standard change skips the usual approvals because its template was approved once for
a narrow case: at most ``maxRisk``, on services of the listed ``tiers``. A change that
claims the template but is riskier, or touches a more critical service, has not been
pre-approved at all and should go through as a normal change. Checked for changes still
planned or in progress (a closed change is history, even if its template changed since).
A template that does not exist is left to ref-exists.

Passing::

    # processes/standard-changes/rotate-tls-cert.yaml: maxRisk: low, tiers: [2, 3, 4]
    spec: {type: standard, template: rotate-tls-cert, risk: low, services: [edge-proxy]}  # tier 2

Failing::

    spec: {type: standard, template: rotate-tls-cert, risk: high, services: [payments-api]}
    # warning: risk high exceeds maxRisk low; warning: payments-api is tier 1
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import ALL, DIRECT, SMALL_KINDS, LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest
from itsmcode.models.change import OPEN_STATUSES, RISK_ORDER

ID = "standard-change-fit"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset({DIRECT, SMALL_KINDS})
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"StandardChange": ALL, "Service": frozenset({"spec.tier"})}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, change in catalog.each(ChangeRequest):
        spec = change.spec
        if spec.status not in OPEN_STATUSES:
            continue
        for path, message in misfits(catalog, change):
            yield record.diagnostic(ID, path, message)


def misfits(catalog: Catalog, change: ChangeRequest) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Where a standard change leaves its template's limits: (field path, message) each.
    Nothing for a change that is not standard or names no template that loads (also
    what the risk score calls a fitting standard change, reports/risk.py)."""
    spec = change.spec
    if spec.type != "standard" or spec.template is None:
        return
    template = catalog.standard_change(spec.template)
    if template is None:
        return
    limit = template.spec.max_risk
    if RISK_ORDER[spec.risk] > RISK_ORDER[limit]:
        yield (
            ("spec", "risk"),
            f"risk {spec.risk} exceeds maxRisk {limit} of standard change "
            f"'{template.name}'; make this a normal change",
        )
    tiers = template.spec.tiers
    for i, name in enumerate(spec.services):
        service = catalog.service(name)
        if service is None or service.spec.tier in tiers:
            continue
        allowed = ", ".join(str(t) for t in sorted(tiers))
        yield (
            ("spec", "services", i),
            f"service '{name}' is tier {service.spec.tier}, but standard change "
            f"'{template.name}' may only be used on tiers {allowed}; make this a "
            "normal change",
        )
