"""team-member-unique: a GitHub login appears at most once in a team.

GitHub logins compare case-insensitively, so ``alice`` and ``Alice`` are one person. A
second entry is at best noise; at worst the two entries disagree (different role or
email) and whoever reads the team cannot tell which is right. Reported at the second
(and any later) occurrence. Being a member of several teams is fine.

Passing::

    members:
      - {github: alice, role: lead}
      - {github: bob}

Failing::

    members:
      - {github: alice, role: lead}
      - {github: Alice}        # warning: 'Alice' is already listed in team 'payments'
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import Team

ID = "team-member-unique"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"Team"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, team in catalog.each(Team):
        first: dict[str, int] = {}
        for i, member in enumerate(team.spec.members):
            login = member.github.lower()
            if login not in first:
                first[login] = i
                continue
            j = first[login]
            earlier = team.spec.members[j].github
            line = record.location(("spec", "members", j, "github")).line
            yield record.diagnostic(
                ID,
                ("spec", "members", i, "github"),
                f"'{member.github}' is already listed in team '{team.name}' as '{earlier}' "
                f"(line {line}; logins compare case-insensitively); remove one entry, "
                "keeping the role and contact details that are right",
            )
