"""unknown-location: an ITSM file lies in no kind's folder.

A file with ``apiVersion: itsmcode/v1`` outside every kind's folder (a misspelt
``catalog/servics/``, a copy left in ``docs/``) is read by no other rule and by no
approval rule: the service it describes is not in the catalog. It is found by a full
``itsm lint`` and when named (a pre-commit hook), so CI and pre-commit agree. The
message suggests the nearest kind folder and names where the file's kind belongs.

Passing: ``catalog/services/ledger.yaml`` with ``kind: Service``.

Failing: ``catalog/servics/ledger.yaml`` with ``kind: Service``.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.load.layout import Layout
from itsmcode.load.pathsafety import YAML_SUFFIXES
from itsmcode.suggest import did_you_mean

ID = "unknown-location"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); any kind of file.
NEEDS = frozenset[str]()
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def is_entity_data(data: object) -> bool:
    """Whether a document's top level says it is an itsmcode file."""
    api_version = data.get("apiVersion") if isinstance(data, dict) else None
    return isinstance(api_version, str) and api_version.startswith("itsmcode/")


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    layout = context.layout
    # A file in the folder of a practice not enabled is kind-matches-folder's to report.
    known = Layout.from_config(context.config, every_kind=True)
    folders = sorted(f for f in layout.folders.values() if not f.endswith(YAML_SUFFIXES))
    for record in (*catalog.records, *context.outside):
        if record.document is None or known.kind_for_path(record.path) is not None:
            continue
        if not is_entity_data(record.document.data):
            continue
        parent = record.path.rpartition("/")[0]
        hint = did_you_mean(parent, folders) if parent else ""
        kind = record.kind
        home = layout.folders.get(kind) if kind else None
        where = ""
        if home is not None:
            where = f"; {kind} files belong {'at' if home.endswith(YAML_SUFFIXES) else 'under'} "
            where += home if home.endswith(YAML_SUFFIXES) else f"{home}/"
        yield record.diagnostic(
            ID,
            ("apiVersion",),
            f"this file is in no kind's folder{hint}, so no other rule and no approval rule "
            f"reads it{where}",
            key=True,
        )
