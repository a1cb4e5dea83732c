"""sla-required: a live service of tier 1 or 2 names its SLA.

The most critical services are the ones customers and other teams rely on; without an
SLA nobody has agreed how available they must be or how fast an incident on them is
answered, and reports cannot measure them. Services that are planned, deprecated or
retired, and tiers 3 and 4, may go without. Checked only when the ``sla`` practice is
enabled in ``itsm.yaml``. Whether the named SLA exists is ref-exists' business.

Passing::

    spec: {tier: 1, lifecycle: live, sla: gold}
    spec: {tier: 3, lifecycle: live}          # tier 3 may go without

Failing::

    spec: {tier: 2, lifecycle: live}    # error: live tier-2 service 'api' must name its SLA
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import SLA, Service

ID = "sla-required"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"Service"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}

REQUIRED_TIERS = frozenset({1, 2})
#: How many existing SLAs a message offers before summarising.
MAX_OFFERED = 5


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    if not context.layout.enabled(SLA.KIND):
        return
    offer: str | None = None
    for record, service in catalog.each(Service):
        spec = service.spec
        if spec.lifecycle != "live" or spec.tier not in REQUIRED_TIERS or spec.sla:
            continue
        if offer is None:
            offer = _offer(sorted(catalog.names(SLA.KIND)))
        # Located at the tier: it is what makes the SLA required.
        yield record.diagnostic(
            ID,
            ("spec", "tier"),
            f"live tier-{spec.tier} service '{service.name}' must name its SLA: add "
            f"spec.sla{offer}, or lower the tier if it is not that critical",
        )


def _offer(names: list[str]) -> str:
    if not names:
        return " (no SLA exists yet: create one in the SLA folder)"
    shown = ", ".join(names[:MAX_OFFERED])
    return f" (one of {shown}{', ...' if len(names) > MAX_OFFERED else ''})"
