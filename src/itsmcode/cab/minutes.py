"""``itsm cab minutes``: the meeting's decisions as a ``CabMinutes`` file (docs/cab.md).

The file is built from the command line (no prompt: it runs the same in CI and in a
terminal), put in ``itsm fmt``'s canonical layout and linted together with the whole
work tree before anything is written, so a decision on a change that does not exist or
an attendee no team lists is refused with lint's located message, not committed. The
pull request that adds the file is the record; writing is atomic and never replaces an
existing file without ``--force``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_args

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.errors import ConfigError
from itsmcode.fmt.run import format_text
from itsmcode.lint.engine import configured_severities, run_rules
from itsmcode.lint.rules import LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.load.config import load_config
from itsmcode.load.layout import Layout
from itsmcode.load.snapshot import load_record, load_worktree
from itsmcode.load.yamlio import Limits, dump
from itsmcode.models import CabMinutes
from itsmcode.models.cab import Verdict

VERDICTS: tuple[str, ...] = get_args(Verdict)


@dataclass(frozen=True)
class MinutesPlan:
    path: str  # repository-relative
    text: str
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


def parse_decision(text: str) -> dict[str, Any]:
    """``CHANGE=approved|rejected|deferred[:note]`` as a decision mapping."""
    change, sep, rest = text.partition("=")
    verdict, _, note = rest.partition(":")
    verdict = verdict.strip()
    if not sep or not change.strip() or verdict not in VERDICTS:
        shown = text if text.isprintable() else repr(text)  # one line, whatever was typed
        raise ConfigError(
            f"--decision {shown}: write CHANGE=VERDICT[:note], VERDICT one of "
            f"{', '.join(VERDICTS)} (e.g. chg-2026-0040=approved:roll back at 1 % errors)"
        )
    decision: dict[str, Any] = {"change": change.strip(), "decision": verdict}
    if note.strip():
        decision["note"] = note.strip()
    return decision


def plan_minutes(
    root: Path,
    *,
    day: date,
    decisions: Sequence[str],
    attendees: Sequence[str],
    teams: Sequence[str],
    chair: str | None,
    out: Path | None,
    now: datetime,
) -> MinutesPlan:
    config = load_config(root)
    folder = Layout.from_config(config).folders.get(CabMinutes.KIND)
    if folder is None:
        raise ConfigError(
            "CabMinutes files are part of the 'change' practice: enable it in itsm.yaml "
            "(spec.practices)"
        )
    if not decisions:
        raise ConfigError("give at least one --decision CHANGE=VERDICT[:note]")
    path = _path(root, folder, day, out)
    name = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    spec: dict[str, Any] = {"date": day.isoformat()}
    if chair:
        spec["chair"] = chair
    if attendees:
        spec["attendees"] = list(dict.fromkeys(attendees))
    if teams:
        spec["teams"] = list(dict.fromkeys(teams))
    spec["decisions"] = [parse_decision(d) for d in decisions]
    document = {
        "apiVersion": "itsmcode/v1",
        "kind": CabMinutes.KIND,
        "metadata": {"name": name, "title": f"CAB {day.isoformat()}"},
        "spec": spec,
    }
    text = format_text(dump(document)).text
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    catalog = load_worktree(root, config, limits=limits)
    records: list[Record] = [r for r in catalog.records if r.path != path]
    records.append(load_record(path, text.encode("utf-8"), None, limits))
    context = LintContext(config=config, layout=Layout.from_config(config), now=now)
    result = run_rules(Catalog(records, config), context, configured_severities(config), [path])
    found = [d for d in result.diagnostics if d.location.path == path]
    return MinutesPlan(path, text, found)


def _path(root: Path, folder: str, day: date, out: Path | None) -> str:
    """Where the minutes go: ``<folder>/cab-<date>.yaml``, or ``--out`` inside the folder
    (lint reads CabMinutes files only there)."""
    if out is None:
        return f"{folder}/cab-{day.isoformat()}.yaml"
    target = out if out.is_absolute() else Path.cwd() / out
    try:
        relative = target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise ConfigError(f"--out {out}: not inside the repository {root}") from None
    if not relative.startswith(folder + "/") or not relative.endswith(".yaml"):
        raise ConfigError(
            f"--out {out}: CabMinutes files live in {folder}/ and end in .yaml "
            "(itsm.yaml spec.paths.cabMinutes)"
        )
    return relative
