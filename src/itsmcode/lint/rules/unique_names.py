"""unique-names: no two entities of one kind share a name.

Names are how every reference, approval rule and audit record finds an entity, so
they must be unique per kind, across all subfolders (``catalog/services/archive/``
counts too). Each duplicate is reported, naming the other file.

Passing: ``catalog/services/ledger.yaml`` and ``catalog/services/billing.yaml``.

Failing: ``catalog/services/ledger.yaml`` and ``catalog/services/archive/ledger.yaml``,
both with ``metadata: {name: ledger}``.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import SAME_NAME, LintContext
from itsmcode.load.catalog import Catalog

ID = "unique-names"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); any kind of file.
NEEDS = frozenset({SAME_NAME})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for kind, name, paths in catalog.duplicates():
        for record in catalog.records_named(kind, name):
            others = ", ".join(p for p in paths if p != record.path)
            yield record.diagnostic(
                ID,
                ("metadata", "name"),
                f"{kind} name '{name}' is also used by {others}",
            )
