"""``itsm cab agenda``: what the change advisory board must look at (docs/cab.md).

Three sources, all judged with the approval policy of the *base* (``--base``, the main
branch), as the gate judges them:

- stored results of ``itsm policy check --format json`` (``--results FILE``): one open
  pull request each, its rule decisions as the gate made them (with its reviews);
- branches or other refs (``--ref REF``): each judged here as a pull request from
  the base to the ref, with no review yet (every approval it needs is missing);
- the change requests on the base itself that are planned or in progress (merged, so
  approved; the meeting still sees what is coming and what it collides with).

A change request is on the agenda when a rule that applies to it (pending or satisfied)
asks the CAB team (``--cab-team``, default ``cab``) for approvals, and its window starts
in the meeting's horizon (or it has no readable window: then it is listed last rather
than lost). Each entry carries the meaning of its pull request's diff (diff engine),
its computed risk (reports/risk.py, from the base's evidence), its conflicts with
every other planned change and the freezes and maintenance windows (clock/schedule.py,
clock/maintenance.py) and the approvals still missing. Entries are ordered by window
start.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from itsmcode.clock.maintenance import exempt_types, window_index
from itsmcode.clock.schedule import (
    freeze_rules,
    freezes_hit,
    neighbours,
    overlapping_pairs,
    relation,
    schedulable,
)
from itsmcode.diff.engine import diff_repository
from itsmcode.diff.model import ChangeSet
from itsmcode.diff.snapshots import load_commit
from itsmcode.errors import ConfigError, GitError
from itsmcode.git.facts import PolicyGit
from itsmcode.load.catalog import Catalog
from itsmcode.models import ChangeRequest, Service
from itsmcode.models.change import OPEN_STATUSES
from itsmcode.policy.check import CheckResult, find_policy, run_check
from itsmcode.policy.evaluate import evaluate
from itsmcode.policy.facts import Facts, PullFacts, standing_item
from itsmcode.reports.risk import score

#: What ``itsm policy check --format json`` writes (reporters/policy/json_report.py).
DECISION_SCHEMA = "itsmcode/policy-decision/v1"
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Horizon:
    since: datetime
    until: datetime


@dataclass(frozen=True)
class RuleView:
    """One rule decision, as stored JSON and a fresh check both give it."""

    name: str
    status: str
    matched: tuple[str, ...]
    groups: tuple[str, ...]  # group labels: "team cab", "any of team cab, user x"
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ChangeView:
    name: str
    path: str
    status: str


@dataclass(frozen=True)
class Judged:
    """One pull request (or ref) as judged by the gate."""

    source: str
    number: int | None
    author: str | None
    base: str | None
    head: str | None
    approved: bool
    changes: tuple[ChangeView, ...]
    rules: tuple[RuleView, ...]
    errors: tuple[str, ...] = ()


@dataclass
class AgendaItem:
    change: str
    title: str | None
    source: str
    path: str
    type: str
    risk: str
    status: str
    start: datetime | None
    end: datetime | None
    services: tuple[str, ...]
    cab_rules: tuple[str, ...]
    #: The approvals the pull request still needs (every pending rule); None on the base.
    missing: tuple[str, ...] | None
    approved: bool | None
    number: int | None = None
    author: str | None = None
    meanings: tuple[str, ...] = ()
    score: int | None = None
    computed: str | None = None
    conflicts: list[str] = field(default_factory=list)
    #: The change request as this source has it (None: its file does not load).
    entity: ChangeRequest | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Agenda:
    horizon: Horizon
    generated: datetime
    cab_team: str
    base: str
    items: tuple[AgendaItem, ...]
    notes: tuple[str, ...]
    #: The zone times are shown in (itsm.yaml's spec.timezone at the base).
    zone: str = "UTC"


def build_agenda(
    root: Path,
    *,
    base_ref: str,
    results: Sequence[Path],
    refs: Sequence[str],
    horizon: Horizon,
    now: datetime,
    cab_team: str = "cab",
) -> Agenda:
    if horizon.until <= horizon.since:
        raise ConfigError("--days must be at least 1")
    repo = PolicyGit(root)
    base = repo.resolve(base_ref)
    catalog = load_commit(repo, base)
    if catalog.team(cab_team) is None:
        shown = cab_team if cab_team.isprintable() else repr(cab_team)
        raise ConfigError(
            f"--cab-team {shown}: no such team at {base_ref}; name the team the policy "
            "asks for CAB approvals"
        )
    notes: list[str] = []
    judged = [read_result(path) for path in results]
    judged += [judge_ref(root, ref, base, now) for ref in refs]
    items: list[AgendaItem] = []
    taken: set[str] = set()
    for pr in judged:
        notes += [f"{pr.source}: {e}" for e in pr.errors]
        for item in _from_pull_request(repo, root, pr, catalog, cab_team, notes):
            if item.change in taken:
                notes.append(
                    f"{item.source}: {item.change} is also in an earlier source; kept that one"
                )
                continue
            taken.add(item.change)
            items.append(item)
    items += _from_base(catalog, base, cab_team, now, taken, notes)
    for item in items:
        _score(item, catalog)
    _conflicts(items, catalog)
    in_horizon = [i for i in items if i.start is None or horizon.since <= i.start < horizon.until]
    ordered = sorted(
        in_horizon,
        key=lambda i: (i.start is None, i.start or horizon.since, i.change),
    )
    return Agenda(
        horizon, now, cab_team, base, tuple(ordered), tuple(notes), catalog.config.spec.timezone
    )


# -- the sources ---------------------------------------------------------------------


def read_result(path: Path) -> Judged:
    """A stored ``policy check --format json`` result; a bad file stops the command."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"--results {path}: cannot read it ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"--results {path}: not JSON ({error})") from None
    if not isinstance(data, dict) or data.get("schema") != DECISION_SCHEMA:
        raise ConfigError(
            f"--results {path}: not an 'itsm policy check --format json' result "
            f"(schema {DECISION_SCHEMA})"
        )
    try:
        pr = data["pullRequest"]
        number = pr.get("number")
        changes = tuple(
            ChangeView(str(c["name"]), str(c["path"]), str(c["status"]))
            for c in data["changes"]
            if c.get("kind") == ChangeRequest.KIND and c.get("name")
        )
        rules = tuple(
            RuleView(
                str(r["name"]),
                str(r["status"]),
                tuple(r["matched"]),
                tuple(str(g["label"]) for g in r["groups"]),
                tuple(r["missing"]),
            )
            for d in data["decisions"]
            for r in d["rules"]
        )
        errors = tuple(e for d in data["decisions"] for e in d["errors"])
        return Judged(
            f"pull request #{number}" if number is not None else f"result {path.name}",
            number,
            pr.get("author"),
            pr.get("base"),
            pr.get("head"),
            bool(data["approved"]),
            changes,
            rules,
            errors,
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"--results {path}: missing or malformed field {error}") from None


def judge_ref(root: Path, ref: str, base: str, now: datetime) -> Judged:
    """``ref`` judged as a pull request into ``base``, before any review."""
    try:
        head = PolicyGit(root).resolve(ref)
    except GitError:
        shown = ref if ref.isprintable() else repr(ref)
        raise ConfigError(f"--ref {shown}: no such branch, tag or commit") from None
    result = run_check(root, PullFacts(author="", head_sha=head, base_sha=base), [], now)
    return from_check(f"ref {ref}", result)


def from_check(source: str, result: CheckResult) -> Judged:
    changes = tuple(
        ChangeView(i.name, i.path, i.status)
        for i in result.items
        if i.kind == ChangeRequest.KIND and i.name
    )
    rules = tuple(
        RuleView(
            r.name,
            r.status,
            tuple(r.matched),
            tuple(g.label for g in r.groups),
            tuple(r.missing),
        )
        for d in result.decisions
        for r in d.rules
    )
    errors = tuple(e for d in result.decisions for e in d.errors)
    pr = result.pr
    return Judged(
        source, pr.number, None, pr.base_sha, pr.head_sha, result.approved, changes, rules, errors
    )


def asks_team(rule: RuleView, team: str) -> bool:
    """Whether a rule's approvals come from ``team`` (alone or pooled with others)."""
    wanted = f"team {team}"
    return any(wanted in label.removeprefix("any of ").split(", ") for label in rule.groups)


def _cab_rules(rules: Iterable[RuleView], label: str, team: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            r.name
            for r in rules
            if r.status != "skipped" and label in r.matched and asks_team(r, team)
        )
    )


def _from_pull_request(
    repo: PolicyGit,
    root: Path,
    pr: Judged,
    catalog: Catalog,
    team: str,
    notes: list[str],
) -> list[AgendaItem]:
    head = _commit(repo, pr.head)
    head_catalog = load_commit(repo, head) if head else None
    if pr.head and head is None:
        notes.append(
            f"{pr.source}: its head {pr.head[:12]} is not in this repository (fetch "
            "refs/pull/N/head); windows are read from the base, the diff is not shown"
        )
    meanings = _meanings(root, repo, pr, head) if head else ()
    missing = tuple(m for r in pr.rules if r.status == "pending" for m in r.missing)
    found = []
    for view in pr.changes:
        if view.status == "removed":
            continue
        rules = _cab_rules(pr.rules, f"{ChangeRequest.KIND} {view.name}", team)
        if not rules:
            continue
        change = None
        if head_catalog is not None:
            record = head_catalog.record_at(view.path)
            change = record.entity if record and isinstance(record.entity, ChangeRequest) else None
        if change is None:
            change = catalog.get(ChangeRequest, view.name)
        item = _item(view.name, view.path, change, pr.source, rules)
        found.append(
            replace(
                item,
                missing=missing,
                approved=pr.approved,
                number=pr.number,
                author=pr.author,
                meanings=meanings,
            )
        )
    return found


def _from_base(
    catalog: Catalog, base: str, team: str, now: datetime, taken: set[str], notes: list[str]
) -> list[AgendaItem]:
    loaded = find_policy(catalog, base)
    if loaded.policy is None:
        notes.append(f"base: {loaded.problem}")
        return []
    found = []
    for record, change in catalog.each(ChangeRequest):
        if change.spec.status not in OPEN_STATUSES or change.name in taken:
            continue
        item = standing_item(record.path, change, catalog)
        facts = Facts(PullFacts("", base, base), [item], catalog, catalog, catalog)
        decision = evaluate(loaded.policy, facts, [], now, policy_path=loaded.path)
        views = [
            RuleView(r.name, r.status, tuple(r.matched), tuple(g.label for g in r.groups), ())
            for r in decision.rules
        ]
        rules = _cab_rules(views, item.label, team)
        if rules:
            found.append(_item(change.name, record.path, change, "base (merged)", rules))
    return found


def _item(
    name: str, path: str, change: ChangeRequest | None, source: str, rules: tuple[str, ...]
) -> AgendaItem:
    if change is None:  # the file does not load: still on the agenda, without a window
        return AgendaItem(
            name, None, source, path, "?", "?", "?", None, None, (), rules, None, None
        )
    spec = change.spec
    return AgendaItem(
        name,
        change.metadata.title,
        source,
        path,
        spec.type,
        spec.risk,
        spec.status,
        spec.window.start,
        spec.window.end,
        tuple(spec.services),
        rules,
        None,
        None,
        entity=change,
    )


def _commit(repo: PolicyGit, sha: str | None) -> str | None:
    if not sha:
        return None
    try:
        return repo.resolve(sha)
    except GitError:
        return None


def _meanings(root: Path, repo: PolicyGit, pr: Judged, head: str) -> tuple[str, ...]:
    """What the pull request's diff means (diff engine), from where it branched off."""
    base = _commit(repo, pr.base)
    if base is None:
        return ()
    start = repo.merge_base(base, head)
    changeset: ChangeSet = diff_repository(root, None, (f"{start}..{head}",))
    lines = []
    for entity in changeset.entities:
        lines.append(f"{entity.status} {entity.label}")
        lines += [f"{entity.label}: {m.message}" for m in entity.meanings]
    return tuple(lines)


# -- what the CAB weighs ---------------------------------------------------------------


def _score(item: AgendaItem, catalog: Catalog) -> None:
    """The computed risk from the base's evidence (the pull request's own file counts)."""
    if item.entity is not None:
        risk = score(catalog, item.entity)
        item.score, item.computed = risk.total, risk.level


def _conflicts(items: list[AgendaItem], catalog: Catalog) -> None:
    """Overlaps with every other planned change (the base's and the agenda's), freezes
    the policy enforces and the maintenance windows missed, as itsm calendar shows them."""
    on_agenda = {i.change: i for i in items}
    changes: dict[str, ChangeRequest] = {
        c.name: c for c in catalog.changes if c.spec.status in OPEN_STATUSES
    }
    for item in items:
        if item.entity is not None:
            changes[item.change] = item.entity
    depends_on = {s: {d for d, _ in deps} for s, deps in catalog.dependencies.items()}
    pairs = overlapping_pairs(
        schedulable((name, name, c) for name, c in changes.items()),
        neighbours(catalog.dependencies),
    )
    for first, second in pairs:
        for this, other in ((first, second), (second, first)):
            if this.key in on_agenda:
                window = other.change.spec.window
                on_agenda[this.key].conflicts.append(
                    f"overlaps {other.key} ({window.start.isoformat()} to "
                    f"{window.end.isoformat()}), {relation(this.change, other.change, depends_on)}"
                )
    rules = freeze_rules(catalog.policy, catalog.calendar)
    index = window_index(
        catalog.all(Service), catalog.sla, catalog.calendar, catalog.config.spec.timezone
    )
    not_bound = exempt_types(catalog.policy)
    for name, item in on_agenda.items():
        change = changes.get(name)
        if change is None or change.spec.window.end <= change.spec.window.start:
            continue
        window = change.spec.window
        if rules.applies_to(change):
            for calendar, interval in freezes_hit(rules.calendars, window.start, window.end):
                item.conflicts.append(
                    f"falls in freeze '{interval.name}' of calendar '{calendar}' "
                    f"({interval.start.isoformat()} to {interval.end.isoformat()})"
                )
        if change.spec.type not in not_bound:
            for service in index.outside(change):
                item.conflicts.append(
                    f"does not fit in one agreed maintenance window of service '{service}'"
                )
