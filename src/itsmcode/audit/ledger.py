"""The completeness ledger: every audited head of the branch, kept between runs.

Git history is append-only as long as nobody rewrites it, but "the old head is an
ancestor of the new one" is not enough: a merge whose first parent is an older commit
and whose second parent is the audited head keeps the head reachable while moving
every audited commit off the first-parent line, out of the population. So every run
checks that **each** head the ledger ever recorded for the branch is still on the
branch's first-parent line. A head that is not is reported (``history-rewritten``, on
stderr and in the export) on every run, until someone acknowledges it in a recorded
way: ``itsm audit --ledger L --acknowledge-rewrite SHA --reason WHY`` appends an
acknowledgement (head, reason, time, and how many runs the ledger held) to the ledger.
It explains the runs it saw: a head pushed back and audited again after it is checked
again, so a second rewrite of the same head is reported too. Every run appends one entry, so
the ledger file itself is the list of audited heads an auditor keeps with the exports.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from itsmcode import __version__
from itsmcode.audit.evidence import Violation
from itsmcode.errors import ConfigError
from itsmcode.files import write_atomic
from itsmcode.git.log import AuditGit, parse_time

SCHEMA = "itsmcode/audit-ledger/v1"


@dataclass(frozen=True)
class LedgerEntry:
    branch: str
    head: str
    audited_at: str
    rewritten_from: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "branch": self.branch,
            "head": self.head,
            "auditedAt": self.audited_at,
            "tool": __version__,
        }
        if self.rewritten_from:
            out["rewrittenFrom"] = self.rewritten_from
        return out


@dataclass(frozen=True)
class Acknowledgement:
    """A rewrite someone explained: the audited head that left the line, and why."""

    branch: str
    head: str
    reason: str
    acknowledged_at: str
    runs: int  # the ledger entries it explains: entries[:runs]

    def to_json(self) -> dict[str, Any]:
        return {
            "branch": self.branch,
            "head": self.head,
            "reason": self.reason,
            "acknowledgedAt": self.acknowledged_at,
            "runs": self.runs,
            "tool": __version__,
        }


@dataclass
class Ledger:
    """The file as read: audited heads and acknowledged rewrites, oldest first."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    acknowledgements: list[dict[str, Any]] = field(default_factory=list)

    def runs(self, branch: str) -> list[tuple[str, datetime | None]]:
        """Every run on ``branch``, oldest first: the head it audited and when. A head
        audited again later is listed again: that run did not contain newer commits."""
        return [
            (str(e["head"]), _time(e.get("auditedAt")))
            for e in self.entries
            if e.get("branch") == branch
        ]

    def heads(self, branch: str) -> list[tuple[str, datetime | None]]:
        """The heads audited on ``branch``, each once (its first run) and when."""
        found: dict[str, datetime | None] = {}
        for head, when in self.runs(branch):
            found.setdefault(head, when)
        return list(found.items())

    def acknowledged(self, branch: str) -> set[str]:
        """Heads whose every run on ``branch`` an acknowledgement explains. An
        acknowledgement without ``runs`` (written before it was kept) explains all."""
        covered: dict[str, int] = {}
        for ack in self.acknowledgements:
            if ack.get("branch") == branch:
                runs = ack.get("runs")
                upto = runs if isinstance(runs, int) else len(self.entries)
                covered[str(ack["head"])] = max(covered.get(str(ack["head"]), 0), upto)
        last: dict[str, int] = {}
        for i, entry in enumerate(self.entries):
            if entry.get("branch") == branch:
                last[str(entry["head"])] = i
        return {head for head, upto in covered.items() if last.get(head, -1) < upto}


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return parse_time(text)
    except ValueError:
        return None


def read(path: Path) -> Ledger:
    """The ledger file; empty when it does not exist yet."""
    if not path.exists():
        return Ledger()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"{path}: not a readable audit ledger ({exc}); keep the file the "
            "previous 'itsm audit --ledger' wrote, or start a new one"
        ) from None
    entries = data.get("entries") if isinstance(data, dict) else None
    acks = data.get("acknowledgements", []) if isinstance(data, dict) else None
    if (
        data.get("schema") != SCHEMA
        or not isinstance(entries, list)
        or not all(isinstance(e, dict) and isinstance(e.get("head"), str) for e in entries)
        or not isinstance(acks, list)
        or not all(isinstance(a, dict) and isinstance(a.get("head"), str) for a in acks)
    ):
        raise ConfigError(f"{path}: not an itsmcode audit ledger (schema {SCHEMA})")
    return Ledger(entries, acks)


def rewrites(repo: AuditGit, ledger: Ledger, branch: str, head: str) -> dict[str, Violation]:
    """Each head audited on ``branch`` that is no longer on its first-parent line (and
    not acknowledged), with its ``history-rewritten`` violation."""
    done = ledger.acknowledged(branch)
    heads = [(h, when) for h, when in ledger.heads(branch) if h not in done]
    if not heads:
        return {}
    line = repo.first_parent_line(head)
    found: dict[str, Violation] = {}
    for old, when in heads:
        if old in line:
            continue
        at = when.isoformat() if when else "an earlier run"
        if not repo.exists(old):
            what = (
                f"the head {old[:12]} audited at {at} no longer exists in this repository: "
                f"{branch} was rewritten (force-pushed) or this is another clone; the "
                "population audited before is not the population now"
            )
        elif repo.is_ancestor(old, head):
            what = (
                f"the head {old[:12]} audited at {at} left the first-parent line of {branch} "
                f"({head[:12]}): a merge made it a side parent, so the commits audited up to "
                "it are no longer rows of the audit"
            )
        else:
            what = (
                f"the head {old[:12]} audited at {at} is not an ancestor of {branch} "
                f"({head[:12]}): history was rewritten since; compare the earlier export with "
                "this one"
            )
        found[old] = Violation(
            "history-rewritten",
            f"{what}; once explained, record it with 'itsm audit --ledger ... "
            f"--acknowledge-rewrite {old} --reason WHY'",
        )
    return found


def acknowledge(
    rewritten: dict[str, Violation],
    branch: str,
    heads: list[str],
    reason: str,
    now: str,
    runs: int,
) -> list[Acknowledgement]:
    """The acknowledgements for ``heads`` (full or abbreviated ids), each of which must
    be a rewrite this run reports: a head still on the line cannot be waved through in
    advance."""
    made = []
    for given in heads:
        matches = [h for h in rewritten if h.startswith(given.lower())] if len(given) >= 7 else []
        if len(matches) != 1:
            raise ConfigError(
                f"--acknowledge-rewrite {given}: not "
                + ("one" if matches else "a")
                + f" rewritten head of {branch} in this ledger (give an id a "
                "history-rewritten warning names)"
            )
        made.append(Acknowledgement(branch, matches[0], reason, now, runs))
    return made


def append(path: Path, ledger: Ledger, entry: LedgerEntry) -> None:
    data = {
        "schema": SCHEMA,
        "entries": [*ledger.entries, entry.to_json()],
        "acknowledgements": ledger.acknowledgements,
    }
    try:
        write_atomic(path, json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the audit ledger: {exc.strerror or exc}") from None


def open_for_run(
    repo: AuditGit,
    path: Path | None,
    branch: str,
    tip: str,
    heads: Sequence[str],
    reason: str | None,
    now: datetime,
) -> tuple[Ledger, dict[str, Violation]]:
    """The ledger at ``path`` (an empty one without a path) and the rewrites it shows,
    less the ``heads`` acknowledged now with ``reason`` (recorded in the ledger)."""
    ledger = read(path) if path is not None else Ledger()
    found = rewrites(repo, ledger, branch, tip) if path is not None else {}
    if heads:
        if path is None or not reason:
            raise ConfigError("--acknowledge-rewrite needs --ledger and a --reason")
        made = acknowledge(found, branch, list(heads), reason, now.isoformat(), len(ledger.entries))
        ledger.acknowledgements.extend(a.to_json() for a in made)
        for acknowledged in made:
            found.pop(acknowledged.head)
    return ledger, found


def record_run(
    path: Path, ledger: Ledger, branch: str, tip: str, now: datetime, rewritten: bool
) -> None:
    """Append this run's head; when it found a rewrite, say which head it followed."""
    previous = ledger.heads(branch)
    append(
        path,
        ledger,
        LedgerEntry(
            branch,
            tip,
            now.isoformat(),
            rewritten_from=previous[-1][0] if rewritten and previous else None,
        ),
    )
