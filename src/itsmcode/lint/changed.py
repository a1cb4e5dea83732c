"""``itsm lint --changed [REF]``: the files a change touched, and those it can affect.

A change's diagnostics are not only in its own files: deleting a team breaks every
service that names it, moving a change window can make another change overlap. The
affected set is therefore, starting from the changed files (added, edited, deleted,
and untracked ones, against REF):

- every file that references, directly or through a chain of references, an entity a
  changed file defines now or defined at REF (a deleted file's entity is named by its
  folder and stem, which ``name-matches-file`` keeps equal to its name);
- every file defining an entity of the same kind and name (duplicates);
- every change request on a service that such a file defines or names, or on a direct
  dependency or dependent of one (windows overlap along dependencies);
- every change request, when a team, a calendar or the approval policy changed
  (membership, freezes, maintenance windows, which types they bind), and every file,
  when itsm.yaml changed.

The whole repository is still loaded (through the cache), so the answer equals what a
full lint reports for those files.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path, PurePosixPath

from itsmcode.diagnostics import LintResult
from itsmcode.errors import GitError
from itsmcode.git.repo import GitRepo, blob_id
from itsmcode.lint.cache import LintCache
from itsmcode.lint.engine import lint_catalog
from itsmcode.lint.loading import build_catalog, read_tree
from itsmcode.lint.options import LintOptions
from itsmcode.load.catalog import Catalog
from itsmcode.load.config import load_config
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.yamlio import Limits
from itsmcode.models import ChangeRequest, Service


def default_base(git: GitRepo) -> str:
    """The merge base with the upstream branch, else HEAD (nothing pushed to compare)."""
    try:
        upstream = git.resolve("@{upstream}")
    except GitError:
        return git.resolve("HEAD")
    return git.merge_base(git.resolve("HEAD"), upstream)


def changed_paths(root: Path, layout: Layout, ref: str | None) -> set[str]:
    """Repository-relative paths under the kinds' folders (and itsm.yaml) that differ
    between ``ref`` (default: see ``default_base``) and the work tree."""
    git = GitRepo(root)
    base = git.resolve(ref) if ref else default_base(git)
    scope = [CONFIG_FILE, *layout.folders.values()]
    candidates, untracked = git.worktree_changes(base, scope)
    changed = set(untracked)
    for change in candidates:
        if change.new is None or change.old is None:
            changed.add(change.path)
            continue
        try:
            data = (root / change.path).read_bytes()
        except OSError:
            changed.add(change.path)
            continue
        if blob_id(data, git.object_format) != change.old.sha:
            changed.add(change.path)
    return changed


def affected_paths(catalog: Catalog, layout: Layout, changed: set[str]) -> set[str]:
    if CONFIG_FILE in changed:
        return {r.path for r in catalog.records}
    by_path = {r.path: r for r in catalog.records}
    defined: set[tuple[str, str]] = set()
    for path in changed:
        record = by_path.get(path)
        kind = (record.kind if record else None) or layout.kind_for_path(path)
        if kind is None:
            continue
        defined.add((kind, PurePosixPath(path).stem))
        if record is not None and record.name:
            defined.add((kind, record.name))
    referrers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in catalog.records:
        if record.entity is not None:
            for _, kind, name in record.entity.references():
                referrers[(kind, name)].add(record.path)
    affected = {p for p in changed if p in by_path}
    frontier = set(defined)
    seen: set[tuple[str, str]] = set()
    while frontier:  # files referencing what changed, then what references those
        target = frontier.pop()
        seen.add(target)
        for path in referrers.get(target, ()):
            affected.add(path)
            record = by_path[path]
            if record.kind and record.name and (record.kind, record.name) not in seen:
                frontier.add((record.kind, record.name))
    affected |= {r.path for r in catalog.records if (r.kind, r.name) in defined}
    affected |= _changes_near(catalog, affected, defined)
    if {kind for kind, _ in defined} & {"Team", "Calendar", "ApprovalPolicy"}:
        affected |= {r.path for r in catalog.records if r.kind == "ChangeRequest"}
    return affected


def _changes_near(catalog: Catalog, affected: set[str], defined: set[tuple[str, str]]) -> set[str]:
    services = {name for kind, name in defined if kind == "Service"}
    for record, change in catalog.each(ChangeRequest):
        if record.path in affected:
            services.update(change.spec.services)
    for record, service in catalog.each(Service):
        if record.path in affected:
            services.add(service.name)
    near = set(services)
    for name in services:
        near.update(dep for dep, _ in catalog.dependencies.get(name, []))
        near.update(catalog.dependents.get(name, set()))
    return {
        record.path
        for record, change in catalog.each(ChangeRequest)
        if near.intersection(change.spec.services)
    }


def lint_changed(root: Path, ref: str | None, options: LintOptions) -> LintResult:
    """The full lint's diagnostics for the changed and affected files only."""
    config = load_config(root)
    layout = Layout.from_config(config)
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    changed = changed_paths(root, layout, ref)
    cache = LintCache() if options.cache else None
    try:
        tree = read_tree(root, layout, [], limits)
        catalog = build_catalog(tree, config, limits, cache, options.workers)
    finally:
        if cache is not None:
            cache.close()
    result = lint_catalog(catalog, [], options)
    wanted = affected_paths(catalog, layout, changed)
    return LintResult([d for d in result.diagnostics if d.location.path in wanted], len(wanted))
