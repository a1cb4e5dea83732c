"""``itsm new``: a valid entity file in the right folder, with the next free name.

The new document is built from per-kind defaults, the standard change it follows
(``--template``) and the user's ``--set`` values, rendered with a comment above each
field that says what it is (from the model's descriptions), put in canonical layout by
``itsm fmt``'s formatter, and linted together with the whole repository before anything
is written. A file that would not lint clean is not written: its located diagnostics
say which ``--set`` is missing. ``--from-incidents`` also links each incident back to
the new problem, editing the incident files in place with their comments kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.errors import ConfigError
from itsmcode.fmt import emit
from itsmcode.fmt.order import key_orders
from itsmcode.fmt.run import format_text
from itsmcode.lint.engine import configured_severities, run_rules
from itsmcode.lint.rules import LintContext
from itsmcode.load.catalog import Catalog, Record
from itsmcode.load.config import load_config
from itsmcode.load.layout import Layout
from itsmcode.load.snapshot import load_record, load_worktree
from itsmcode.load.yamlio import Limits, YamlProblem, parse
from itsmcode.models import Config, Incident
from itsmcode.models.jsonschema import file_name
from itsmcode.scaffold.render import render
from itsmcode.suggest import did_you_mean

#: What users type → kind. Singletons (Config, ApprovalPolicy) are written by init.
KINDS = {
    "service": "Service",
    "team": "Team",
    "sla": "SLA",
    "calendar": "Calendar",
    "change": "ChangeRequest",
    "standard-change": "StandardChange",
    "incident": "Incident",
    "problem": "Problem",
}
#: Kinds whose names are numbered per year: ``chg-2026-0043``.
NUMBERED = {"ChangeRequest": "chg", "Incident": "inc"}
_ENVELOPE = ("apiVersion", "kind", "metadata", "spec")


@dataclass(frozen=True)
class NewRequest:
    kind: str  # as typed: "change", "Incident", ...
    name: str | None = None
    sets: Sequence[str] = ()  # "field=value"
    template: str | None = None
    from_incidents: Sequence[str] = ()
    now: datetime | None = None


@dataclass
class Plan:
    """What ``itsm new`` would write, and whether it lints clean."""

    path: str
    text: str
    edits: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path → (new, old)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def resolve_kind(word: str) -> str:
    lowered = word.lower()
    by_kind = {kind.lower(): kind for kind in KINDS.values()}
    if lowered in KINDS:
        return KINDS[lowered]
    if lowered in by_kind:
        return by_kind[lowered]
    raise ConfigError(
        f"unknown kind '{word}'{did_you_mean(lowered, KINDS)}; one of: {', '.join(KINDS)}"
    )


def plan_new(root: Path, request: NewRequest) -> Plan:
    config = load_config(root)
    kind = resolve_kind(request.kind)
    folder = Layout.from_config(config).folders.get(kind)
    if folder is None:
        raise ConfigError(
            f"{kind} files are not part of this repository: enable its practice "
            "in itsm.yaml (spec.practices)"
        )
    zone = ZoneInfo(config.spec.timezone)
    now = (request.now or datetime.now(zone)).astimezone(zone).replace(microsecond=0)
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    catalog = load_worktree(root, config, limits=limits)
    name = request.name or _next_name(catalog, kind, now.year)
    path = f"{folder}/{now.year}/{name}.yaml" if kind in NUMBERED else f"{folder}/{name}.yaml"
    if catalog.records_named(kind, name):
        raise ConfigError(f"a {kind} named '{name}' exists already; choose another name")
    document = _defaults(kind, name, catalog, config, now)
    if request.template is not None:
        _apply_template(document, kind, request.template, catalog)
    for assignment in request.sets:
        _apply_set(document, kind, assignment)
    edits: dict[str, tuple[str, bytes]] = {}
    if request.from_incidents:
        edits = _link_incidents(root, document, kind, name, request.from_incidents, catalog)
    text = render(document, kind, _modeline(root, path, kind))
    return _checked(Plan(path, text, edits), catalog, config, limits, now)


def _next_name(catalog: Catalog, kind: str, year: int) -> str:
    prefix = NUMBERED.get(kind)
    if prefix is None:
        raise ConfigError(
            f"{kind} names are not numbered: give one, e.g. 'itsm new "
            f"{_typed(kind)} my-{_typed(kind)}'"
        )
    pattern = re.compile(rf"^{prefix}-{year}-(\d+)$")
    numbers = [int(m.group(1)) for n in catalog.names(kind) if (m := pattern.match(n))]
    return f"{prefix}-{year}-{max(numbers, default=0) + 1:04d}"


def _typed(kind: str) -> str:
    return next(word for word, k in KINDS.items() if k == kind)


def _defaults(
    kind: str, name: str, catalog: Catalog, config: Config, now: datetime
) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    teams = sorted(catalog.names("Team"))
    if kind == "Service":
        spec = {"type": "technical", "tier": 3, "lifecycle": "planned"}
        if len(teams) == 1:
            spec["owner"] = teams[0]
    elif kind == "Team":
        spec = {"members": []}
    elif kind == "Calendar":
        spec = {"timezone": config.spec.timezone}
    elif kind == "ChangeRequest":
        start = (now + timedelta(days=1)).replace(hour=20, minute=0, second=0)
        spec = {
            "type": "normal",
            "risk": "low",
            "window": {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()},
            "plan": {
                "implementation": "How the change is made, step by step.",
                "backout": "How to undo it if a step fails.",
                "test": "How success is verified.",
            },
            "status": "planned",
        }
    elif kind == "Incident":
        spec = {"priority": "P3", "openedAt": now.isoformat()}
    elif kind == "Problem":
        spec = {"status": "open"}
    elif kind == "StandardChange":
        spec = {"description": "What the template is for, and when it may be used."}
    return {"apiVersion": "itsmcode/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}


def _apply_template(document: dict[str, Any], kind: str, template: str, catalog: Catalog) -> None:
    if kind != "ChangeRequest":
        raise ConfigError("--template applies to changes only (itsm new change --template NAME)")
    standard = catalog.standard_change(template)
    if standard is None:
        names = catalog.names("StandardChange")
        raise ConfigError(f"no standard change '{template}'{did_you_mean(template, names)}")
    spec = document["spec"]
    spec.update(type="standard", template=template, risk=standard.spec.max_risk)
    plan = standard.spec.plan.model_dump(by_alias=True, exclude_none=True)
    spec["plan"] = plan or spec["plan"]


def _apply_set(document: dict[str, Any], kind: str, assignment: str) -> None:
    key, sep, raw = assignment.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {assignment!r}: expected FIELD=VALUE, e.g. --set tier=1")
    steps = key.strip().split(".")
    orders = key_orders(kind)
    if steps[0] not in _ENVELOPE:
        spec_fields, meta_fields = orders.get(("spec",), ()), orders.get(("metadata",), ())
        if steps[0] in spec_fields:
            steps = ["spec", *steps]
        elif steps[0] in meta_fields:
            steps = ["metadata", *steps]
        else:
            hint = did_you_mean(steps[0], [*spec_fields, *meta_fields])
            raise ConfigError(f"--set {key}: {kind} has no field '{steps[0]}'{hint}")
    try:
        value = parse(f"value: {raw}\n").data["value"] if raw.strip() else ""
    except YamlProblem as problem:
        raise ConfigError(f"--set {key}: cannot read the value {raw!r}: {problem}") from None
    target = document
    for step in steps[:-1]:
        target = target.setdefault(step, {})
        if not isinstance(target, dict):
            raise ConfigError(f"--set {key}: '{step}' is not a mapping")
    target[steps[-1]] = value


def _link_incidents(
    root: Path,
    document: dict[str, Any],
    kind: str,
    name: str,
    incidents: Sequence[str],
    catalog: Catalog,
) -> dict[str, tuple[str, bytes]]:
    if kind != "Problem":
        raise ConfigError("--from-incidents applies to problems only")
    by_name = {r.name: r for r in catalog.records if r.kind == "Incident" and r.name}
    edits: dict[str, tuple[str, bytes]] = {}
    services: list[str] = []
    for incident in incidents:
        record = by_name.get(incident)
        if record is None or not isinstance(record.entity, Incident):
            hint = did_you_mean(incident, by_name)
            raise ConfigError(f"--from-incidents: no valid incident '{incident}'{hint}")
        linked = record.entity.spec.problem
        if linked not in (None, name):
            raise ConfigError(f"{record.path}: already belongs to problem '{linked}'")
        services += [s for s in record.entity.spec.services if s not in services]
        old = (root / record.path).read_bytes()
        tree = emit.load(old.decode("utf-8"))
        tree["spec"]["problem"] = name
        edits[record.path] = (format_text(emit.dump(tree)).text, old)
    document["spec"]["incidents"] = list(incidents)
    document["spec"].setdefault("services", services)
    return edits


def _modeline(root: Path, path: str, kind: str) -> str | None:
    schema = root / "schemas" / file_name(kind)
    if not schema.is_file():
        return None
    up = "../" * path.count("/")
    return f"# yaml-language-server: $schema={up}schemas/{file_name(kind)}"


def _checked(plan: Plan, catalog: Catalog, config: Config, limits: Limits, now: datetime) -> Plan:
    """Lint the repository as it would be after writing, and keep what concerns the new
    (and edited) files."""
    changed = {plan.path: plan.text, **{p: new for p, (new, _) in plan.edits.items()}}
    records: list[Record] = [r for r in catalog.records if r.path not in changed]
    records += [load_record(p, t.encode("utf-8"), None, limits) for p, t in changed.items()]
    context = LintContext(config=config, layout=Layout.from_config(config), now=now)
    result = run_rules(Catalog(records, config), context, configured_severities(config), changed)
    plan.diagnostics = [d for d in result.diagnostics if d.location.path in changed]
    return plan


def missing_field_hint(diagnostic: Diagnostic) -> str:
    """How to fix a diagnostic of a new file from the command line, if that is the fix."""
    match = re.search(r"missing required field '(?:spec\.)?([\w.]+)'", diagnostic.message)
    return f" (add --set {match.group(1)}=...)" if match else ""


__all__ = ["KINDS", "NewRequest", "Plan", "missing_field_hint", "plan_new", "resolve_kind"]
