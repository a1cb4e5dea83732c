"""The completeness ledger: the last audited head of the branch, kept between runs.

Git history is append-only as long as nobody force-pushes. A later audit checks that
the head the ledger recorded is still an ancestor of the branch: if it is not, commits
that were audited before may have been removed or altered, and the audit says so
loudly (a ``history-rewritten`` violation and a warning on stderr). Every run appends
one entry, so the ledger file itself is the list of audited heads an auditor keeps
with the exports.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsmcode import __version__
from itsmcode.audit.evidence import Violation
from itsmcode.errors import ConfigError
from itsmcode.git.log import AuditGit

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


def read(path: Path) -> list[dict[str, Any]]:
    """The entries of a ledger file; none when it does not exist yet."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"{path}: not a readable audit ledger ({exc}); keep the file the "
            "previous 'itsm audit --ledger' wrote, or start a new one"
        ) from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if (
        data.get("schema") != SCHEMA
        or not isinstance(entries, list)
        or not all(isinstance(e, dict) and isinstance(e.get("head"), str) for e in entries)
    ):
        raise ConfigError(f"{path}: not an itsmcode audit ledger (schema {SCHEMA})")
    return entries


def check(repo: AuditGit, entries: list[dict[str, Any]], branch: str, head: str) -> list[Violation]:
    """A violation when the last head audited on ``branch`` is not an ancestor of ``head``."""
    previous = [e for e in entries if e.get("branch") == branch]
    if not previous:
        return []
    last = previous[-1]
    old = str(last["head"])
    when = last.get("auditedAt", "an earlier run")
    if not repo.exists(old):
        return [
            Violation(
                "history-rewritten",
                (
                    f"the head {old[:12]} audited at {when} no longer exists in this repository: "
                    f"{branch} was rewritten (force-pushed) or this is another clone; the "
                    "population audited before is not the population now"
                ),
            )
        ]
    if not repo.is_ancestor(old, head):
        return [
            Violation(
                "history-rewritten",
                (
                    f"the head {old[:12]} audited at {when} is not an ancestor of {branch} "
                    f"({head[:12]}): history was rewritten since; compare the earlier export with "
                    "this one"
                ),
            )
        ]
    return []


def append(path: Path, entries: list[dict[str, Any]], entry: LedgerEntry) -> None:
    data = {"schema": SCHEMA, "entries": [*entries, entry.to_json()]}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise ConfigError(f"{path}: cannot write the audit ledger: {exc.strerror or exc}") from None
