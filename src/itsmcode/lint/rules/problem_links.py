"""problem-links: incidents and problems name each other consistently.

An incident names its problem (``spec.problem``) and a problem lists its incidents
(``spec.incidents``). Reports group incidents by problem from either side, so the two
must agree: an incident that names a problem which does not list it, or a problem that
lists an incident naming no problem or another one, is reported on the side that can be
fixed by adding one line. Unknown names are ref-exists' business, not this rule's.

Passing::

    # problems/prb-checkout-latency.yaml
    spec: {services: [payments-api], incidents: [inc-2026-0107]}
    # incidents/2026/inc-2026-0107.yaml
    spec: {problem: prb-checkout-latency, ...}

Failing::

    # problems/prb-checkout-latency.yaml
    spec: {services: [payments-api], incidents: [inc-2026-0107]}
    # incidents/2026/inc-2026-0107.yaml: no spec.problem
    #   error: inc-2026-0107 does not name this problem; set its spec.problem
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import DIRECT, LINKS, LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.models import Incident, Problem

ID = "problem-links"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset({DIRECT, LINKS})
KINDS = frozenset({"Problem", "Incident"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {
    "Incident": frozenset({"spec.problem"}),
    "Problem": frozenset({"spec.incidents"}),
}


class Mismatch(NamedTuple):
    record: Record  # the file to fix
    loc: tuple[str | int, ...]
    message: str
    problem: str
    incident: str


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for found in mismatches(catalog):
        yield found.record.diagnostic(ID, found.loc, found.message)


def mismatches(catalog: Catalog) -> Iterator[Mismatch]:
    """Every link one side makes and the other does not (also used by itsm report)."""
    for record, problem in catalog.each(Problem):
        for i, name in enumerate(problem.spec.incidents):
            incident = catalog.get(Incident, name)
            if incident is None or incident.spec.problem == problem.name:
                continue
            named = incident.spec.problem
            message = (
                f"{name} names problem '{named}', not this one; list it under one problem"
                if named
                else f"{name} does not name this problem; set its spec.problem: {problem.name}"
            )
            yield Mismatch(record, ("spec", "incidents", i), message, problem.name, name)
    for record, incident in catalog.each(Incident):
        link = incident.spec.problem
        listing = catalog.get(Problem, link) if link else None
        if link and listing is not None and incident.name not in listing.spec.incidents:
            message = (
                f"problem '{link}' does not list this incident; add {incident.name} to its "
                "spec.incidents"
            )
            yield Mismatch(record, ("spec", "problem"), message, link, incident.name)
