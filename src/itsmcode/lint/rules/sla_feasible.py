"""sla-feasible: a service's availability target is within what its hard dependencies allow.

A service that fails whenever any of its hard dependencies fails is, at best, up when
all of them are up: its availability cannot exceed the product of theirs (as
fractions; 99.95% x 99.95% = 99.90%). An SLA that promises more is a promise the
architecture cannot keep, and it will be breached by other teams' outages.

Only direct hard dependencies count: each dependency's own SLA already has to account
for what lies beneath it (this rule checks that one too), so multiplying the whole tree
would count the same outages twice. Soft dependencies degrade a service without taking
it down, so they do not count. A hard dependency without an SLA, or whose SLA has no
availability target, has an unknown availability and is left out (sla-required asks
the critical ones for an SLA). Retired services are not checked. Reported at the
service's ``sla``.

Passing::

    # ledger and auth use SLA gold (99.95%)
    spec: {sla: silver, dependsOn: [{service: ledger}, {service: auth}]}   # silver: 99.9%

Failing::

    spec: {sla: gold, dependsOn: [{service: ledger}, {service: auth}]}
    # warning: SLA gold promises 99.95% but hard dependencies allow at most 99.90%
    # (ledger 99.95% x auth 99.95%)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import ALL, DIRECT, SMALL_KINDS, LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import SLA, Service

ID = "sla-feasible"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset({DIRECT, SMALL_KINDS})
KINDS = frozenset({"Service"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"Service": frozenset({"spec.sla"}), "SLA": ALL}

#: Products of floats carry rounding error; a promise this close to the ceiling is kept.
TOLERANCE = 1e-9


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    if not context.layout.enabled(SLA.KIND):
        return
    for record, service in catalog.each(Service):
        found = infeasible(catalog, service)
        if found is None:
            continue
        yield record.diagnostic(
            ID,
            ("spec", "sla"),
            f"{found.summary()}; choose an SLA with a lower availability "
            "target, raise the dependencies' SLAs, or make some dependencies soft",
        )


@dataclass(frozen=True)
class Infeasible:
    """A service's SLA promising more availability than its hard dependencies allow."""

    sla: str
    target: float
    ceiling: float
    factors: tuple[tuple[str, float], ...]

    def summary(self) -> str:
        terms = " x ".join(f"{name} {percent(a)}" for name, a in self.factors)
        return (
            f"SLA {self.sla} promises {percent(self.target)} but hard dependencies allow at "
            f"most {at_most(self.ceiling, self.target)} ({terms})"
        )


def infeasible(catalog: Catalog, service: Service) -> Infeasible | None:
    """Why the service's SLA cannot be kept given its direct hard dependencies' SLAs, or
    None when it can (or says nothing: retired, no SLA, no availability target)."""
    spec = service.spec
    if spec.lifecycle == "retired" or spec.sla is None:
        return None
    target = _availability(catalog, spec.sla)
    if target is None:
        return None
    factors: list[tuple[str, float]] = []
    seen: set[str] = set()
    for dep in spec.depends_on:
        # A repeated entry is still one dependency; a self-dependency is a cycle.
        if dep.type != "hard" or dep.service in seen or dep.service == service.name:
            continue
        seen.add(dep.service)
        dependency = catalog.service(dep.service)
        if dependency is None or dependency.spec.sla is None:
            continue
        availability = _availability(catalog, dependency.spec.sla)
        if availability is not None:
            factors.append((dep.service, availability))
    if not factors:
        return None
    ceiling = 100.0 * math.prod(a / 100.0 for _, a in factors)
    if target <= ceiling + TOLERANCE:
        return None
    return Infeasible(spec.sla, target, ceiling, tuple(factors))


def _availability(catalog: Catalog, name: str) -> float | None:
    sla = catalog.sla(name)
    if sla is None or sla.spec.availability is None:
        return None
    return sla.spec.availability.target


def percent(value: float) -> str:
    """A target as the user wrote it: 99.95 -> ``99.95%``, 99.0 -> ``99%``."""
    return f"{value:.10g}%"


def at_most(ceiling: float, target: float) -> str:
    """The ceiling rounded down (it is an upper bound; rounding up could print the very
    target it undercuts), with as many decimals as the target, at least two."""
    written = f"{target:.10g}"
    decimals = max(2, len(written.partition(".")[2]))
    scale = 10**decimals
    # The tolerance keeps a product like 99.8999999... from showing as 99.89.
    return f"{math.floor(ceiling * scale + TOLERANCE) / scale:.{decimals}f}%"
