"""Replaying the protected branch commit by commit, without a git call per commit.

The tree of the parent of the oldest audited commit is listed once; from there each
commit's raw changes (from the single log pass) update a path -> blob map. Every blob
is read in one ``cat-file --batch`` stream and parsed at most once per (path, blob),
lazily: only the files a diff or a policy evaluation looks at are parsed. A step
gives the semantic diff of parent..commit (the same matching, field diff and meaning
as ``itsm diff``) and, on demand, the catalogs at the parent and at the commit.
"""

from __future__ import annotations

import gc
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field

from itsmcode.audit.catalogs import ReplayCatalog
from itsmcode.diff.engine import describe, match
from itsmcode.diff.model import ChangeSet, EntityChange, Side
from itsmcode.diff.snapshots import folders_of, wanted
from itsmcode.git.facts import PathChange
from itsmcode.git.log import AuditGit, LogCommit
from itsmcode.git.repo import SYMLINK_MODE, Blob, TreeEntry
from itsmcode.load.catalog import Record
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.pathsafety import LINK_PROBLEM, Places
from itsmcode.load.snapshot import load_record
from itsmcode.load.yamlio import UNREADABLE, Limits, YamlProblem
from itsmcode.models import ChangeRequest, Config

#: CI workflows are in the audit's scope: they run the gate and write the records.
WORKFLOWS = ".github/workflows/"


def _inside(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f + "/") for f in folders)


class Files:
    """Parsed records by (path, blob), each parsed once, from blobs read in one batch."""

    def __init__(self, blobs: Mapping[str, Blob], limits: Limits) -> None:
        self.blobs = blobs
        self.limits = limits
        self._cache: dict[tuple[str, str], Record] = {}
        self._folders: dict[tuple[int, ...], tuple[tuple[Config, ...], list[str]]] = {}
        self._layouts: dict[int, tuple[Config, Layout]] = {}

    def folders(self, *configs: Config) -> list[str]:
        """``folders_of``, memoized per config object (each itsm.yaml blob parses once)."""
        key = tuple(id(c) for c in configs)
        found = self._folders.get(key)
        if found is None:
            found = (configs, folders_of(*configs))  # keeps the configs (and ids) alive
            self._folders[key] = found
        return found[1]

    def layout(self, config: Config) -> Layout:
        found = self._layouts.get(id(config))
        if found is None:
            found = (config, Layout.from_config(config))
            self._layouts[id(config)] = found
        return found[1]

    def record(self, path: str, entry: TreeEntry) -> Record:
        key = (path, entry.sha)
        found = self._cache.get(key)
        if found is not None:
            return found
        if entry.mode == SYMLINK_MODE:
            record = load_record(
                path,
                None,
                YamlProblem(UNREADABLE, LINK_PROBLEM),
                self.limits,
            )
        else:
            blob = self.blobs.get(entry.sha)
            problem = None
            if blob is None or blob.problem:
                problem = YamlProblem(
                    UNREADABLE, (blob.problem if blob else None) or "blob not read"
                )
            record = load_record(path, blob.data if blob else None, problem, self.limits)
        self._cache[key] = record
        return record


@dataclass
class Snapshot:
    """The ITSM files at one commit: paths and blobs, records parsed on demand."""

    commit: str | None
    entries: dict[str, TreeEntry]
    files: Files
    fallback: Config | None
    #: The snapshot before and what changed since: lets the catalog be derived cheaply.
    previous: Snapshot | None = field(default=None, repr=False)
    delta: dict[str, tuple[TreeEntry | None, TreeEntry | None]] = field(
        default_factory=dict, repr=False
    )
    _catalog: ReplayCatalog | None = field(default=None, repr=False)

    @property
    def config(self) -> Config | None:
        entry = self.entries.get(CONFIG_FILE)
        if entry is not None:
            entity = self.files.record(CONFIG_FILE, entry).entity
            if isinstance(entity, Config):
                return entity
        return None

    def effective_config(self) -> Config | None:
        return self.config or self.fallback

    def catalog(self) -> ReplayCatalog | None:
        """The whole catalog at this commit; None without any usable itsm.yaml."""
        if self._catalog is None:
            config = self.effective_config()
            if config is None:
                return None
            inside = self.files.folders(config)
            before = self.previous._catalog if self.previous is not None else None
            if before is not None and before.config is config:
                by_path = before.paths()
                changed: dict[str, tuple[Record | None, Record | None]] = {}
                for path, (old, new) in self.delta.items():
                    if not _inside(path, inside):
                        continue
                    changed[path] = (
                        self.files.record(path, old) if old is not None else None,
                        self.files.record(path, new) if new is not None else None,
                    )
                    if new is None:
                        by_path.pop(path, None)
                    else:
                        by_path[path] = changed[path][1]  # type: ignore[assignment]
                self._catalog = ReplayCatalog(by_path, config, before, changed)
            else:
                self._catalog = ReplayCatalog(
                    {
                        p: self.files.record(p, e)
                        for p, e in self.entries.items()
                        if _inside(p, inside)
                    },
                    config,
                )
            self.previous = None
        return self._catalog


@dataclass
class Step:
    """One commit of the branch: its diff against the first parent and both snapshots."""

    commit: LogCommit
    before: Snapshot
    after: Snapshot
    entities: list[EntityChange]
    paths: list[PathChange]  # every changed file of the whole tree
    new_records: dict[str, Record]
    old_records: dict[str, Record]
    #: The ITSM folders (and itsm.yaml) of the configs at the parent and the commit.
    folders: list[str] = field(default_factory=list)

    def is_itsm_path(self, path: str) -> bool:
        """Whether ``path`` is governed by the ITSM repository: itsm.yaml, a kind's
        folder (the catalog, changes, the policy) or a CI workflow (which runs the
        approval gate and writes the approval records)."""
        if _inside(path, self.folders) or path.startswith(WORKFLOWS):
            return True
        # An alias of a kind's folder (Catalog/, x.YAML) or a link above one is the
        # catalog's business too: the re-evaluation refuses it (policy/integrity.py).
        return Places.of_folders(self.folders).touches(path)

    def changeset(self) -> ChangeSet:
        return ChangeSet(
            Side("parent", self.before.commit),
            Side(self.commit.sha[:12], self.commit.sha),
            list(self.entities),
        )

    def new_change_request(self, entity: EntityChange) -> ChangeRequest | None:
        record = self.new_records.get(entity.path)
        return record.entity if record and isinstance(record.entity, ChangeRequest) else None

    def old_change_request(self, entity: EntityChange) -> ChangeRequest | None:
        record = self.old_records.get(entity.old_path or entity.path)
        return record.entity if record and isinstance(record.entity, ChangeRequest) else None


class Replay:
    """Steps over ``commits`` (oldest first, one first-parent line)."""

    def __init__(self, repo: AuditGit, commits: list[LogCommit], fallback: Config | None) -> None:
        self.repo = repo
        self.commits = commits
        self.fallback = fallback
        start = commits[0].parents[0] if commits and commits[0].parents else None
        self.start = start
        initial = {p: e for p, e in repo.all_files(start).items() if wanted(p)} if start else {}
        shas = {e.sha for e in initial.values() if e.mode != SYMLINK_MODE}
        for commit in commits:
            for change in commit.changes:
                if wanted(change.path):
                    for side in (change.old, change.new):
                        if side is not None and side.mode != SYMLINK_MODE:
                            shas.add(side.sha)
        max_size = fallback.spec.lint.max_file_size if fallback else Limits().max_file_size
        self.files = Files(repo.read_blobs(shas, max_size), Limits(max_file_size=max_size))
        self.initial = initial

    def steps(self) -> Iterator[Step]:
        for commit, before, after in self.snapshots():
            yield self._step(commit, before, after)

    def snapshots(self) -> Generator[tuple[LogCommit, Snapshot, Snapshot], None, None]:
        """Each commit with the snapshots at its parent and at it, without the diff (the
        score trend asks only some of them for their catalog)."""
        state = Snapshot(self.start, dict(self.initial), self.files, self.fallback)
        was_enabled = gc.isenabled()
        gc.disable()  # as snapshot.load_worktree: nothing parsed here is garbage yet
        try:
            for commit in self.commits:
                entries = dict(state.entries)
                delta: dict[str, tuple[TreeEntry | None, TreeEntry | None]] = {}
                for change in commit.changes:
                    if not wanted(change.path):
                        continue
                    delta[change.path] = (change.old, change.new)
                    if change.new is None:
                        entries.pop(change.path, None)
                    else:
                        entries[change.path] = change.new
                after = Snapshot(commit.sha, entries, self.files, self.fallback, state, delta)
                yield commit, state, after
                state.previous = None  # keep the chain two snapshots long
                state = after
        finally:
            if was_enabled:
                gc.enable()

    def _step(self, commit: LogCommit, before: Snapshot, after: Snapshot) -> Step:
        base_config = before.effective_config()
        head_config = after.effective_config()
        configs = [c for c in (base_config, head_config) if c is not None]
        wanted_folders = self.files.folders(*configs) if configs else [CONFIG_FILE]
        old_records: dict[str, Record] = {}
        new_records: dict[str, Record] = {}
        old_shas: dict[str, str] = {}
        new_shas: dict[str, str] = {}
        for change in commit.changes:
            if not wanted(change.path) or not _inside(change.path, wanted_folders):
                continue
            if change.old is not None:
                old_records[change.path] = self.files.record(change.path, change.old)
                old_shas[change.path] = change.old.sha
            if change.new is not None:
                new_records[change.path] = self.files.record(change.path, change.new)
                new_shas[change.path] = change.new.sha
        entities: list[EntityChange] = []
        if old_records or new_records:
            base_layout = self.files.layout(configs[0]) if configs else Layout({})
            head_layout = self.files.layout(configs[-1]) if configs else Layout({})
            entities = match(
                old_records, new_records, (base_layout, head_layout), (old_shas, new_shas)
            )
            for entity in entities:
                describe(entity, old_records, new_records)  # transition problems: diff only
            entities.sort(key=lambda e: (e.kind or "~", e.name or "", e.path))
        paths = [
            PathChange(c.path, c.status, c.new.mode if c.new is not None else "")
            for c in commit.changes
        ]
        return Step(
            commit, before, after, entities, paths, new_records, old_records, wanted_folders
        )
