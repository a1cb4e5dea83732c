"""The approval record: what the record workflow writes as a git note, what the audit reads.

When a pull request merges, ``itsm policy record`` writes one JSON document as a git
note on the merge commit, under ``refs/notes/itsmcode``. An auditor with a clone (and
that notes ref fetched) can then see, offline, who approved each change and under
which policy. The audit never trusts the note's own verdict: it re-evaluates the
recorded approvals against the policy in force at the parent commit. The format is
documented in docs/reference/approval-record.md; this module is its single source.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from itsmcode import __version__
from itsmcode.errors import ItsmError

NOTES_REF = "refs/notes/itsmcode"
SCHEMA: Literal["itsmcode/approval-record/v1"] = "itsmcode/approval-record/v1"
Sha = str  # full hex object id


class RecordError(ItsmError):
    """A note that is not a valid approval record (the audit reports it as a violation)."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True
    )


class Tool(_Model):
    name: Literal["itsmcode"] = "itsmcode"
    version: str = __version__


class PullRequestFacts(_Model):
    number: int
    author: str
    base_ref: str
    labels: list[str] = Field(default_factory=list)


class Commits(_Model):
    base: Sha  # the target branch tip the pull request was evaluated against
    head: Sha  # the pull request's head commit that was approved
    merge: Sha  # the commit on the protected branch the note is attached to
    merge_tree: Sha  # tree of the merge commit: ties the note to exact content


class PolicyRef(_Model):
    path: str
    blob: Sha | None  # None: no policy file (the evaluation failed closed)
    commit: Sha  # the commit the policy was read from (the base)


class Approval(_Model):
    login: str
    submitted_at: datetime | None
    commit: Sha | None
    review_id: int | None = None


class RuleOutcome(_Model):
    name: str
    status: Literal["satisfied", "pending", "skipped"]
    approved_by: list[str] = Field(default_factory=list)


class FreezeFacts(_Model):
    active: str | None = None  # name of the freeze in force when evaluated, if any
    exception_used: bool = False  # every change request in the PR was of an exempt type


class BreakGlassFacts(_Model):
    """The break-glass invocation the change passed on (docs/break-glass.md)."""

    invoker: str
    reason: str
    submitted_at: datetime | None
    commit: Sha | None
    review_id: int | None = None
    within: str  # the retrospective's deadline after the merge, as the policy says it
    deadline: datetime  # the merge plus ``within``


class ApprovalRecord(_Model):
    schema_: Literal["itsmcode/approval-record/v1"] = Field(default=SCHEMA, alias="schema")
    tool: Tool = Field(default_factory=Tool)
    pull_request: PullRequestFacts
    commits: Commits
    policy: PolicyRef
    decision: Literal["approved", "not-approved"]
    approvers: list[Approval]
    rules: list[RuleOutcome]
    freeze: FreezeFacts = Field(default_factory=FreezeFacts)
    evaluated_at: datetime
    #: Set when the change passed on break-glass; None (absent in older notes) otherwise.
    break_glass: BreakGlassFacts | None = None

    def to_json(self) -> str:
        """Canonical text: stable key order, so the same decision gives the same note."""
        data = self.model_dump(mode="json", by_alias=True)
        if data.get("breakGlass") is None:
            data.pop("breakGlass", None)  # notes without break-glass read as before
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ApprovalRecord:
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "note"
            raise RecordError(f"invalid approval record: {where}: {first['msg']}") from None
