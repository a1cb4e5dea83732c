"""``itsm show KIND NAME [--at REF|DATE]``: one entity as it is, or was, with references
resolved."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from itsmcode.cli.options import repo_option, resolve_root

#: Short and plural spellings users type for each kind.
KIND_ALIASES = {
    "services": "Service",
    "teams": "Team",
    "slas": "SLA",
    "calendars": "Calendar",
    "change": "ChangeRequest",
    "changes": "ChangeRequest",
    "cr": "ChangeRequest",
    "changerequests": "ChangeRequest",
    "standard-change": "StandardChange",
    "standardchanges": "StandardChange",
    "policy": "ApprovalPolicy",
    "incidents": "Incident",
    "problems": "Problem",
    "scorecards": "Scorecard",
    "cab": "CabMinutes",
    "minutes": "CabMinutes",
    "cabminutes": "CabMinutes",
    "config": "Config",
}


@click.command("show")
@click.argument("kind")
@click.argument("name")
@click.option(
    "--at",
    "at",
    metavar="REF|DATE",
    default=None,
    help="Show the entity as it was at a git revision, or at the last commit "
    "on or before a date (YYYY-MM-DD). Default: the work tree.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("yaml", "json")),
    default="yaml",
    show_default=True,
    help="Output format.",
)
@repo_option
def show(kind: str, name: str, at: str | None, fmt: str, repo: Path | None) -> None:
    """Print one entity with the field names of its file and its references resolved.

    Exit status: 0 shown, 1 no such entity, 2 usage, configuration or git error.
    """
    from itsmcode.errors import ConfigError
    from itsmcode.models import MODELS
    from itsmcode.suggest import did_you_mean

    root = resolve_root(repo)
    kind_name = _kind(kind)
    if kind_name is None:
        raise ConfigError(
            f"unknown kind '{kind}'{did_you_mean(kind, MODELS)}; one of: " + ", ".join(MODELS)
        )
    catalog, where = _catalog(root, at)
    records = catalog.records_named(kind_name, name)
    if not records:
        broken = _broken_file(catalog, kind_name, name)
        if broken is not None:
            # The file is there but does not load: say why rather than "no such entity".
            click.echo(f"itsm: error: {kind_name} '{name}' {where} does not load:", err=True)
            for problem in broken.problems:
                click.echo(f"  {problem.location}: [{problem.rule}] {problem.message}", err=True)
            sys.exit(1)
        hint = did_you_mean(name, catalog.names(kind_name))
        click.echo(f"itsm: error: no {kind_name} named '{name}' {where}{hint}", err=True)
        sys.exit(1)
    record = records[0]
    document = _document(catalog, record, where)
    if fmt == "json":
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        _write_yaml(document)
    sys.exit(0)


def _broken_file(catalog: Any, kind: str, name: str) -> Any:
    """The record of a file named after the entity in its kind's folder that did not load."""
    from pathlib import PurePosixPath

    from itsmcode.load.layout import Layout

    layout = Layout.from_config(catalog.config)
    for record in catalog.records:
        if (
            record.entity is None
            and record.problems
            and PurePosixPath(record.path).stem == name
            and layout.kind_for_path(record.path) == kind
        ):
            return record
    return None


def _kind(text: str) -> str | None:
    from itsmcode.models import MODELS

    lowered = {k.lower(): k for k in MODELS}
    key = text.lower()
    return lowered.get(key) or KIND_ALIASES.get(key) or lowered.get(key.rstrip("s"))


def _catalog(root: Path, at: str | None) -> tuple[Any, str]:
    from itsmcode.load.config import load_config

    if at is None:
        from itsmcode.load.snapshot import load_worktree

        return load_worktree(root, load_config(root)), "in the work tree"
    from itsmcode.audit.at import resolve_at
    from itsmcode.diff.snapshots import load_commit
    from itsmcode.errors import ConfigError
    from itsmcode.git.repo import GitRepo

    repo = GitRepo(root)
    commit = resolve_at(root, at)  # a date: the branch's first-parent line (docs/audit.md)
    try:
        fallback = load_config(root)
    except ConfigError:
        fallback = None
    return load_commit(repo, commit, fallback), f"at {at} ({commit[:12]})"


def _document(catalog: Any, record: Any, where: str) -> dict[str, Any]:
    from itsmcode.load.catalog import Record
    from itsmcode.models import Service

    assert isinstance(record, Record) and record.document is not None
    resolved: dict[str, Any] = {}
    entity = record.entity
    if entity is not None:
        for loc, kind, target in entity.references():
            found = catalog.records_named(kind, target)
            info: dict[str, Any] = {"kind": kind, "name": target}
            if found:
                info.update(_summary(found[0]))
            else:
                info["missing"] = True
            resolved[_dotted(loc)] = info
    out: dict[str, Any] = {
        "kind": record.kind,
        "name": record.name,
        "path": record.path,
        "at": where,
        "entity": record.document.data,
        "resolved": resolved,
        "problems": [
            {
                "line": d.location.line,
                "column": d.location.column,
                "rule": d.rule,
                "message": d.message,
            }
            for d in record.problems
        ],
    }
    if isinstance(entity, Service):
        out["dependents"] = sorted(catalog.dependents.get(entity.name, ()))
    return out


def _summary(record: Any) -> dict[str, Any]:
    data = record.document.data if record.document else {}
    meta_raw, spec_raw = data.get("metadata"), data.get("spec")
    meta: dict[str, Any] = meta_raw if isinstance(meta_raw, dict) else {}
    spec: dict[str, Any] = spec_raw if isinstance(spec_raw, dict) else {}
    info: dict[str, Any] = {"path": record.path}
    if isinstance(meta.get("title"), str):
        info["title"] = meta["title"]
    for key in ("tier", "lifecycle", "owner"):
        if key in spec and record.kind == "Service":
            info[key] = spec[key]
    if record.problems:
        info["invalid"] = True
    return info


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _write_yaml(document: dict[str, Any]) -> None:
    # Strings that read as something else under YAML 1.2 or 1.1 ("1e3", "no",
    # "2026-01-01") are quoted, so the output reads back as the file's values.
    from itsmcode.load.yamlio import dump

    out = sys.stdout
    out.write(f"# {document['path']} {document['at']}\n")
    for p in document["problems"]:
        out.write(f"# problem {p['line']}:{p['column']} [{p['rule']}] {p['message']}\n")
    out.write(dump(document["entity"]))
    extra = {"resolved": document["resolved"]}
    if "dependents" in document:
        extra["dependents"] = document["dependents"]
    out.write("---\n# references resolved and dependents (not part of the file)\n")
    out.write(dump(extra))
