"""``itsm init``: the files of a new ITSM repository, and writing them without clobbering.

The templates live in ``itsmcode/scaffold/templates/<practice>/`` as package data: one
folder per ITIL-lite practice (``base`` for what every repository gets), mirroring the
layout of the repository they create. A template's text and path are filled in with
``string.Template`` (``${name}`` in text, ``__name__`` in paths), so the templates stay
readable YAML and a reviewer sees exactly what a new user gets.

Dates are computed from ``today``: review dates a year ahead (so ``review-due`` stays
quiet for a year), the example change window on the next Tuesday outside the year-end
freeze (so ``change-window`` accepts it), the year-end freeze of the current year.

Besides the templates a repository gets its structure: the GitHub workflows and the
pre-commit config, both installing itsmcode from a pinned git commit (workflows/pin.py),
and the JSON Schemas of ``schemas/``, which the approval policy's governance rule names.

Writing follows three rules: an existing path is never touched (it is reported as
skipped); what an earlier ``itsm init`` created, or the examples of a practice it (or the
repository) already had, are not written again, so deleting or renaming an example
sticks (manifest.py keeps the record); and every new file appears whole or not at
all (a temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from itsmcode.files import write_atomic
from itsmcode.fmt.run import format_text
from itsmcode.scaffold.manifest import MANIFEST_FILE, Manifest

if TYPE_CHECKING:
    from importlib.abc import Traversable

    from itsmcode.workflows.pin import GateSource

#: The practices in the order itsm.yaml lists them; ``catalog`` is always on.
PRACTICES: tuple[str, ...] = ("catalog", "sla", "change", "incident", "problem", "scorecard")
DEFAULT_PRACTICES: tuple[str, ...] = ("catalog", "sla", "change")
TEMPLATE_SUFFIX = ".tmpl"

#: Folders whose examples sit in a dated subfolder (``changes/2026/``). Their example is
#: written only while the folder holds no YAML yet: otherwise a second ``itsm init`` in a
#: later year would add a second example instead of changing nothing.
DATED_FOLDERS: frozenset[str] = frozenset({"changes", "incidents"})

#: pre-commit's config: ``itsm fmt`` and ``itsm lint`` on each commit, the pinned itsmcode of CI.
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
_PRE_COMMIT = """\
# pre-commit (https://pre-commit.com) runs `itsm fmt` and `itsm lint` on the YAML files
# of each commit:
# pip install pre-commit && pre-commit install. The hook is itsmcode at the same pinned
# commit as the workflows' ITSMCODE_REF (docs/ci.md, "Install source"); move both together.
repos:
  - repo: ${url}
    rev: ${ref}
    hooks:
      - id: itsm-fmt
      - id: itsm-lint
"""

#: What each practice adds to the layout table of the generated README.
_LAYOUT: dict[str, tuple[tuple[str, str], ...]] = {
    "base": (
        ("`itsm.yaml`", "repository configuration: time zone, practices, lint settings"),
        ("`schemas/`", "JSON Schemas of the file formats, for editors (`itsm schema check`)"),
        ("`.github/workflows/`", "CI: lint, semantic diff, the approval gate, audit records"),
    ),
    "catalog": (
        ("`catalog/teams/`", "teams and their members (GitHub logins)"),
        ("`catalog/services/`", "the service catalog: owner, tier, lifecycle, dependencies"),
        ("`catalog/calendars/`", "business hours, holidays and change freezes"),
    ),
    "sla": (("`catalog/slas/`", "service level agreements: availability and P1-P4 targets"),),
    "change": (
        ("`changes/<year>/`", "change requests, one file per change"),
        ("`processes/standard-changes/`", "pre-approved standard change templates"),
        ("`processes/approval-policy.yaml`", "who must approve which pull request"),
        ("`processes/policy-tests/`", "scenarios `itsm policy test` checks the policy with"),
    ),
    "incident": (("`incidents/<year>/`", "incident records"),),
    "problem": (("`problems/`", "problem records: the causes behind recurring incidents"),),
    "scorecard": (("`processes/scorecards/`", "the standards services are scored against"),),
}
_EXAMPLES: dict[str, str] = {
    "catalog": "the website and database services and the business-hours calendar",
    "sla": "the standard SLA",
    "change": "the change request, the standard change, the freeze dates and the policy tests",
    "incident": "the incident",
    "problem": "the problem",
    "scorecard": "the service-basics scorecard",
}


class UnknownPractice(ValueError):
    """A practice name that is not one of PRACTICES."""


@dataclass(frozen=True)
class ScaffoldFile:
    """One file to create: its repository-relative POSIX path and its text.

    ``practice`` names the practice an example belongs to (None: structure every
    repository needs); ``pinned`` marks a file that installs the pinned itsmcode.
    """

    path: str
    text: str
    practice: str | None = None
    pinned: bool = False


@dataclass(frozen=True)
class WriteResult:
    """What ``write`` did: the paths it created, the paths it left alone and why, and
    whether it created or updated the manifest (None: left as it was)."""

    created: list[str]
    skipped: list[tuple[str, str]]
    manifest: str | None = None


def parse_practices(values: Iterable[str]) -> list[str]:
    """Comma-separated practice names -> the canonical ordered list, catalog always first.

    Raises UnknownPractice naming the first unknown name (with a did-you-mean).
    """
    from itsmcode.suggest import did_you_mean

    wanted = {"catalog"}
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in PRACTICES:
                raise UnknownPractice(
                    f"unknown practice '{name}'{did_you_mean(name, PRACTICES)}; "
                    f"choose from {', '.join(PRACTICES)}"
                )
            wanted.add(name)
    return [p for p in PRACTICES if p in wanted]


def repository_name(directory: Path) -> str:
    """A valid entity name for itsm.yaml's metadata, made from the directory's name."""
    slug = re.sub(r"[^a-z0-9]+", "-", directory.resolve().name.lower()).strip("-")
    return slug[:63].strip("-") or "itsm"


def plan(practices: Sequence[str], *, name: str, timezone: str, today: date) -> list[ScaffoldFile]:
    """Every file a new repository with these practices gets, filled in for ``today``."""
    values = _values(practices, name=name, timezone=timezone, today=today)
    root = resources.files("itsmcode").joinpath("scaffold").joinpath("templates")
    files: list[ScaffoldFile] = []
    for group in ("base", *practices):
        for relative, template in _templates(root.joinpath(group)):
            path = _fill_path(relative, values)
            text = string.Template(template.read_text(encoding="utf-8")).substitute(values)
            if path.endswith((".yaml", ".yml")):  # entity files, in itsm fmt's layout
                text = format_text(text).text
            files.append(ScaffoldFile(path, text, practice=None if group == "base" else group))
    return files


def pinned_paths(*, approval: bool) -> list[str]:
    """The paths of the files that install itsmcode and so need a pinned source."""
    from itsmcode.workflows import workflow_paths

    return [*workflow_paths(approval=approval), PRE_COMMIT_FILE]


def structure(gate: GateSource | None, *, approval: bool) -> list[ScaffoldFile]:
    """The workflows and pre-commit config (with ``gate``; none without) and schemas/."""
    from itsmcode.models.jsonschema import generate
    from itsmcode.workflows import workflow_files

    files: list[ScaffoldFile] = []
    if gate is not None:
        files += [
            ScaffoldFile(path, text, pinned=True)
            for path, text in workflow_files(gate, approval=approval).items()
        ]
        text = string.Template(_PRE_COMMIT).substitute(url=gate.url, ref=gate.ref)
        files.append(ScaffoldFile(PRE_COMMIT_FILE, text, pinned=True))
    files += [ScaffoldFile(f"schemas/{name}", text) for name, text in generate().items()]
    return files


def pending(
    root: Path, files: Sequence[ScaffoldFile], manifest: Manifest | None = None
) -> tuple[list[ScaffoldFile], list[tuple[str, str]]]:
    """Which of ``files`` ``write`` would create, and which it would skip and why."""
    manifest = manifest or Manifest()
    create: list[ScaffoldFile] = []
    skipped: list[tuple[str, str]] = []
    # Decided before writing anything, so this run's own examples don't count as taken.
    taken_folders = {f for f in DATED_FOLDERS if _holds_yaml(root / f)}
    for file in files:
        top = file.path.split("/", 1)[0]
        # lexists: a dangling symlink is taken too; writing through it could land anywhere.
        if os.path.lexists(root / file.path):
            skipped.append((file.path, "already exists"))
        elif file.path in manifest.created:
            skipped.append(
                (
                    file.path,
                    "created by an earlier itsm init, since removed or renamed: not re-created",
                )
            )
        elif file.practice is not None and file.practice in manifest.practices:
            skipped.append(
                (file.path, f"an example; the {file.practice} practice was set up before")
            )
        elif file.practice is not None and top in taken_folders:
            skipped.append((file.path, f"{top}/ already holds records"))
        else:
            create.append(file)
    return create, skipped


def write(
    root: Path,
    files: Sequence[ScaffoldFile],
    *,
    manifest: Manifest | None = None,
    practices: Sequence[str] = (),
    gate: GateSource | None = None,
) -> WriteResult:
    """Create each file ``pending`` allows, then record the run in the manifest.

    ``manifest`` is the record of earlier runs (None: a repository init never wrote
    into); ``practices`` are the ones this run set up; ``gate`` is the source the pinned
    files were made with. The manifest is rewritten only when its content changes, so a
    run that creates nothing touches nothing.

    Raises OSError when a folder or file cannot be created; files written before the
    failure stay (each of them complete).
    """
    before = manifest or Manifest()
    create, skipped = pending(root, files, before)
    created: list[str] = []
    for file in create:
        target = root / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, file.text)
        created.append(file.path)
    after = Manifest(
        created=before.created | set(created),
        practices=before.practices | set(practices),
        gate=gate if any(f.pinned for f in create) else before.gate,
    )
    target = root / MANIFEST_FILE
    text = after.text()
    old = target.read_text(encoding="utf-8") if target.is_file() else None
    if old == text:
        return WriteResult(created, skipped)
    write_atomic(target, text)
    return WriteResult(created, skipped, "created" if old is None else "updated")


def _values(practices: Sequence[str], *, name: str, timezone: str, today: date) -> dict[str, str]:
    zone = ZoneInfo(timezone)
    change_day = _next_change_day(today)
    year = str(change_day.year)
    opened = datetime.combine(_previous_weekday(today), time(10, 12), zone)

    def stamp(day: date, hour: int, minute: int = 0) -> str:
        return datetime.combine(day, time(hour, minute), zone).isoformat()

    return {
        "org": name,
        "timezone": timezone,
        "practices": ", ".join(practices),
        # A year ahead: the catalog is due for review then, not on day one.
        "review_by": (today + timedelta(days=365)).isoformat(),
        "new_year": date(today.year + 1, 1, 1).isoformat(),
        "sla_line": (
            "sla: standard"
            if "sla" in practices
            else "# sla: none yet; enable the sla practice in itsm.yaml to set targets"
        ),
        "year": year,
        "change_name": f"chg-{year}-0001",
        "change_start": stamp(change_day, 10),
        "change_end": stamp(change_day, 10, 30),
        "freeze_start": stamp(date(today.year, 12, 21), 0),
        "freeze_end": stamp(date(today.year + 1, 1, 4), 0),
        "incident_year": str(opened.year),
        "incident_name": f"inc-{opened.year}-0001",
        "incident_opened": opened.isoformat(),
        "incident_responded": (opened + timedelta(minutes=8)).isoformat(),
        "incident_resolved": (opened + timedelta(hours=1, minutes=3)).isoformat(),
        "layout": "\n".join(
            f"| {path} | {what} |"
            for group in ("base", *practices)
            for path, what in _LAYOUT[group]
        ),
        "examples": "; ".join(_EXAMPLES[p] for p in practices),
        "people_hint": (
            "; the approval policy counts approvals only from team members"
            if "change" in practices
            else ""
        ),
    }


def _next_change_day(today: date) -> date:
    """The first Tuesday after ``today`` outside the scaffolded year-end freeze.

    Tuesday 10:00 is never in the weekend freeze, and Dec 21 - Jan 3 is the year-end one.
    """
    day = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    while (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 3):
        day += timedelta(days=7)
    return day


def _previous_weekday(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _templates(folder: Traversable, prefix: str = "") -> Iterable[tuple[str, Traversable]]:
    """(relative path without the suffix, template) for every template under ``folder``."""
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _templates(entry, relative + "/")
        elif entry.name.endswith(TEMPLATE_SUFFIX):
            yield relative[: -len(TEMPLATE_SUFFIX)], entry


def _fill_path(relative: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return re.sub(r"__([a-z_]+?)__", value, relative)


def _holds_yaml(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return any(
        name.endswith((".yaml", ".yml")) for _, _, names in os.walk(folder) for name in names
    )
