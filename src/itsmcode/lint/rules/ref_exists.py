"""ref-exists: every reference names an entity that exists.

Checked for every reference field: a service's ``owner``, ``support``, ``sla`` and
``dependsOn[].service``; a team's ``parent``; an SLA's ``calendar``; a change's
``template``, ``services`` and ``outcome.incidents``; an incident's ``services``,
``cause.change`` and ``problem``; a problem's ``services``, ``incidents`` and ``fix``;
the approval policy's teams and freeze calendars. A reference to an entity whose own
file has errors still resolves (that file gets its own diagnostics); one whose file
did not load far enough to name itself (a YAML syntax error, say) is reported as
"did not load", naming that file, rather than as unknown. References to a
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
#: What judging one file reads (lint/scope.py); any kind of file.
NEEDS = frozenset[str]()
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    names: dict[str, set[str]] = {}
    unloaded: dict[str, dict[str, str]] = {}
    for record in catalog.records:
        if record.entity is None:
            continue
        for loc, kind, name in record.entity.references():
            if not context.layout.enabled(kind):
                continue
            if kind not in names:
                names[kind] = catalog.names(kind)
                unloaded[kind] = catalog.unloaded(kind, context.layout)
            known = names[kind]
            if name in known:
                continue
            broken = unloaded[kind].get(name)
            if broken is not None:
                # One cause, one message: the target exists but its own file is broken.
                yield record.diagnostic(
                    ID, loc, f"{kind} '{name}' did not load: fix the errors in {broken}"
                )
            else:
                yield record.diagnostic(
                    ID,
                    loc,
                    f"unknown {kind} '{name}'{did_you_mean(name, known | set(unloaded[kind]))}",
                )
