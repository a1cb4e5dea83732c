"""``.itsm-init.json``: what ``itsm init`` has written into a repository, so a re-run does not.

Without it a second ``itsm init`` cannot tell an example the user deleted or renamed
from one it never wrote, and would bring it back. The manifest lists every path init
created, the practices whose examples it has offered, and the itsmcode source the
workflows were written with (so a re-run writes a new workflow with the same pin). It
is committed with the repository; being a dot-file, ``itsm lint`` never reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from itsmcode.errors import ConfigError
from itsmcode.workflows.pin import GateSource, PinError

MANIFEST_FILE = ".itsm-init.json"
_NOTE = (
    "Written by `itsm init`: the files it created (one you delete or rename is not "
    "created again), the practices whose examples it wrote, and the pinned itsmcode "
    "source of the workflows. Commit it; delete it to make init start afresh."
)


@dataclass
class Manifest:
    """The record of earlier ``itsm init`` runs in one repository."""

    created: set[str] = field(default_factory=set)
    practices: set[str] = field(default_factory=set)
    gate: GateSource | None = None

    @classmethod
    def load(cls, root: Path) -> Manifest | None:
        """The manifest under ``root``, None when there is none.

        Raises ConfigError for one that cannot be read: init stops rather than guess
        (and perhaps bring back what the user removed).
        """
        path = root / MANIFEST_FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            gate = data.get("gate")
            return cls(
                created={str(p) for p in data["created"]},
                practices={str(p) for p in data["practices"]},
                gate=GateSource.parse(gate["source"], gate["ref"]) if gate else None,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc) if isinstance(exc, PinError) else f"{type(exc).__name__}: {exc}"
            raise ConfigError(
                f"{path}: not a manifest itsm init can read ({reason}); fix or delete it "
                "(init then treats the repository as existing and writes no examples)"
            ) from None

    def text(self) -> str:
        data: dict[str, object] = {
            "note": _NOTE,
            "gate": {"source": self.gate.url, "ref": self.gate.ref} if self.gate else None,
            "practices": sorted(self.practices),
            "created": sorted(self.created),
        }
        return json.dumps(data, indent=2) + "\n"
