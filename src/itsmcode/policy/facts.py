"""What a pull request changes, as the items approval rules match on.

One ``Item`` per changed entity (from the semantic diff) and one per other changed
file (README, workflows...), so every change can be covered by a rule or fall to
``defaultRule``. Entity facts are read from the file at the item's own path in two
snapshots: *base* (the target branch tip, the authority for teams and owners, what the
pull request changes) and *head* (what it lands: the head, or a test merge of it into
the base; ``Facts.old`` is the base too). Deleting or renaming an entity yields an
item with the entity's old facts, so it triggers the same rules as editing it
(policy.md, 6).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from itsmcode.clock.maintenance import WindowIndex, window_index
from itsmcode.diff.model import ChangeSet, EntityChange
from itsmcode.git.facts import GitCommit, Identity, PathChange
from itsmcode.load.catalog import Catalog
from itsmcode.models import SLA, ChangeRequest, Service
from itsmcode.policy.github import PullCommit
from itsmcode.policy.identities import email_login, member_emails, writers
from itsmcode.reports.risk import score as risk_score
from itsmcode.reports.sla import availability


@dataclass(frozen=True)
class CRVersion:
    """One side of a change request the pull request adds, edits or deletes."""

    name: str
    type: str
    risk: str
    status: str
    #: The risk computed from the base commit's evidence (reports/risk.py): history,
    #: tiers and calendars the pull request cannot rewrite; only its own file counts.
    computed_risk: str
    #: Whether its window misses the agreed maintenance windows of an affected service,
    #: as the base commit declares them (clock/maintenance.py): a pull request cannot
    #: widen a window, move a service to a calendar with wider ones or shift a zone to
    #: let its own change in.
    outside_maintenance_window: bool = False


@dataclass(frozen=True)
class PullFacts:
    """The pull request as the policy sees it (from the event payload or flags)."""

    author: str
    head_sha: str
    base_sha: str
    labels: tuple[str, ...] = ()
    number: int | None = None
    base_ref: str = ""
    #: Normalized logins of the authors, committers and co-authors of the PR's commits.
    committers: frozenset[str] = frozenset()
    #: Writers of its commits no login could be tied to (policy/identities.py).
    unknown_committers: tuple[str, ...] = ()
    #: GitHub's list of the PR's commits (``--commits``); None: not given, git only.
    github_commits: tuple[PullCommit, ...] | None = None
    #: Commits of git's ``base..head`` missing from ``github_commits`` (past its 250).
    unlisted_commits: tuple[str, ...] = ()
    #: Whether ``requireVerifiedCommits`` is judged: by check and record, which have
    #: GitHub's word; not by the audit, which cannot re-check it offline (security.md).
    judge_verification: bool = True


@dataclass
class Item:
    """One changed thing: an entity or a plain file."""

    path: str
    status: str  # added | modified | removed | renamed (a move counts as renamed)
    kind: str | None = None
    name: str | None = None
    old_path: str | None = None
    old_name: str | None = None
    fields: tuple[str, ...] = ()
    sla: frozenset[str] = frozenset()  # loosened / tightened
    services: tuple[str, ...] = ()  # services this item affects
    cr_before: CRVersion | None = None  # a change request as the PR found it
    cr_after: CRVersion | None = None  # ... and as it leaves it (None: removed or invalid)
    transitions: tuple[str, ...] = ()  # "planned->in-progress", "new->planned"

    @property
    def change_requests(self) -> tuple[CRVersion, ...]:
        return tuple(v for v in (self.cr_before, self.cr_after) if v is not None)

    @property
    def label(self) -> str:
        if self.kind and self.name:
            return f"{self.kind} {self.name}"
        return self.path

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,) if self.old_path is None else (self.path, self.old_path)


@dataclass
class Facts:
    """Everything one evaluation looks at besides the policy and the reviews."""

    pr: PullFacts
    items: list[Item]
    base: Catalog
    old: Catalog
    head: Catalog
    problems: list[str] = field(default_factory=list)
    _spent: tuple[datetime, frozenset[str]] | None = field(default=None, repr=False)

    @property
    def catalogs(self) -> tuple[Catalog, Catalog, Catalog]:
        return self.base, self.old, self.head

    def affected(self) -> list[str]:
        return sorted({s for item in self.items for s in item.services})

    def services(self, name: str) -> list[Service]:
        """Every version of a service the snapshots hold (any of them may match): every
        file of that name, so that no second file can shadow the one that matters."""
        found: list[Service] = []
        for catalog in self.catalogs:
            for record in catalog.records_named("Service", name):
                if isinstance(record.entity, Service) and record.entity not in found:
                    found.append(record.entity)
        return found

    def budget_spent(self, now: datetime) -> frozenset[str]:
        """Services whose availability over their SLA window up to ``now`` is below target,
        from the base catalog only: the pull request cannot mend its own record."""
        if self._spent is None or self._spent[0] != now:
            spent = frozenset(a.service for a in availability(self.base, now) if a.breached)
            self._spent = (now, spent)
        return self._spent[1]

    def impacted(self, names: Iterable[str]) -> set[str]:
        """``names`` plus every service depending on them, transitively, on any side."""
        reverse: dict[str, set[str]] = {}
        for catalog in self.catalogs:
            for service, users in catalog.dependents.items():
                reverse.setdefault(service, set()).update(users)
        seen = set(names)
        todo = list(seen)
        while todo:
            for user in reverse.get(todo.pop(), ()):
                if user not in seen:
                    seen.add(user)
                    todo.append(user)
        return seen


def with_writers(pr: PullFacts, git_commits: Sequence[GitCommit], base: Catalog) -> PullFacts:
    """``pr`` with everyone who wrote its commits barred and every untied identity listed
    (``identities.writers``, policy.md property 10). The one way ``policy check``,
    ``policy record`` and the audit learn who wrote a pull request, so they cannot
    disagree: ``git_commits`` are the pull request's commits as git holds them, GitHub's
    list (``pr.github_commits``) is read when the workflow passed it."""
    found = writers(git_commits, pr.github_commits, base)
    return replace(
        pr,
        committers=pr.committers | found.logins,
        unknown_committers=pr.unknown_committers + found.unknown,
        unlisted_commits=pr.unlisted_commits + found.unlisted,
    )


def committer_logins(identities: Iterable[Identity], base: Catalog) -> frozenset[str]:
    """GitHub logins of commit authors/committers: by a team member's listed email, or a
    GitHub noreply address (policy/identities.py ties them; others are left out here)."""
    emails = member_emails(base)
    found = {email_login(identity.email, emails) for identity in identities}
    return frozenset(login for login in found if login)


def build_items(
    changeset: ChangeSet,
    paths: Iterable[PathChange],
    before: Catalog,
    after: Catalog,
) -> list[Item]:
    """Items for every entity change and every other changed file.

    ``before`` is the catalog the change applies to (the base tip), ``after`` what it
    leaves (the merge result). Each item's facts come from the file at its own path on
    each side, never from a lookup by name that a second file of that name could
    shadow (policy.md, property 9).
    """
    windows = window_index(
        before.all(Service), before.sla, before.calendar, before.config.spec.timezone
    )
    items = [_entity_item(e, before, after, windows) for e in changeset.entities]
    seen = {p for item in items for p in item.paths}
    items.extend(Item(p.path, p.status) for p in paths if p.path not in seen)
    return items


def standing_item(path: str, change: ChangeRequest, catalog: Catalog) -> Item:
    """A change request already in ``catalog`` as the item of a pull request adding it
    (``itsm cab agenda``: which rules a planned change on the main branch falls under),
    its facts computed from ``catalog`` like any added request's."""
    windows = window_index(
        catalog.all(Service), catalog.sla, catalog.calendar, catalog.config.spec.timezone
    )
    item = Item(path, "added", ChangeRequest.KIND, change.name)
    item.cr_after = _version(change, catalog, windows)
    item.services = tuple(dict.fromkeys(change.spec.services))
    item.transitions = (f"new->{change.spec.status}",)
    return item


def _sides(entity: EntityChange, before: Catalog, after: Catalog) -> tuple[Any, Any]:
    """The entity at its old path before and at its path after (None: absent or invalid)."""
    old = before.record_at(entity.old_path or entity.path) if entity.status != "added" else None
    new = after.record_at(entity.path) if entity.status != "removed" else None
    return old, new


def _entity_item(
    entity: EntityChange, before: Catalog, after: Catalog, windows: WindowIndex
) -> Item:
    status = "renamed" if entity.status in ("moved", "renamed") else entity.status
    item = Item(
        entity.path,
        status,
        entity.kind,
        entity.name,
        entity.old_path,
        entity.old_name,
    )
    old_record, new_record = _sides(entity, before, after)
    old_entity = old_record.entity if old_record is not None else None
    new_entity = new_record.entity if new_record is not None else None
    item.fields = tuple(f.path for f in entity.fields)
    if entity.status == "added" and new_record is not None:
        item.fields = tuple(_leaf_paths(after.raw(new_record)))
    elif entity.status == "removed" and old_record is not None:
        item.fields = tuple(_leaf_paths(before.raw(old_record)))
    item.sla = frozenset(
        m.type.split(".", 1)[1] for m in entity.meanings if m.type.startswith("sla.")
    )
    services: list[str] = []
    if entity.kind == "Service":
        services = [n for n in (entity.name, entity.old_name) if n]
        was = old_entity if isinstance(old_entity, Service) else None
        now = new_entity if isinstance(new_entity, Service) else None
        if was is not None and now is not None:
            # Every file of the SLA's name on each side: a second one cannot hide the shift.
            olds: list[SLA | None] = [*_slas_of(was, before)] or [None]
            news: list[SLA | None] = [*_slas_of(now, after, before)] or [None]
            for old_sla in olds:
                for new_sla in news:
                    item.sla |= _sla_shift(old_sla, new_sla, True)
    elif entity.kind == "SLA":
        names = {n for n in (entity.name, entity.old_name) if n}
        for catalog in (before, after):
            services.extend(s.name for s in catalog.all(Service) if s.spec.sla in names)
        if status == "removed":
            item.sla |= {"loosened"}  # the promise is gone
        elif status != "added" and not isinstance(new_entity, SLA):
            # Left invalid: nothing shows it is not weaker, so judge it as loosened.
            item.sla |= {"loosened"}
    elif entity.kind == "ChangeRequest":
        before_cr = old_entity if isinstance(old_entity, ChangeRequest) else None
        after_cr = new_entity if isinstance(new_entity, ChangeRequest) else None
        # Both versions are scored against ``before`` (the base): a pull request that
        # deletes incidents or lowers a tier does not lower its own computed risk.
        item.cr_before = _version(before_cr, before, windows)
        item.cr_after = _version(after_cr, before, windows)
        for change in (before_cr, after_cr):
            if change is not None:
                services.extend(change.spec.services)
        item.transitions = tuple(_transitions(entity, before_cr, after_cr))
    item.services = tuple(dict.fromkeys(services))
    return item


def _version(
    change: ChangeRequest | None, evidence: Catalog, windows: WindowIndex
) -> CRVersion | None:
    if change is None:
        return None
    return CRVersion(
        change.name,
        change.spec.type,
        change.spec.risk,
        change.spec.status,
        risk_score(evidence, change).level,
        bool(windows.outside(change)),
    )


def _transitions(
    entity: EntityChange, before: ChangeRequest | None, after: ChangeRequest | None
) -> Iterator[str]:
    if entity.status == "added" and after is not None:
        yield f"new->{after.spec.status}"
    elif before is not None and after is not None and before.spec.status != after.spec.status:
        yield f"{before.spec.status}->{after.spec.status}"
    elif before is not None and after is None:
        yield f"{before.spec.status}->removed"


def _slas_of(service: Service, *catalogs: Catalog) -> list[SLA]:
    """Every valid SLA named by ``service``, from the first catalog that has one."""
    if service.spec.sla is None:
        return []
    for catalog in catalogs:
        found = [
            r.entity
            for r in catalog.records_named("SLA", service.spec.sla)
            if isinstance(r.entity, SLA)
        ]
        if found:
            return found
    return []


def _sla_shift(before: SLA | None, after: SLA | None, both: bool) -> frozenset[str]:
    """Switching a service to another SLA (or to none) loosens or tightens its promise,
    exactly like editing that SLA would: otherwise the sla predicate could be dodged."""
    if not both or before is after or (before is None and after is None):
        return frozenset()
    if after is None:
        return frozenset({"loosened"})
    if before is None:
        return frozenset({"tightened"})
    found: set[str] = set()
    a, b = before.spec.availability, after.spec.availability
    if a is not None and (b is None or b.target < a.target):
        found.add("loosened")
    elif b is not None and (a is None or b.target > a.target):
        found.add("tightened")
    old_t, new_t = dict(before.spec.targets.items()), dict(after.spec.targets.items())
    for priority in set(old_t) | set(new_t):
        for name in ("response", "resolution"):
            x = getattr(old_t.get(priority), name, None)
            y = getattr(new_t.get(priority), name, None)
            if x == y:
                continue
            found.add("loosened" if y is None or (x is not None and y > x) else "tightened")
    return frozenset(found)


def _leaf_paths(data: Any, prefix: str = "") -> Iterator[str]:
    """Dotted paths of every value in a document (an added or removed entity changes
    all of them)."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaf_paths(value, f"{prefix}.{key}" if prefix else str(key))
    elif prefix:
        yield prefix


def owner_teams(facts: Facts, service: str) -> tuple[set[str], list[str]]:
    """The teams owning ``service`` and problems (owners not in the base catalog).

    Every team owning it at base or head (every file of its name): handing a service
    to another team needs the current owner and the new one. Only teams that exist at
    base count, so a pull request cannot name a team it creates itself.
    """
    owners: set[str] = set()
    problems: list[str] = []
    versions = facts.services(service)
    base_version = facts.base.service(service)
    candidates = [base_version.spec.owner] if base_version else []
    candidates += [v.spec.owner for v in versions]
    for team in dict.fromkeys(candidates):
        if facts.base.team(team) is not None:
            owners.add(team)
        else:
            problems.append(
                f"service {service}: owner team {team} does not exist at the base commit; "
                "add the team in an earlier pull request"
            )
    if not candidates:
        problems.append(f"service {service}: no owner found in any snapshot")
    return owners, problems
