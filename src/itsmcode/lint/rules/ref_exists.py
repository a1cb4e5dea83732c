"""ref-exists: every reference names an entity that exists.

Checked for every reference field: a service's ``owner``, ``support``, ``sla`` and
``dependsOn[].service``; a team's ``parent``; an SLA's ``calendar``; a change's
``template``, ``services`` and ``outcome.incidents``; an incident's ``services``,
``cause.change`` and ``problem``; a problem's ``services``, ``incidents`` and ``fix``;
the approval policy's teams and freeze calendars. A reference to an entity whose own
file has errors still resolves (that file gets its own diagnostics). References to a
kind whose practice is not enabled in ``itsm.yaml`` are not checked.

Passing::

    spec: {owner: payments}        # catalog/teams/payments.yaml exists

Failing::

    spec: {owner: paymnets}        # error: unknown Team 'paymnets' (did you mean 'payments'?)
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.suggest import did_you_mean

ID = "ref-exists"
SEVERITY = Severity.ERROR


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    names: dict[str, set[str]] = {}
    for record in catalog.records:
        if record.entity is None:
            continue
        for loc, kind, name in record.entity.references():
            if not context.layout.enabled(kind):
                continue
            if kind not in names:
                names[kind] = catalog.names(kind)
            known = names[kind]
            if name not in known:
                yield record.diagnostic(
                    ID, loc, f"unknown {kind} '{name}'{did_you_mean(name, known)}"
                )
