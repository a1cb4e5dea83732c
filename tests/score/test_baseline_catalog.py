"""The roadmap's baseline catalog is derived from the work tree's (only the files that
differ are read from git): it must hold exactly what the commit holds, whatever the work
tree changed since (edits, deletions, new untracked files, itsm.yaml)."""

from __future__ import annotations

from pathlib import Path

from itsmcode.diff.engine import catalog_after, catalog_before
from itsmcode.diff.snapshots import load_commit
from itsmcode.git.repo import GitRepo as Git
from itsmcode.load.catalog import Catalog
from itsmcode.load.config import load_config
from itsmcode.load.snapshot import load_worktree
from tests.diff.gitrepo import GitRepo
from tests.score.scored import make_repo, service


def contents(catalog: Catalog) -> dict[str, object]:
    return {
        r.path: (r.kind, r.name, r.document.data if r.document else None) for r in catalog.records
    }


def test_derived_from_the_work_tree_equals_the_commit(tmp_path: Path) -> None:
    git = GitRepo(tmp_path).init()
    make_repo(tmp_path)
    commit = git.commit("planted")
    git.write({"catalog/services/b-bronze.yaml": service("b-bronze", tier=2, runbook=True)})
    git.write({"catalog/services/z-new.yaml": service("z-new")})  # untracked
    git.delete("catalog/services/d-gold.yaml")
    git.write({"catalog/services/c-silver.yaml": "kind: [broken\n"})  # does not load now
    worktree = load_worktree(tmp_path, load_config(tmp_path))
    derived = catalog_before(Git(tmp_path), tmp_path, commit, worktree)
    whole = load_commit(Git(tmp_path), commit, None)
    assert contents(derived) == contents(whole)
    assert "catalog/services/z-new.yaml" not in contents(derived)
    assert (
        contents(derived)["catalog/services/b-bronze.yaml"]
        != contents(worktree)["catalog/services/b-bronze.yaml"]
    )


def test_a_changed_itsm_yaml_reads_the_commit_whole(tmp_path: Path) -> None:
    git = GitRepo(tmp_path).init()
    make_repo(tmp_path)
    commit = git.commit("planted")
    config = (tmp_path / "itsm.yaml").read_text(encoding="utf-8")
    git.write({"itsm.yaml": config.replace("timezone: UTC", "timezone: Europe/Berlin")})
    git.write({"catalog/services/z-new.yaml": service("z-new")})
    worktree = load_worktree(tmp_path, load_config(tmp_path))
    derived = catalog_before(Git(tmp_path), tmp_path, commit, worktree)
    assert derived.config.spec.timezone == "UTC"
    assert contents(derived) == contents(load_commit(Git(tmp_path), commit, None))


def test_derived_between_commits_equals_the_head(tmp_path: Path) -> None:
    git = GitRepo(tmp_path).init()
    make_repo(tmp_path)
    base_commit = git.commit("planted")
    git.write({"catalog/services/b-bronze.yaml": service("b-bronze", tier=2, runbook=True)})
    git.write({"catalog/services/z-new.yaml": service("z-new")})
    git.delete("catalog/services/d-gold.yaml")
    head_commit = git.commit("pull request")
    base = load_commit(Git(tmp_path), base_commit, None)
    derived = catalog_after(Git(tmp_path), tmp_path, base_commit, base, head_commit)
    assert contents(derived) == contents(load_commit(Git(tmp_path), head_commit, None))
    assert "catalog/services/z-new.yaml" in contents(derived)
    assert "catalog/services/d-gold.yaml" not in contents(derived)
