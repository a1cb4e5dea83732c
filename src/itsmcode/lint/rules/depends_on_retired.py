"""depends-on-retired: a service in use does not depend on a retired one.

A retired service is switched off; a service that is planned, live or deprecated and
still lists it in ``dependsOn`` either is broken or, more often, has a stale entry that
hides its real dependency from impact analysis and change-overlap checks. Hard and soft
dependencies both count. Reported at the ``dependsOn`` entry.

Not reported: a retired service depending on a retired one (both are history); a
dependency on a deprecated service (it still runs, and moving off it is a plan, not an
error); a dependency on a planned service (services are often planned together).

Passing::

    # catalog/services/ledger.yaml: lifecycle: deprecated
    spec: {lifecycle: live, dependsOn: [{service: ledger}]}

Failing::

    # catalog/services/ledger.yaml: lifecycle: retired
    spec: {lifecycle: live, dependsOn: [{service: ledger}]}
    # warning: live service 'api' depends on retired service 'ledger'
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import DIRECT, LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import Service

ID = "depends-on-retired"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset({DIRECT})
KINDS = frozenset({"Service"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"Service": frozenset({"spec.lifecycle"})}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    retired = {s.name for s in catalog.all(Service) if s.spec.lifecycle == "retired"}
    if not retired:
        return
    for record, service in catalog.each(Service):
        if service.spec.lifecycle == "retired":
            continue
        for i, dep in enumerate(service.spec.depends_on):
            if dep.service in retired:
                yield record.diagnostic(
                    ID,
                    ("spec", "dependsOn", i, "service"),
                    f"{service.spec.lifecycle} service '{service.name}' depends on retired "
                    f"service '{dep.service}'; depend on its replacement instead, or remove "
                    "the entry",
                )
