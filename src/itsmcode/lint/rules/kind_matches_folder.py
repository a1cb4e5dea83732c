"""kind-matches-folder: each file lies in the folder of its kind.

Services live under ``catalog/services/``, change requests under ``changes/`` and so
on (the folders are configurable in ``itsm.yaml`` under ``spec.paths``). A file in the
wrong folder is easy to miss in review and breaks path-based approval rules. The
repository config is ``itsm.yaml`` at the root, and nowhere else.

Passing: ``catalog/teams/payments.yaml`` with ``kind: Team``.

Failing: ``catalog/services/payments.yaml`` with ``kind: Team``.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.load.layout import Layout

ID = "kind-matches-folder"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); any kind of file.
NEEDS = frozenset[str]()
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    layout = context.layout
    known = Layout.from_config(context.config, every_kind=True)
    for record in catalog.records:
        kind = record.kind
        if kind is None or record.document is None:
            continue
        expected = layout.kind_for_path(record.path)
        if expected == kind:
            continue
        if expected is None and kind != "Config" and known.kind_for_path(record.path) is None:
            continue  # outside every kind's folder: unknown-location reports it
        if kind == "Config":
            where = "the repository config belongs in itsm.yaml at the root"
        elif not layout.enabled(kind):
            where = f"kind {kind} belongs to a practice not enabled in itsm.yaml (spec.practices)"
        else:
            where = f"files of kind {kind} belong under {layout.folders[kind]}/"
        found = f"this folder holds {expected}" if expected else "this path is in no kind's folder"
        yield record.diagnostic(ID, ("kind",), f"kind {kind} in the wrong place: {where} ({found})")
