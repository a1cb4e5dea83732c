"""Team: people (by GitHub login) who own, support and approve."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Login, Name


class Member(Strict):
    github: Login = Field(description="GitHub login (compared case-insensitively).")
    name: str | None = Field(None, description="Full name.")
    email: str | None = Field(None, description="Email address.")
    role: str | None = Field(None, description="Free text, e.g. lead.")


class Contact(Strict):
    email: str | None = Field(None, description="Team email address.")
    chat: str | None = Field(None, description="Chat channel.")
    oncall: str | None = Field(None, description="On-call page or rota.")


GITHUB_TEAM_PATTERN = (
    r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?/[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
)


class GitHubTeam(Strict):
    team: str = Field(
        pattern=GITHUB_TEAM_PATTERN,
        description="The team on GitHub as organisation/team-slug, e.g. acme/payments; "
        "itsm export codeowners names it @acme/payments.",
    )


class TeamSpec(Strict):
    members: list[Member] = Field(
        default_factory=list, description="People in the team; a login appears once."
    )
    parent: Name | None = Field(None, description="Team this one belongs to.")
    contact: Contact | None = Field(None, description="How to reach the team.")
    github: GitHubTeam | None = Field(
        None, description="The team's GitHub team (for CODEOWNERS); default: its members."
    )


class Team(Entity):
    KIND = "Team"
    kind: Literal["Team"]
    spec: TeamSpec

    def logins(self) -> set[str]:
        """Member logins, lower-cased: GitHub logins compare case-insensitively."""
        return {m.github.lower() for m in self.spec.members}

    def references(self) -> Iterator[Reference]:
        if self.spec.parent:
            yield ("spec", "parent"), "Team", self.spec.parent
