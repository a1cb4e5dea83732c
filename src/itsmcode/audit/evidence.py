"""Evidence rows: one per change to the protected branch, as plain data for the reporters.

``to_json`` is the documented export format (docs/audit.md); the text, CSV and
Markdown reporters render the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from itsmcode.diff.model import EntityChange, FieldChange

#: Bumped on any incompatible change of the JSON export.
SCHEMA_VERSION = 1


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``1 change``, ``2 changes``: a count with its noun in the right number."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


@dataclass(frozen=True)
class Violation:
    """A named control that failed, and why, in words an auditor can act on."""

    control: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"control": self.control, "reason": self.reason}


@dataclass(frozen=True)
class EntityEvidence:
    status: str
    kind: str | None
    name: str | None
    path: str
    summary: str  # one line: which fields changed, old -> new
    old_path: str | None = None
    old_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}" if self.kind and self.name else self.path

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "kind": self.kind,
            "name": self.name,
            "path": self.path,
            "oldPath": self.old_path,
            "oldName": self.old_name,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class ApproverEvidence:
    login: str
    submitted_at: datetime | None
    commit: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "submittedAt": self.submitted_at.isoformat() if self.submitted_at else None,
            "commit": self.commit,
        }

    def text(self) -> str:
        when = self.submitted_at.isoformat() if self.submitted_at else "time unknown"
        return f"{self.login} ({when})"


@dataclass
class EvidenceRow:
    """One change that reached the protected branch."""

    sha: str
    parents: tuple[str, ...]
    date: datetime  # committer date: what the commit claims
    author: str  # "Name <email>"
    author_date: datetime
    committer: str
    subject: str
    signature: str
    #: When it really landed (audit/landed.py): the date, bounded by parents and ledger.
    landed_at: datetime | None = None
    pr: int | None = None
    pr_source: str | None = None  # note | merge-message | squash-message
    entities: list[EntityEvidence] = field(default_factory=list)
    change_requests: list[str] = field(default_factory=list)
    approvers: list[ApproverEvidence] = field(default_factory=list)
    recorded_decision: str | None = None  # what the note claims (never trusted)
    reevaluated: str | None = None  # approved | not-approved: the policy at the parent
    policy: str | None = None  # "path@commit" of the policy at the parent
    #: The re-evaluation rule by rule: {policy, name, status, approvedBy, missing}.
    rules: list[dict[str, Any]] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    #: The break-glass use the change passed on (audit/breakglass.py), else None.
    break_glass: dict[str, Any] | None = None

    @property
    def kind(self) -> str:
        return "pull-request" if self.pr is not None else "direct-commit"

    def to_json(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "parents": list(self.parents),
            "date": self.date.isoformat(),
            "landedAt": (self.landed_at or self.date).isoformat(),
            "author": self.author,
            "authorDate": self.author_date.isoformat(),
            "committer": self.committer,
            "subject": self.subject,
            "kind": self.kind,
            "pullRequest": self.pr,
            "pullRequestSource": self.pr_source,
            "signature": self.signature,
            "entities": [e.to_json() for e in self.entities],
            "changeRequests": list(self.change_requests),
            "approvers": [a.to_json() for a in self.approvers],
            "recordedDecision": self.recorded_decision,
            "reevaluatedDecision": self.reevaluated,
            "policy": self.policy,
            "rules": self.rules,
            "violations": [v.to_json() for v in self.violations],
            "breakGlass": self.break_glass,
        }


@dataclass(frozen=True)
class ExportHeader:
    """What an auditor needs to re-run the export and get the same population."""

    tool: str
    version: str
    command: str
    repository: str
    branch: str
    head: str
    range: str  # "<first parent of the oldest row>..<head>" or the range given
    since: str | None
    until: str | None
    notes_ref: str
    notes_commit: str | None  # the notes ref's commit: the records as they were read
    generated_at: str
    scope: str = "all: every commit"  # which commits are rows (run.SCOPES)

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "version": self.version,
            "command": self.command,
            "repository": self.repository,
            "branch": self.branch,
            "head": self.head,
            "range": self.range,
            "since": self.since,
            "until": self.until,
            "notesRef": self.notes_ref,
            "notesCommit": self.notes_commit,
            "generatedAt": self.generated_at,
            "scope": self.scope,
        }

    def lines(self) -> list[tuple[str, str]]:
        return [(k, "" if v is None else str(v)) for k, v in self.to_json().items()]


@dataclass
class AuditReport:
    header: ExportHeader
    rows: list[EvidenceRow]
    #: Findings about the population itself (a rewritten history), not one row.
    violations: list[Violation] = field(default_factory=list)
    #: First-parent commits in the period that are not rows: outside the scope.
    out_of_scope: int = 0

    def summary(self) -> tuple[str, str]:
        """(``3 changes (2 pull requests, 1 direct commit)``, ``1 violation``)."""
        pulls = sum(1 for r in self.rows if r.pr is not None)
        outside = (
            f"; {counted(self.out_of_scope, 'commit')} outside the scope"
            if self.out_of_scope
            else ""
        )
        return (
            f"{counted(len(self.rows), 'change')} ({counted(pulls, 'pull request')}, "
            f"{counted(len(self.rows) - pulls, 'direct commit')}{outside})"
        ), counted(self.violation_count, "violation")

    @property
    def violation_count(self) -> int:
        return len(self.violations) + sum(len(r.violations) for r in self.rows)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for violation in [*self.violations, *(v for r in self.rows for v in r.violations)]:
            out[violation.control] = out.get(violation.control, 0) + 1
        return dict(sorted(out.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "schemaVersion": SCHEMA_VERSION,
            "header": self.header.to_json(),
            "summary": {
                "changes": len(self.rows),
                "pullRequests": sum(1 for r in self.rows if r.pr is not None),
                "directCommits": sum(1 for r in self.rows if r.pr is None),
                "outOfScope": self.out_of_scope,
                "violations": self.violation_count,
                "byControl": self.counts(),
            },
            "violations": [v.to_json() for v in self.violations],
            "rows": [r.to_json() for r in self.rows],
        }


def _short(value: Any, limit: int = 40) -> str:
    if isinstance(value, (dict, list)):
        count = len(value)
        text = "{...}" if isinstance(value, dict) else f"[{count} item{'s' if count != 1 else ''}]"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def field_summary(fields: list[FieldChange], limit: int = 3) -> str:
    parts = []
    for change in fields[:limit]:
        if change.op == "added":
            parts.append(f"{change.path} added ({_short(change.new)})")
        elif change.op == "removed":
            parts.append(f"{change.path} removed")
        elif change.op == "reordered":
            parts.append(f"{change.path} reordered")
        else:
            parts.append(f"{change.path} {_short(change.old)} -> {_short(change.new)}")
    if len(fields) > limit:
        parts.append(f"+{len(fields) - limit} more")
    return "; ".join(parts)


def entity_evidence(change: EntityChange) -> EntityEvidence:
    """The one-line summary of an entity change."""
    if change.status == "added":
        summary = "added"
    elif change.status == "removed":
        summary = "removed"
    else:
        head = ""
        if change.status == "renamed" and change.old_name:
            head = f"renamed from {change.old_name}"
        elif change.old_path:
            head = f"moved from {change.old_path}"
        body = field_summary(change.fields)
        summary = "; ".join(p for p in (head, body) if p) or change.status
    return EntityEvidence(
        change.status,
        change.kind,
        change.name,
        change.path,
        summary,
        change.old_path,
        change.old_name,
    )
