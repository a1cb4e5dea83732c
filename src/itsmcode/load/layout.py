"""Where an ITSM repository keeps each kind, and how its root and config are found."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models (pydantic) stay unimported on lint's cached path
    from itsmcode.models import Config
    from itsmcode.models.config import Paths

CONFIG_FILE = "itsm.yaml"
#: Where the GitHub workflows ``itsm init`` writes live, the approval gate among them
#: (``itsmcode.workflows`` holds their text).
WORKFLOW_DIR = ".github/workflows"
WORKFLOW_FILES: tuple[str, ...] = (
    "validate.yml",
    "approval.yml",
    "approval-review.yml",
    "record.yml",
)

#: Which practice (ITIL-lite subset) brings which kinds into the repository.
PRACTICE_KINDS: dict[str, tuple[str, ...]] = {
    "catalog": ("Team", "Service", "Calendar"),
    "sla": ("SLA", "Calendar"),
    "change": ("ChangeRequest", "StandardChange", "ApprovalPolicy", "Calendar", "CabMinutes"),
    "incident": ("Incident",),
    "problem": ("Problem",),
    "scorecard": ("Scorecard",),
}


@dataclass(frozen=True)
class Layout:
    """The folder (or, for the policy, the file) of each enabled kind."""

    folders: dict[str, str]

    @classmethod
    def from_config(cls, config: Config, *, every_kind: bool = False) -> Layout:
        """The enabled kinds' folders (``every_kind``: also those of practices not enabled)."""
        paths: Paths = config.spec.paths
        by_kind = {
            "Service": paths.services,
            "Team": paths.teams,
            "SLA": paths.slas,
            "Calendar": paths.calendars,
            "ChangeRequest": paths.changes,
            "StandardChange": paths.standard_changes,
            "ApprovalPolicy": paths.approval_policy,
            "Incident": paths.incidents,
            "Problem": paths.problems,
            "Scorecard": paths.scorecards,
            "CabMinutes": paths.cab_minutes,
        }
        enabled = {"Config"} | {
            kind for practice in config.spec.practices for kind in PRACTICE_KINDS[practice]
        }
        folders = {k: v.strip("/") for k, v in by_kind.items() if every_kind or k in enabled}
        return cls(folders=folders)

    def enabled(self, kind: str) -> bool:
        return kind == "Config" or kind in self.folders

    def kind_for_path(self, path: str) -> str | None:
        """The kind a repository-relative path belongs to by its folder, if any: the
        longest folder that is the path or holds it (the first kind of equals)."""
        if path == CONFIG_FILE:
            return "Config"
        exact = self._by_folder.get(path)
        if exact is not None:
            return exact  # no folder holding the path is as long as the path itself
        parent, slash, _ = path.rpartition("/")
        if not slash:
            return None
        # Which folders hold a file depends on its folder alone: asked once per folder
        # (lint asks for every file of the repository).
        if parent not in self._held_by:
            self._held_by[parent] = self._holding(parent + "/")
        return self._held_by[parent]

    def _holding(self, path: str) -> str | None:
        best: tuple[int, str] | None = None
        for kind, folder in self.folders.items():
            if path.startswith(folder + "/") and (best is None or len(folder) > best[0]):
                best = (len(folder), kind)
        return best[1] if best else None

    @cached_property
    def _by_folder(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for kind, folder in self.folders.items():
            found.setdefault(folder, kind)
        return found

    @cached_property
    def _held_by(self) -> dict[str, str | None]:
        return {}


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that holds itsm.yaml."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    return None
