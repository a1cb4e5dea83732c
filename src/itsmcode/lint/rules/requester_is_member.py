"""requester-is-member: a change is requested by a member of some team.

The requester is who answers for a change; the approval policy and the audit trail
assume it is a person the organisation knows, i.e. a GitHub login listed in a Team of
the catalog (compared case-insensitively, as GitHub does). A typo or a departed
colleague leaves the change without anyone accountable.

Checked for changes that are still planned or in progress. A closed change (completed,
failed, rolled-back, cancelled) is history: when someone leaves a team, the changes
they requested stay as recorded instead of failing lint in every old file. Checked
only when teams are enabled (the ``catalog`` practice).

Passing::

    # catalog/teams/payments.yaml lists {github: alice}
    spec: {requester: Alice, status: planned}

Failing::

    spec: {requester: alcie, status: planned}
    # error: requester 'alcie' is not a member of any team (did you mean 'alice'?)
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import ALL, SMALL_KINDS, LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest, Team
from itsmcode.models.change import CLOSED_STATUSES
from itsmcode.suggest import did_you_mean

ID = "requester-is-member"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset({SMALL_KINDS})
KINDS = frozenset({"ChangeRequest"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"Team": ALL}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    if not context.layout.enabled(Team.KIND):
        return
    members = set(catalog.member_logins) | _listed_in_broken_teams(catalog)
    spellings: list[str] | None = None
    for record, change in catalog.each(ChangeRequest):
        requester = change.spec.requester
        if change.spec.status in CLOSED_STATUSES or requester.lower() in members:
            continue
        if spellings is None:
            # Suggest logins as the teams spell them, not lower-cased.
            spellings = sorted({m.github for t in catalog.all(Team) for m in t.spec.members})
        yield record.diagnostic(
            ID,
            ("spec", "requester"),
            f"requester '{requester}' is not a member of any team"
            f"{did_you_mean(requester, spellings)}; use the GitHub login of a team member, "
            "or add them to their team in the catalog",
        )


def _listed_in_broken_teams(catalog: Catalog) -> set[str]:
    """Logins a Team file lists even though the file has schema errors.

    That file gets its own diagnostics; blaming every change its members requested
    would bury the one real mistake under false ones.
    """
    logins: set[str] = set()
    for record in catalog.records:
        if record.entity is not None or record.kind != Team.KIND:
            continue
        spec = catalog.raw(record).get("spec")
        members = spec.get("members") if isinstance(spec, dict) else None
        for member in members if isinstance(members, list) else []:
            login = member.get("github") if isinstance(member, dict) else None
            if isinstance(login, str):
                logins.add(login.lower())
    return logins
