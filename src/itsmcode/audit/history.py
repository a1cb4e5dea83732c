"""``itsm history KIND NAME``: the field-level timeline of one entity.

Built from the same single replay as the audit: every first-parent commit's semantic
diff. The timeline is followed backwards from the newest commit, so a rename (the
diff pairs the old and new file) switches to the entity's earlier name and a move
keeps following the same name in its new folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from itsmcode.audit.replay import Replay
from itsmcode.audit.rows import parse_note, pr_from_message
from itsmcode.audit.run import AuditOptions, resolve_population
from itsmcode.diff.model import FieldChange
from itsmcode.git.log import AuditGit
from itsmcode.models import Config
from itsmcode.policy.approval_record import NOTES_REF, ApprovalRecord


@dataclass
class Event:
    """One commit that changed the entity."""

    sha: str
    date: datetime
    author: str
    pr: int | None
    status: str
    kind: str | None
    name: str | None
    path: str
    old_path: str | None
    old_name: str | None
    approvers: list[str] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)
    meanings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "sha": self.sha,
            "date": self.date.isoformat(),
            "author": self.author,
            "pullRequest": self.pr,
            "approvers": self.approvers,
            "status": self.status,
            "kind": self.kind,
            "name": self.name,
            "path": self.path,
            "oldPath": self.old_path,
            "oldName": self.old_name,
            "fields": [f.to_json() for f in self.fields],
            "meanings": self.meanings,
        }


@dataclass(frozen=True)
class Renamed:
    """A rename that took an entity away from the name asked for."""

    name: str  # the name it took
    sha: str
    date: datetime

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "sha": self.sha, "date": self.date.isoformat()}


@dataclass
class Timeline:
    kind: str
    name: str
    branch: str
    head: str
    events: list[Event]  # oldest first
    #: The entity of this name was renamed away after its last event: where it went.
    renamed_to: Renamed | None = None
    #: An earlier entity of this name (before the one shown was added) was renamed.
    earlier_renamed_to: Renamed | None = None

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(e.name for e in self.events if e.name))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "branch": self.branch,
            "head": self.head,
            "names": self.names,
            "renamedTo": self.renamed_to.to_json() if self.renamed_to else None,
            "earlierRenamedTo": self.earlier_renamed_to.to_json()
            if self.earlier_renamed_to
            else None,
            "events": [e.to_json() for e in self.events],
        }


def entity_history(
    root: Path,
    kind: str,
    name: str,
    branch: str | None,
    fallback: Config | None,
    notes_ref: str = NOTES_REF,
) -> Timeline:
    repo = AuditGit(root)
    population = resolve_population(repo, AuditOptions(branch=branch))
    commits = repo.first_parent_log(population.revisions)
    notes = repo.notes(notes_ref)
    candidates: list[Event] = []
    for step in Replay(repo, commits, fallback).steps():
        for entity in step.entities:
            if entity.kind != kind:
                continue
            commit = step.commit
            candidates.append(
                Event(
                    commit.sha,
                    commit.committer_date,
                    f"{commit.author.name} <{commit.author.email}>",
                    None,
                    entity.status,
                    entity.kind,
                    entity.name,
                    entity.path,
                    entity.old_path,
                    entity.old_name,
                    fields=list(entity.fields),
                    meanings=[m.message for m in entity.meanings],
                )
            )
    current = name
    picked: list[Event] = []
    first_picked = len(candidates)
    for index in range(len(candidates) - 1, -1, -1):
        event = candidates[index]
        if event.name != current:
            continue
        picked.append(event)
        first_picked = index
        if event.status == "added":
            break  # its life starts here; an earlier entity of that name is another one
        if event.old_name:
            current = event.old_name
    picked.reverse()
    # Renames away from ``name``: after the timeline shown (where the entity went), or
    # before it (an earlier entity of the same name, whose story goes on elsewhere).
    away = [
        (i, Renamed(e.name, e.sha, e.date))
        for i, e in enumerate(candidates)
        if e.old_name == name and e.name and e.name != name
    ]
    last_picked = candidates.index(picked[-1]) if picked else -1
    went = next((r for i, r in reversed(away) if i > last_picked), None)
    earlier = next((r for i, r in reversed(away) if i < first_picked), None)
    wanted_notes = {e.sha: notes[e.sha] for e in picked if e.sha in notes}
    blobs = repo.read_blobs(wanted_notes.values(), 1024 * 1024)
    by_sha = {c.sha: c for c in commits}
    for event in picked:
        record = None
        if event.sha in wanted_notes:
            blob = blobs[wanted_notes[event.sha]]
            parsed = parse_note(blob.data, blob.problem)
            record = parsed if isinstance(parsed, ApprovalRecord) else None
        if record is not None:
            event.pr = record.pull_request.number
            event.approvers = [a.login for a in record.approvers]
        else:
            event.pr = pr_from_message(by_sha[event.sha])[0]
    return Timeline(kind, name, population.branch, population.tip, picked, went, earlier)
