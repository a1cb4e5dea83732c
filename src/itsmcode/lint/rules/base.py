"""What every lint rule module provides, and the context rules run in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.needs import (
    ALL,
    CYCLES,
    DEPENDENTS,
    DIRECT,
    EVERYTHING,
    LINKS,
    NEIGHBOURS,
    OWNED,
    REFERENCES,
    SAME_NAME,
    SIBLINGS,
    SMALL_KINDS,
)
from itsmcode.load.layout import Layout
from itsmcode.models import Config

if TYPE_CHECKING:
    from itsmcode.load.catalog import Catalog, Record
    from itsmcode.models import ChangeRequest

#: Whether a catalog's evidence scores a change high risk (reports/risk.py
#: ``scores_high``). Lint ranks below reports, so whoever runs the rules passes it in.
RiskScorer = Callable[["Catalog", "ChangeRequest"], bool]


@dataclass(frozen=True)
class LintContext:
    config: Config
    layout: Layout
    now: datetime  # timezone-aware; rules about deadlines compare against it
    #: ITSM files a full run found outside every kind's folder: not part of the
    #: catalog (no other rule reads them), reported by unknown-location.
    outside: tuple[Record, ...] = ()
    #: For risk-understated; None (a caller without reports) leaves that rule quiet.
    risk: RiskScorer | None = None


class RuleModule(Protocol):
    """A rule is a module: ``ID``, ``SEVERITY``, a docstring (its documentation, with a
    passing and a failing example) and ``check``, which yields diagnostics. Optional:
    ``NEEDS`` (a frozenset of the parts above: what judging one file reads; without it,
    the whole repository) and ``KINDS`` (the kinds of file it reports on; without it,
    any), which let ``itsm lint FILE`` load only what FILE's diagnostics depend on."""

    ID: str
    SEVERITY: Severity
    __doc__: str | None

    def check(self, catalog: Catalog, context: LintContext) -> Iterable[Diagnostic]: ...


__all__ = [
    "ALL",
    "CYCLES",
    "DEPENDENTS",
    "DIRECT",
    "EVERYTHING",
    "LINKS",
    "NEIGHBOURS",
    "OWNED",
    "REFERENCES",
    "SAME_NAME",
    "SIBLINGS",
    "SMALL_KINDS",
    "LintContext",
    "RiskScorer",
    "RuleModule",
]
