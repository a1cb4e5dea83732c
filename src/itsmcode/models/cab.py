"""CabMinutes (practice ``change``): what a change advisory board meeting decided.

Written by ``itsm cab minutes`` and added by a pull request (docs/cab.md); every
decision names a change request, every attendee is a member of a team or a team.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Date, Login, Name

Verdict = Literal["approved", "rejected", "deferred"]


class CabDecision(Strict):
    change: Name = Field(description="The change request decided on.")
    decision: Verdict = Field(description="approved, rejected or deferred.")
    note: str | None = Field(None, description="Conditions, reasons or what to bring next time.")


class CabMinutesSpec(Strict):
    date: Date = Field(description="Day of the meeting, YYYY-MM-DD.")
    chair: Login | None = Field(None, description="GitHub login of who chaired the meeting.")
    attendees: list[Login] = Field(
        default_factory=list, description="GitHub logins of the people present (team members)."
    )
    teams: list[Name] = Field(default_factory=list, description="Teams represented as a whole.")
    decisions: list[CabDecision] = Field(
        min_length=1, description="One decision per change request discussed."
    )


class CabMinutes(Entity):
    KIND = "CabMinutes"
    kind: Literal["CabMinutes"]
    spec: CabMinutesSpec

    def references(self) -> Iterator[Reference]:
        for i, team in enumerate(self.spec.teams):
            yield ("spec", "teams", i), "Team", team
        for i, decision in enumerate(self.spec.decisions):
            yield ("spec", "decisions", i, "change"), "ChangeRequest", decision.change
