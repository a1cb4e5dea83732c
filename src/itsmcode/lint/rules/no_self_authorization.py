"""no-self-authorization: no file declares its own approval.

Authorization is a fact of git history, never a field someone types: a change request
is authorized when the pull request that adds it is merged with the approvals its
policy requires, and an auditor reads who approved from that history. A field such as
``approved: true`` or ``approvedBy: alice`` could be written by anyone, so it is
rejected wherever it appears in any file, and so is a status that claims approval.
Rejected keys: approved, approvedBy, approvedAt, approver, approvers, approvals,
authorizedBy; rejected ``status`` values: approved, authorized, authorised.

Passing::

    spec:
      status: planned      # approval comes from the reviewed, merged pull request

Failing::

    spec:
      status: approved     # error: status claims an authorization
      approvedBy: carol    # error: authorization is not a field
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.load.validate import AUTHORIZATION_FIELDS, AUTHORIZATION_STATUSES

ID = "no-self-authorization"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); any kind of file.
NEEDS = frozenset[str]()
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}

_WHY = (
    "authorization is a fact of git history (the merged pull request with the approvals "
    "the policy requires), never a field"
)
#: Every rejected key and status contains one of these (matching is case-sensitive, as in
#: validate), so most files are skipped after a fast scan of their text.
_MARKERS = ("approv", "authori")


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record in catalog.records:
        document = record.document
        if document is None:
            continue
        if not any(marker in document.text for marker in _MARKERS):
            continue
        yield from _walk(record, document.data)


def _walk(record: Record, data: dict[str, Any]) -> Iterator[Diagnostic]:
    # Iterative: the loader bounds nesting, but a stack keeps this rule independent of it.
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    found: list[Diagnostic] = []
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    continue
                here = (*loc, key)
                if key in AUTHORIZATION_FIELDS:
                    found.append(
                        record.diagnostic(
                            ID,
                            here,
                            f"'{key}' declares an approval, which no file may do: {_WHY}; "
                            "remove the field and get the pull request approved instead",
                            key=True,
                        )
                    )
                elif key == "status" and isinstance(item, str) and item in AUTHORIZATION_STATUSES:
                    found.append(
                        record.diagnostic(
                            ID,
                            here,
                            f"status '{item}' claims an authorization, which no file may do: "
                            f"{_WHY}; use a lifecycle status such as 'planned'",
                        )
                    )
                else:
                    stack.append((here, item))
        elif isinstance(value, list):
            stack.extend(((*loc, i), item) for i, item in enumerate(value))
    yield from found
