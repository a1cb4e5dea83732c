"""Snapshots of an ITSM repository at a git commit or in the work tree.

The files of a commit are read straight from the object database through gitsource
(one ``cat-file --batch`` stream), then loaded by the same ``load_record`` as the work
tree, so a file at a ref yields exactly the diagnostics lint would give it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from itsmcode.errors import GitError
from itsmcode.git.repo import SYMLINK_MODE, Blob, GitRepo, TreeEntry
from itsmcode.load.catalog import Catalog, Record
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.pathsafety import LINK_PROBLEM, UNSAFE_PATH, Places, path_problems
from itsmcode.load.snapshot import load_record, paused_gc
from itsmcode.load.source import YAML_SUFFIXES
from itsmcode.load.yamlio import UNREADABLE, Limits, YamlProblem
from itsmcode.models import Config


def wanted(path: str) -> bool:
    """Whether a path is an entity file the loader would see (as ``source.discover``)."""
    if path == CONFIG_FILE:
        return True
    parts = path.split("/")
    return path.endswith(YAML_SUFFIXES) and not any(p.startswith(".") for p in parts)


def folders_of(*configs: Config) -> list[str]:
    """The folders (and single files) of every enabled kind, plus itsm.yaml."""
    found = {CONFIG_FILE}
    for config in configs:
        found.update(Layout.from_config(config).folders.values())
    return sorted(found)


def config_at(repo: GitRepo, commit: str) -> Config | None:
    """The repository config at a commit; None when it is absent or does not validate."""
    return configs_at(repo, [commit])[commit]


def configs_at(repo: GitRepo, commits: Iterable[str]) -> dict[str, Config | None]:
    """The config at each commit, read in one batch (None: absent or invalid)."""
    wanted = list(dict.fromkeys(commits))
    blobs = repo.read_files(((c, CONFIG_FILE) for c in wanted), 1024 * 1024)
    out: dict[str, Config | None] = {}
    for commit in wanted:
        blob = blobs.get((commit, CONFIG_FILE))
        if blob is None:
            out[commit] = None
            continue
        record = load_record(CONFIG_FILE, blob.data, _problem(blob.problem), Limits())
        out[commit] = record.entity if isinstance(record.entity, Config) else None
    return out


def _problem(message: str | None) -> YamlProblem | None:
    return YamlProblem(UNREADABLE, message) if message else None


def records_from_blobs(
    entries: Mapping[str, TreeEntry], blobs: Mapping[str, Blob], limits: Limits
) -> dict[str, Record]:
    """Each path's blob as a Record (symbolic links are reported, not followed)."""
    out: dict[str, Record] = {}
    with paused_gc():
        for path, entry in entries.items():
            if entry.mode == SYMLINK_MODE:
                out[path] = load_record(
                    path,
                    None,
                    YamlProblem(UNREADABLE, LINK_PROBLEM),
                    limits,
                )
                continue
            blob = blobs[entry.sha]
            out[path] = load_record(path, blob.data, _problem(blob.problem), limits)
    return out


def load_commit(
    repo: GitRepo, commit: str, fallback: Config | None = None, *, also: Config | None = None
) -> Catalog:
    """The whole catalog as it was at ``commit`` (for ``itsm show --at``).

    ``also`` adds the folders of another config: the approval check reads a pull
    request's head through the base's folders too, so that moving ``spec.paths`` in
    ``itsm.yaml`` cannot hide the head's services from the rules about them.
    """
    config = config_at(repo, commit) or fallback
    if config is None:
        raise GitError(
            f"no valid {CONFIG_FILE} at {commit[:12]}; the ITSM repository did not exist there"
        )
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    configs = [config] if also is None else [config, also]
    folders = folders_of(*configs)
    listing = repo.ls_tree(commit, folders)
    # What a checkout would read differently (links of any name, alias names, case
    # clashes) is reported as lint reports it in the work tree (source.discover).
    unsafe = path_problems(listing, Places.of(Layout.from_config(c) for c in configs))
    entries = {
        p: e
        for p, e in listing.items()
        if p not in unsafe and (wanted(p) or e.mode == SYMLINK_MODE)
    }
    blobs = repo.read_blobs(
        (e.sha for e in entries.values() if e.mode != SYMLINK_MODE), limits.max_file_size
    )
    records = records_from_blobs(entries, blobs, limits)
    for path, why in unsafe.items():
        records[path] = load_record(path, None, YamlProblem(UNSAFE_PATH, why), limits)
    return Catalog([records[p] for p in sorted(records)], config)
