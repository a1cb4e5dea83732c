"""The semantic diff: two snapshots -> a ChangeSet.

Only files that differ are read and parsed: ``git diff-tree`` names them between two
commits (it skips identical subtrees by id); against the work tree the files are
hashed as git would and compared with the base tree's blob ids. Entities are then
matched across paths (moves and renames), diffed field by field, given their
meaning, and the blast radius is computed on the cached dependency graph.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from itsmcode.diagnostics import Diagnostic
from itsmcode.diff import graph as graphs
from itsmcode.diff.fields import diff_values
from itsmcode.diff.meaning import derive
from itsmcode.diff.model import ChangeSet, EntityChange, ImpactedService, Side
from itsmcode.diff.snapshots import (
    configs_at,
    folders_of,
    records_from_blobs,
    wanted,
)
from itsmcode.errors import ConfigError
from itsmcode.git.repo import GitRepo, TreeEntry, blob_id
from itsmcode.load.catalog import Catalog, Record
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.snapshot import paused_gc
from itsmcode.load.yamlio import Limits
from itsmcode.models import MODELS, ChangeRequest, Config

#: git's default rename threshold (``-M50%``): at least this similar to pair files.
RENAME_THRESHOLD = 0.5
#: Beyond this many removed x added pairs, only exact and same-name matches are tried.
MAX_SIMILARITY_PAIRS = 250_000
_KIND_ORDER = {kind: i for i, kind in enumerate(MODELS)}


@dataclass(frozen=True)
class Range:
    """The two sides to compare, resolved: a base commit and a head commit or None."""

    base: Side
    head: Side


def resolve_range(repo: GitRepo, args: tuple[str, ...]) -> Range:
    """git's conventions for ``itsm diff [BASE [HEAD]]`` (see docs/diff.md)."""
    worktree = Side("worktree", None)
    if not args:
        return Range(Side("HEAD", repo.resolve("HEAD")), worktree)
    if len(args) == 1:
        arg = args[0]
        if "..." in arg:
            left, right = (p or "HEAD" for p in arg.split("...", 1))
            head = repo.resolve(right)
            base = repo.merge_base(repo.resolve(left), head)
            return Range(Side(f"merge-base({left}, {right})", base), Side(right, head))
        if ".." in arg:
            left, right = (p or "HEAD" for p in arg.split("..", 1))
            return Range(Side(left, repo.resolve(left)), Side(right, repo.resolve(right)))
        base = repo.merge_base(repo.resolve(arg), repo.resolve("HEAD"))
        return Range(Side(f"merge-base({arg}, HEAD)", base), worktree)
    if len(args) == 2:
        if any(".." in a for a in args):
            raise ConfigError("give either BASE HEAD or one BASE..HEAD range, not both")
        return Range(Side(args[0], repo.resolve(args[0])), Side(args[1], repo.resolve(args[1])))
    raise ConfigError("too many revisions; usage: itsm diff [BASE [HEAD]] or BASE..HEAD")


def diff_repository(root: Path, head_config: Config | None, args: tuple[str, ...]) -> ChangeSet:
    """The ChangeSet of the repository at ``root`` for ``itsm diff ARGS``."""
    # Nothing built during a diff is garbage before it ends: the cycle collector would
    # only walk thousands of fresh node trees again and again (as in load_worktree).
    with paused_gc():
        return _diff_repository(root, head_config, args)


def _diff_repository(root: Path, head_config: Config | None, args: tuple[str, ...]) -> ChangeSet:
    repo = GitRepo(root)
    where = resolve_range(repo, args)
    assert where.base.commit is not None
    found = configs_at(repo, [c for c in (where.base.commit, where.head.commit) if c])
    base_config = found[where.base.commit]
    if where.head.commit is not None:
        head_config = found[where.head.commit]
    config = head_config or base_config
    if config is None:
        raise ConfigError(f"no valid {CONFIG_FILE} on either side; nothing to compare")
    base_config = base_config or config
    head_config = head_config or config
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    folders = folders_of(base_config, head_config)

    old_entries, new_entries, worktree_records = _changed_files(repo, root, where, folders, limits)
    # Work-tree files were read already; their hashes are not objects git has.
    to_read = [*old_entries.values(), *(new_entries.values() if worktree_records is None else ())]
    blobs = repo.read_blobs([e.sha for e in to_read], limits.max_file_size)
    old_records = records_from_blobs(old_entries, blobs, limits)
    new_records = (
        worktree_records
        if worktree_records is not None
        else records_from_blobs(new_entries, blobs, limits)
    )
    layouts = (Layout.from_config(base_config), Layout.from_config(head_config))
    changeset = ChangeSet(where.base, where.head)
    shas = {p: e.sha for p, e in old_entries.items()}, {p: e.sha for p, e in new_entries.items()}
    changeset.entities = match(old_records, new_records, layouts, shas)
    for entity in changeset.entities:
        changeset.diagnostics.extend(describe(entity, old_records, new_records))
    changeset.entities.sort(key=_order)
    changeset.impact = impact(
        repo, where.base.commit, base_config, changeset, old_records, new_records
    )
    return changeset


def _changed_files(
    repo: GitRepo,
    root: Path,
    where: Range,
    folders: list[str],
    limits: Limits,
    *,
    parse: bool = True,
) -> tuple[dict[str, TreeEntry], dict[str, TreeEntry], dict[str, Record] | None]:
    """The base and head entries of every path that differs; work-tree records if any
    (none parsed without ``parse``)."""
    assert where.base.commit is not None
    old: dict[str, TreeEntry] = {}
    new: dict[str, TreeEntry] = {}
    if where.head.commit is not None:
        for change in repo.diff_tree(where.base.commit, where.head.commit, folders):
            if not wanted(change.path):
                continue
            if change.old is not None:
                old[change.path] = change.old
            if change.new is not None:
                new[change.path] = change.new
        return old, new, None
    import os

    from itsmcode.load.source import read

    changes, untracked = repo.worktree_changes(where.base.commit, folders)
    candidates: dict[str, TreeEntry | None] = {c.path: c.old for c in changes if wanted(c.path)}
    for path in untracked:
        if wanted(path):
            candidates.setdefault(path, None)
    records: dict[str, Record] = {}
    object_format = repo.object_format
    for path in sorted(candidates):
        entry = candidates[path]
        if not os.path.lexists(root / path):
            if entry is not None:
                old[path] = entry
            continue
        source = read(root, path, limits.max_file_size)
        sha = blob_id(source.data, object_format) if source.data is not None else None
        if entry is not None and sha == entry.sha:
            continue  # only its stat information changed
        if entry is not None:
            old[path] = entry
        if sha is not None:
            new[path] = TreeEntry("100644", sha)  # lets identical content pair as a move
        if parse:
            records.update(_load_one(path, source.data, source.problem, limits))
    return old, new, records


def _load_one(path: str, data: bytes | None, problem: object, limits: Limits) -> dict[str, Record]:
    from itsmcode.load.snapshot import load_record
    from itsmcode.load.yamlio import YamlProblem

    return {
        path: load_record(path, data, problem if isinstance(problem, YamlProblem) else None, limits)
    }


def _identity(record: Record, layouts: tuple[Layout, Layout]) -> tuple[str | None, str | None]:
    """(kind, name) of a file: from its content, else from its folder and stem."""
    kind = record.kind
    if kind is None:
        kind = layouts[1].kind_for_path(record.path) or layouts[0].kind_for_path(record.path)
    name = record.name
    if name is None and record.path != CONFIG_FILE:
        name = Path(record.path).stem
    return kind, name


def match(
    old: Mapping[str, Record],
    new: Mapping[str, Record],
    layouts: tuple[Layout, Layout],
    shas: tuple[Mapping[str, str], Mapping[str, str]],
) -> list[EntityChange]:
    """Pair the changed files of both sides into entity changes.

    Same path: modified (renamed when the name inside changed). Otherwise, in git's
    order of preference: same kind and name (moved), identical content, then the most
    similar file of the same kind at >= 50% similarity (renamed); the rest are added
    or removed.
    """
    out: list[EntityChange] = []
    for path in sorted(set(old) & set(new)):
        (ok, on), (nk, nn) = _identity(old[path], layouts), _identity(new[path], layouts)
        if ok is not None and nk is not None and ok != nk:
            # A file that changes its kind in place removes one entity and adds another:
            # reported as a "modified" entity of the new kind, the removal of (say) a
            # tier-1 service would escape every rule about services.
            out.append(EntityChange("removed", ok, on, path))
            out.append(EntityChange("added", nk, nn, path))
            continue
        renamed = on is not None and nn is not None and on != nn and ok == nk
        out.append(
            EntityChange(
                "renamed" if renamed else "modified",
                nk or ok,
                nn or on,
                path,
                old_name=on if renamed else None,
            )
        )
    removed = {p: _identity(r, layouts) for p, r in old.items() if p not in new}
    added = {p: _identity(r, layouts) for p, r in new.items() if p not in old}
    pairs: list[tuple[str, str, float | None]] = []
    by_identity = {ident: p for p, ident in added.items() if ident[1] is not None}
    for path, ident in sorted(removed.items()):
        target = by_identity.get(ident)
        if target is not None and target in added:
            pairs.append((path, target, None))
            del added[target]
    for path, _, _ in pairs:
        del removed[path]
    by_sha: dict[str, str] = {}
    for path in sorted(added):
        by_sha.setdefault(shas[1].get(path, ""), path)
    for path in sorted(removed):
        target = by_sha.get(shas[0].get(path, "~"))
        if target is not None and target in added:
            pairs.append((path, target, 1.0))
            del added[target]
            del removed[path]
    if removed and added and len(removed) * len(added) <= MAX_SIMILARITY_PAIRS:
        pairs.extend(_similar(removed, added, old, new))
    for old_path, new_path, score in pairs:
        (ok, on), (nk, nn) = _identity(old[old_path], layouts), _identity(new[new_path], layouts)
        same_name = on == nn and ok == nk
        out.append(
            EntityChange(
                "moved" if same_name else "renamed",
                nk or ok,
                nn or on,
                new_path,
                old_path=old_path,
                old_name=None if same_name else on,
                similarity=None if score is None else round(score, 3),
            )
        )
        removed.pop(old_path, None)
        added.pop(new_path, None)
    for path, (kind, name) in removed.items():
        out.append(EntityChange("removed", kind, name, path))
    for path, (kind, name) in added.items():
        out.append(EntityChange("added", kind, name, path))
    return out


def _similar(
    removed: dict[str, tuple[str | None, str | None]],
    added: dict[str, tuple[str | None, str | None]],
    old: Mapping[str, Record],
    new: Mapping[str, Record],
) -> list[tuple[str, str, float]]:
    scored: list[tuple[float, str, str]] = []
    for a, (kind_a, _) in removed.items():
        text_a = _text(old[a])
        for b, (kind_b, _) in added.items():
            if kind_a != kind_b:
                continue
            matcher = difflib.SequenceMatcher(None, text_a, _text(new[b]), autojunk=False)
            if matcher.real_quick_ratio() < RENAME_THRESHOLD:
                continue
            if matcher.quick_ratio() < RENAME_THRESHOLD:
                continue
            score = matcher.ratio()
            if score >= RENAME_THRESHOLD:
                scored.append((score, a, b))
    pairs: list[tuple[str, str, float]] = []
    taken_a: set[str] = set()
    taken_b: set[str] = set()
    for score, a, b in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if a not in taken_a and b not in taken_b:
            taken_a.add(a)
            taken_b.add(b)
            pairs.append((a, b, score))
    return pairs


def _text(record: Record) -> list[str]:
    return record.document.text.splitlines() if record.document else []


def describe(
    entity: EntityChange, old: Mapping[str, Record], new: Mapping[str, Record]
) -> list[Diagnostic]:
    """Fill in field changes, meanings and each side's load problems of one entity.

    Returns the diagnostics the change itself raises (an invalid status transition);
    ``itsm diff`` lists them, the audit replays history with the same function.
    """
    old_record = old.get(entity.old_path or entity.path) if entity.status != "added" else None
    new_record = new.get(entity.path) if entity.status != "removed" else None
    if old_record is not None:
        entity.base_problems = list(old_record.problems)
    if new_record is not None:
        entity.head_problems = list(new_record.problems)
    if old_record and new_record and old_record.document and new_record.document:
        entity.fields = diff_values(old_record.document.data, new_record.document.data)
    old_entity = old_record.entity if old_record else None
    new_entity = new_record.entity if new_record else None
    if entity.status == "removed" or (old_record is not None and old_entity is None):
        return []  # no meaning without a valid entity on each side that exists
    if new_entity is None:
        return []
    if entity.status == "added" and not isinstance(new_entity, ChangeRequest):
        return []
    entity.meanings, problems = derive(old_entity, new_entity, new_record)
    return problems


def _order(entity: EntityChange) -> tuple[int, str, str]:
    return (_KIND_ORDER.get(entity.kind or "", 99), entity.name or "", entity.path)


def _data_unchanged(
    entity: EntityChange, old: Mapping[str, Record], new: Mapping[str, Record]
) -> bool:
    """Whether a modified file's values are the same on both sides, up to list order."""
    if entity.status != "modified":
        return False
    before, after = old.get(entity.path), new.get(entity.path)
    if not (before and after and before.document and after.document):
        return False
    return all(change.op == "reordered" for change in entity.fields)


def impact(
    repo: GitRepo,
    base_commit: str,
    base_config: Config,
    changeset: ChangeSet,
    old: Mapping[str, Record],
    new: Mapping[str, Record],
) -> list[ImpactedService]:
    """Affected services and, transitively, every service depending on them."""
    base_graph = base_service_graph(repo, base_commit, base_config)
    changed: list[graphs.Node | None] = []
    for entity in changeset.entities:
        record = new.get(entity.path) if entity.status != "removed" else None
        if record is not None and record.document is not None:
            changed.append(graphs.node_from_data(record.document.data))
    graph = graphs.Overlay(base_graph, changed)
    reasons: dict[str, list[str]] = {}

    def affect(name: object, reason: str) -> None:
        if isinstance(name, str):
            reasons.setdefault(name, [])
            if reason not in reasons[name]:
                reasons[name].append(reason)

    for entity in changeset.entities:
        if _data_unchanged(entity, old, new):
            continue  # a comment, formatting or pure reordering affects no service
        if entity.kind == "Service":
            affect(entity.name, entity.status)
            if entity.old_name:
                affect(entity.old_name, "renamed")
        elif entity.kind == "ChangeRequest":
            sides = (old.get(entity.old_path or entity.path), new.get(entity.path))
            for record in sides:
                for service in _named_services(record):
                    affect(service, f"change request {entity.name}")
        elif entity.kind == "SLA":
            slas = {n for n in (entity.name, entity.old_name) if n is not None}
            users = sorted(graph.sla_users(slas))
            graph.prefetch(users)
            for user in users:
                node = graph.node(user)
                affect(user, f"uses SLA {node.sla if node and node.sla in slas else entity.name}")
    reach = graphs.dependents_closure(reasons, graph)
    members = set(reasons) | set(reach)
    graph.prefetch(members)  # tiers and edges of the whole radius in a few queries

    def tier(name: str) -> int | None:
        node = graph.node(name)
        return node.tier if node else None

    def edges(name: str) -> tuple[str, ...]:
        return tuple(sorted(graph.dependencies(name) & members))

    out = [
        ImpactedService(n, tier(n), True, tuple(r), depends_on=edges(n))
        for n, r in sorted(reasons.items())
    ]
    out.extend(
        ImpactedService(r.name, tier(r.name), False, (), r.via, r.distance, edges(r.name))
        for r in sorted(reach.values(), key=lambda r: (r.distance, r.name))
    )
    return out


def _named_services(record: Record | None) -> Iterable[object]:
    if record is None or record.document is None:
        return ()
    spec = record.document.data.get("spec")
    services = spec.get("services") if isinstance(spec, dict) else None
    return services if isinstance(services, list) else ()


def base_service_graph(repo: GitRepo, commit: str, config: Config) -> graphs.BaseGraph:
    """The dependency graph at a commit, from the cache when its tree was seen before."""
    folder = Layout.from_config(config).folders.get("Service")
    tree = repo.tree_id(commit, folder) if folder is not None else None
    if folder is None or tree is None:
        return graphs.MemoryGraph(graphs.Graph())
    cache = graphs.GraphCache(repo.git_dir / "itsmcode" / "cache")
    cached = cache.load(tree)
    if cached is not None:
        return cached
    entries = {p: e for p, e in repo.ls_tree(commit, [folder]).items() if wanted(p)}
    blobs = repo.read_blobs((e.sha for e in entries.values()), config.spec.lint.max_file_size)
    built = graphs.build(
        {p: blobs[e.sha].data if e.sha in blobs else None for p, e in entries.items()}
    )
    cache.store(tree, built)
    return graphs.MemoryGraph(built)


def catalog_before(repo: GitRepo, root: Path, commit: str, current: Catalog) -> Catalog:
    """The catalog at ``commit``, derived from ``current`` (the work tree's): only the
    files that differ between the two are read from git and parsed, the rest are the
    work tree's own records (the same bytes). When itsm.yaml differs, it is read whole
    (``load_commit``). For the score roadmap's baseline and the diff's level changes,
    which would otherwise parse the whole repository a second time."""
    from itsmcode.diff.snapshots import config_at, load_commit

    config = config_at(repo, commit)
    if config is None or config != current.config:
        return load_commit(repo, commit, current.config)
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    where = Range(Side("base", commit), Side("worktree", None))
    old, new, _ = _changed_files(repo, root, where, folders_of(config), limits, parse=False)
    return _swapped(repo, current, old, set(old) | set(new), config, limits)


def catalog_after(
    repo: GitRepo, root: Path, base_commit: str, base: Catalog, head_commit: str
) -> Catalog:
    """The catalog at ``head_commit``, derived from ``base`` (the catalog at
    ``base_commit``) as ``catalog_before`` is: only the files the commits differ in are
    read."""
    from itsmcode.diff.snapshots import config_at, load_commit

    config = config_at(repo, head_commit)
    if config is None or config != base.config:
        return load_commit(repo, head_commit, base.config)
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    where = Range(Side("base", base_commit), Side("head", head_commit))
    old, new, _ = _changed_files(repo, root, where, folders_of(config), limits)
    return _swapped(repo, base, new, set(old) | set(new), config, limits)


def _swapped(
    repo: GitRepo,
    catalog: Catalog,
    entries: Mapping[str, TreeEntry],
    changed: set[str],
    config: Config,
    limits: Limits,
) -> Catalog:
    """``catalog`` with the ``changed`` paths replaced by ``entries``' blobs (or gone)."""
    blobs = repo.read_blobs([e.sha for e in entries.values()], limits.max_file_size)
    read = records_from_blobs(dict(entries), blobs, limits)
    kept = [r for r in catalog.records if r.path not in changed]
    return Catalog(sorted([*kept, *read.values()], key=lambda r: r.path), config)
