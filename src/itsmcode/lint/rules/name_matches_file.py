"""name-matches-file: an entity's file is named after it.

The file's stem must equal ``metadata.name`` (the repository config is always
``itsm.yaml``). Git history of an entity is the history of its file, so the name a
reviewer sees in a path must be the entity's name.

Passing (``catalog/services/payments-api.yaml``)::

    metadata: {name: payments-api}

Failing (``catalog/services/payments.yaml``)::

    metadata: {name: payments-api}
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog

ID = "name-matches-file"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); any kind of file.
NEEDS = frozenset[str]()
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record in catalog.records:
        name = record.name
        if name is None or record.kind == "Config":
            continue
        # The stem as PurePosixPath(...).stem gives it, without a path object per file.
        file = record.path.rpartition("/")[2]
        dot = file.rfind(".")
        stem = file[:dot] if 0 < dot < len(file) - 1 else file
        if stem != name:
            yield record.diagnostic(
                ID,
                ("metadata", "name"),
                f"metadata.name '{name}' does not match the file name '{stem}'; "
                f"rename the file to {name}{PurePosixPath(record.path).suffix} or fix the name",
            )
