"""Team: people (by GitHub login) who own, support and approve."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Reference, Strict
from itsmcode.models.types import Login, Name


class Member(Strict):
    github: Login
    name: str | None = None
    email: str | None = None
    role: str | None = None


class Contact(Strict):
    email: str | None = None
    chat: str | None = None
    oncall: str | None = None


class TeamSpec(Strict):
    members: list[Member] = Field(default_factory=list)
    parent: Name | None = None
    contact: Contact | None = None


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
