"""``itsm init [DIR]``: scaffold an ITSM repository that lints clean at once.

Behaviour, as documented for users in ``itsm init --help``:

- Existing files are never overwritten: each is reported as skipped. What an earlier run
  created is recorded in ``.itsm-init.json`` and not written again once deleted or
  renamed; an existing repository gets no examples for the practices it already has.
  So a second run changes nothing, and ``itsm init`` in an existing repository only
  fills in missing structure (workflows, pre-commit config, schemas/) and the examples
  of a practice it adds.
- The workflows and the pre-commit config install itsmcode from a git repository at a
  full commit sha: ``--gate-source``/``--gate-ref``, else the pin recorded by an earlier
  run (in the manifest, else in an existing workflow), else the commit the running itsm
  was installed from (pip's PEP 610 record). With
  none of them, init refuses (exit 2) before writing anything that would need one.
- The result is linted with the real ``itsm lint`` before the command ends. Exit 0 when
  it has no errors; exit 1 (with the findings) when files that were already there make
  it inconsistent; exit 2 for a usage error or an unreadable existing ``itsm.yaml``, in
  which case nothing is written.
"""

from __future__ import annotations

import re
import sys
import zoneinfo
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from itsmcode.errors import ConfigError

if TYPE_CHECKING:
    from itsmcode.models import Config
    from itsmcode.scaffold.manifest import Manifest
    from itsmcode.workflows.pin import GateSource

_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@click.command("init")
@click.argument(
    "directory",
    required=False,
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--practices",
    metavar="LIST",
    default=None,
    help="Comma-separated ITIL-lite practices: catalog, sla, change, incident, problem, "
    "scorecard (catalog is always on). Default: those of an existing itsm.yaml, else "
    "catalog,sla,change.",
)
@click.option(
    "--name",
    metavar="NAME",
    default=None,
    help="metadata.name of the repository config (default: from the directory name).",
)
@click.option(
    "--timezone",
    metavar="ZONE",
    default=None,
    help="IANA time zone for itsm.yaml and the calendars (default: an existing itsm.yaml's, "
    "else UTC).",
)
@click.option(
    "--gate-source",
    metavar="URL",
    default=None,
    help="https URL of the git repository of itsmcode the workflows and the pre-commit "
    "hook install from, e.g. https://github.com/itsmcode/itsmcode (docs/ci.md).",
)
@click.option(
    "--gate-ref",
    metavar="SHA",
    default=None,
    help="The full commit sha of --gate-source to install. Default for both: the pin of "
    "an earlier run, else the commit this itsm was installed from.",
)
def init(
    directory: Path,
    practices: str | None,
    name: str | None,
    timezone: str | None,
    gate_source: str | None,
    gate_ref: str | None,
) -> None:
    """Create an ITSM repository in DIRECTORY (default: the current directory).

    Writes itsm.yaml, README.md, the folders of the chosen practices and a few example
    entities (a team, services, a calendar, an SLA, a change request, a standard change,
    the approval policy and a policy test) that pass 'itsm lint' and 'itsm policy test'
    as they are, schemas/, a .pre-commit-config.yaml and the GitHub Actions workflows in
    .github/workflows (see docs/ci.md). The workflows and the hook install itsmcode from
    --gate-source at commit --gate-ref. Existing files are never overwritten, and what
    an earlier run created is recorded in .itsm-init.json and never written again, so
    running it again changes nothing, even after you deleted or renamed an example.

    Exit status: 0 the repository lints without errors, 1 it does not (files that were
    already there are inconsistent; the findings are printed), 2 usage error (also: no
    pinned itsmcode source is known and a workflow would need one).
    """
    from itsmcode.load.layout import CONFIG_FILE
    from itsmcode.scaffold import project as scaffold
    from itsmcode.scaffold.manifest import MANIFEST_FILE, Manifest

    existing = _existing_config(directory) if (directory / CONFIG_FILE).exists() else None
    chosen = _practices(practices, existing.spec.practices if existing else None)
    zone = _timezone(timezone or (existing.spec.timezone if existing else "UTC"))
    repo_name = _name(name) if name else (existing.name if existing else None)
    given = _gate_option(gate_source, gate_ref)
    manifest = Manifest.load(directory) if directory.is_dir() else None
    if manifest is None and existing is not None:
        # Made without init, or by an init that kept no record: its practices are set
        # up, so no examples join them (they would come back after every deletion).
        manifest = Manifest(practices=set(existing.spec.practices))
    gate = (
        given
        or (manifest.gate if manifest else None)
        or _workflow_gate(directory)
        or _installed_gate()
    )
    approval = "change" in chosen

    files = scaffold.plan(
        chosen,
        name=repo_name or scaffold.repository_name(directory),
        timezone=zone,
        today=datetime.now(zoneinfo.ZoneInfo(zone)).date(),
    )
    files += scaffold.structure(gate, approval=approval)
    if gate is None:
        _refuse_unpinned(directory, manifest, approval)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        outcome = scaffold.write(directory, files, manifest=manifest, practices=chosen, gate=gate)
    except OSError as exc:
        raise ConfigError(f"cannot create the repository in {directory}: {exc}") from None

    for path in outcome.created:
        click.echo(f"created  {path}")
    for path, why in outcome.skipped:
        click.echo(f"skipped  {path} ({why})")
    if outcome.manifest:
        click.echo(f"{outcome.manifest}  {MANIFEST_FILE} (what init wrote; commit it)")
    if outcome.created or outcome.manifest:
        click.echo(
            f"{len(outcome.created)} files created, {len(outcome.skipped)} skipped "
            f"in {directory} (practices: {', '.join(chosen)})"
        )
    else:
        click.echo(
            f"Nothing changed in {directory}: 0 files created, {len(outcome.skipped)} "
            f"skipped (practices: {', '.join(chosen)})"
        )
    if given and manifest and manifest.gate and given != manifest.gate:
        click.echo(
            f"note: the workflows keep their pin {manifest.gate.ref}; init never rewrites "
            "them: change ITSMCODE_REF in each workflow and rev in "
            ".pre-commit-config.yaml by pull request (docs/ci.md, Install source)"
        )
    _check(directory, chosen)


def _gate_option(source: str | None, ref: str | None) -> GateSource | None:
    from itsmcode.workflows.pin import GateSource, PinError

    if source is None and ref is None:
        return None
    if source is None or ref is None:
        missing = "--gate-source" if source is None else "--gate-ref"
        raise click.UsageError(
            f"{missing} is missing: give --gate-source URL and --gate-ref SHA together"
        )
    try:
        return GateSource.parse(source, ref)
    except PinError as exc:
        hint = "'--gate-ref'" if "gate ref" in str(exc) else "'--gate-source'"
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _workflow_gate(directory: Path) -> GateSource | None:
    """The pin of a workflow init wrote earlier, when no manifest records it."""
    from itsmcode.workflows import workflow_paths
    from itsmcode.workflows.pin import GateSource, PinError, read

    for path in workflow_paths(approval=True):
        try:
            found = read((directory / path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        try:
            return GateSource.parse(found.url, found.ref) if found else None
        except PinError:
            # A hand-edited, unpinned workflow is no pin to copy into new files.
            continue
    return None


def _installed_gate() -> GateSource | None:
    from itsmcode.workflows.pin import installed

    return installed()


def _refuse_unpinned(directory: Path, manifest: Manifest | None, approval: bool) -> None:
    """Without a pinned source, stop before writing if a file would need one."""
    from itsmcode.scaffold import project as scaffold

    placeholders = [
        scaffold.ScaffoldFile(path, "", pinned=True)
        for path in scaffold.pinned_paths(approval=approval)
    ]
    needed, _ = scaffold.pending(directory, placeholders, manifest)
    if needed:
        raise ConfigError(
            f"{needed[0].path} would install itsmcode, and no pinned source is known: "
            "run again with --gate-source https://github.com/<owner>/itsmcode "
            "--gate-ref <40-hex commit sha> (docs/ci.md, Install source); nothing was written"
        )


def _existing_config(directory: Path) -> Config:
    """The existing itsm.yaml as a Config; a broken one stops init before it writes."""
    from itsmcode.load.config import load_config

    try:
        return load_config(directory)
    except ConfigError as exc:
        raise ConfigError(
            f"{exc}\n{directory / 'itsm.yaml'} exists but is invalid; fix it first, "
            "init never overwrites it"
        ) from None


def _practices(option: str | None, configured: Sequence[str] | None) -> list[str]:
    from itsmcode.scaffold.project import DEFAULT_PRACTICES, UnknownPractice, parse_practices

    if option is None:
        return parse_practices(configured or DEFAULT_PRACTICES)
    try:
        chosen = parse_practices([option])
    except UnknownPractice as exc:
        raise click.BadParameter(str(exc), param_hint="'--practices'") from None
    return chosen


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"unknown time zone '{value}'; use an IANA name such as 'Europe/Berlin'",
            param_hint="'--timezone'",
        ) from None
    return value


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise click.BadParameter(
            f"invalid name '{value}': use lowercase letters, digits and inner hyphens, "
            "1-63 characters",
            param_hint="'--name'",
        )
    return value


def _check(directory: Path, chosen: list[str]) -> None:
    """Lint what is now there; a repository init leaves behind must be consistent."""
    from itsmcode.lint.engine import lint
    from itsmcode.load.config import load_config

    root = directory.resolve()
    enabled = load_config(root).spec.practices
    missing = [p for p in chosen if p not in enabled]
    if missing:
        # The kept itsm.yaml does not scan these folders, so lint would never see them.
        click.echo(
            f"note: itsm.yaml was kept and does not enable {', '.join(missing)}; "
            "add them to spec.practices to use those files"
        )
    result = lint(root)
    findings = sorted(result.diagnostics, key=lambda d: d.sort_key)
    for d in findings:
        click.echo(f"{d.location}: {d.severity.value} [{d.rule}] {d.message}")
    if result.errors:
        click.echo(
            f"itsm: error: {directory} does not lint clean ({result.errors} errors); "
            "the files listed above were already there: fix them and run 'itsm lint'",
            err=True,
        )
        sys.exit(1)
    verdict = "lints clean" if not result.warnings else "has no errors (see the warnings above)"
    where = "" if root == Path.cwd().resolve() else f"cd {directory} && "
    click.echo(f"The repository {verdict}. Next: {where}itsm lint, then read README.md.")
