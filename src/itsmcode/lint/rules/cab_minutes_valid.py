"""cab-minutes-valid: CAB minutes name people the catalog knows and decide each change once.

Minutes (``CabMinutes``, written by ``itsm cab minutes``, docs/cab.md) are the record
of who decided what: a chair or attendee who is not a member of any team cannot be
held to the decision, and a change decided twice in one meeting (approved and
deferred) leaves it undecided. Logins are compared case-insensitively, as GitHub does.
The changes and teams the minutes name must exist too; ``ref-exists`` reports those.

Passing::

    # catalog/teams/cab.yaml lists grace-obi and dmitri-ivanov
    spec:
      date: 2026-12-07
      chair: grace-obi
      attendees: [grace-obi, dmitri-ivanov]
      decisions:
        - {change: chg-2026-0040, decision: approved}

Failing::

    spec:
      date: 2026-12-07
      attendees: [grace-obi, dmitri-ivanvo]   # error: not a member of any team
      decisions:
        - {change: chg-2026-0040, decision: approved}
        - {change: chg-2026-0040, decision: deferred}   # error: decided twice
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import SMALL_KINDS, LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.models import CabMinutes, Team
from itsmcode.suggest import did_you_mean

ID = "cab-minutes-valid"
SEVERITY = Severity.ERROR
#: What judging one file reads (lint/scope.py): the teams, for their members.
NEEDS = frozenset({SMALL_KINDS})
KINDS = frozenset({"CabMinutes"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {"Team": frozenset({"spec.members"})}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    members = set(catalog.member_logins)
    spellings = sorted({m.github for t in catalog.all(Team) for m in t.spec.members})
    for record, minutes in catalog.each(CabMinutes):
        spec = minutes.spec
        people: list[tuple[tuple[str | int, ...], str]] = []
        if spec.chair is not None:
            people.append((("spec", "chair"), spec.chair))
        people += [(("spec", "attendees", i), login) for i, login in enumerate(spec.attendees)]
        if context.layout.enabled(Team.KIND):
            for loc, login in people:
                if login.lower() not in members:
                    yield record.diagnostic(
                        ID,
                        loc,
                        f"'{login}' is not a member of any team{did_you_mean(login, spellings)}; "
                        "use the GitHub login of a team member",
                    )
        first: dict[str, int] = {}
        for i, decision in enumerate(spec.decisions):
            if decision.change in first:
                yield record.diagnostic(
                    ID,
                    ("spec", "decisions", i, "change"),
                    f"change '{decision.change}' is already decided in decisions"
                    f"[{first[decision.change]}]; keep one decision per change",
                )
            else:
                first[decision.change] = i
