"""Which entities a diff reports, and between which sides (git's argument conventions)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.diff.gitrepo import GitRepo, change, entity, field_ops
from tests.helpers import CONFIG, run_cli, service


def test_no_argument_compares_head_with_the_work_tree(repo: GitRepo) -> None:
    repo.write({"catalog/services/cache.yaml": service("cache", tier=2)})
    doc = repo.diff_json()
    assert doc["base"]["ref"] == "HEAD" and doc["base"]["commit"] == repo.git("rev-parse", "HEAD")
    assert doc["head"] == {"ref": "worktree", "commit": None, "worktree": True}
    assert [(e["status"], e["name"]) for e in doc["entities"]] == [("modified", "cache")]


def test_clean_work_tree_has_no_differences(repo: GitRepo) -> None:
    doc = repo.diff_json()
    assert doc["entities"] == [] and doc["summary"]["entities"] == 0


def test_untracked_file_is_added_and_deleted_file_removed(repo: GitRepo) -> None:
    # Different enough from cache.yaml that, as with git, it is no rename.
    repo.write(
        {
            "catalog/services/queue.yaml": service(
                "queue",
                tier=1,
                extra="""
        support: payments
        sla: gold
        dependsOn:
          - {service: ledger, type: hard}
          - {service: api, type: soft}
        components:
          - {type: repository, ref: "github.com/acme/queue"}
          - {type: database, ref: "pg-queue-prod"}
        reviewBy: 2027-03-01
        """,
            )
        }
    )
    repo.delete("catalog/services/cache.yaml")
    doc = repo.diff_json()
    statuses = {(e["status"], e["kind"], e["name"], e["path"]) for e in doc["entities"]}
    assert statuses == {
        ("added", "Service", "queue", "catalog/services/queue.yaml"),
        ("removed", "Service", "cache", "catalog/services/cache.yaml"),
    }


def test_moved_keeps_kind_and_name_with_a_new_path(repo: GitRepo) -> None:
    (repo.root / "catalog/services/archive").mkdir()
    repo.git("mv", "catalog/services/cache.yaml", "catalog/services/archive/cache.yaml")
    head = repo.commit("archive cache")
    doc = repo.diff_json("HEAD~1", head)
    (moved,) = doc["entities"]
    assert (moved["status"], moved["name"], moved["oldPath"], moved["path"]) == (
        "moved",
        "cache",
        "catalog/services/cache.yaml",
        "catalog/services/archive/cache.yaml",
    )
    assert moved["fields"] == [] and moved["oldName"] is None


def test_moved_with_an_edit_shows_the_edit(repo: GitRepo) -> None:
    repo.delete("catalog/services/cache.yaml")
    repo.write({"catalog/services/infra/cache.yaml": service("cache", tier=2)})
    (moved,) = repo.diff_json()["entities"]
    assert moved["status"] == "moved"
    assert field_ops(moved) == [("spec.tier", "changed")]


def test_renamed_entity_is_flagged_with_its_old_name(repo: GitRepo) -> None:
    repo.delete("catalog/services/cache.yaml")
    repo.write({"catalog/services/redis.yaml": service("redis", tier=3)})
    head = repo.commit("rename cache to redis")
    doc = repo.diff_json(f"HEAD~1..{head}")
    (renamed,) = doc["entities"]
    assert (renamed["status"], renamed["oldName"], renamed["name"]) == ("renamed", "cache", "redis")
    assert renamed["oldPath"] == "catalog/services/cache.yaml"
    assert renamed["similarity"] >= 0.5
    assert ("metadata.name", "changed") in field_ops(renamed)


def test_dissimilar_files_are_an_add_and_a_remove_not_a_rename(repo: GitRepo) -> None:
    repo.delete("changes/2026/chg-1.yaml")
    repo.write({"catalog/services/zz.yaml": service("zz", tier=4, lifecycle="planned")})
    statuses = sorted((e["status"], e["name"]) for e in repo.diff_json()["entities"])
    assert statuses == [("added", "zz"), ("removed", "chg-1")]


def test_two_dots_compare_the_commits_themselves(repo: GitRepo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.commit("tier", {"catalog/services/cache.yaml": service("cache", tier=2)})
    doc = repo.diff_json(f"{first}..HEAD")
    assert doc["base"]["commit"] == first and doc["head"]["ref"] == "HEAD"
    assert [e["name"] for e in doc["entities"]] == ["cache"]
    # The same range as two arguments.
    assert repo.diff_json(first, "HEAD")["entities"] == doc["entities"]


def _fork(repo: GitRepo) -> None:
    """main gains a change after feature forked; feature changes another file."""
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature", {"catalog/services/cache.yaml": service("cache", tier=2)})
    repo.git("checkout", "-q", "main")
    repo.commit("main moves on", {"changes/2026/chg-2.yaml": change("chg-2")})


def test_three_dots_diff_from_the_merge_base(repo: GitRepo) -> None:
    _fork(repo)
    three = repo.diff_json("main...feature")
    assert [e["name"] for e in three["entities"]] == ["cache"]
    assert three["base"]["commit"] == repo.git("merge-base", "main", "feature")
    # Two dots see main's later change too, as removed on the feature side.
    two = sorted((e["status"], e["name"]) for e in repo.diff_json("main..feature")["entities"])
    assert two == [("modified", "cache"), ("removed", "chg-2")]


def test_one_ref_compares_its_merge_base_with_the_work_tree(repo: GitRepo) -> None:
    _fork(repo)
    repo.git("checkout", "-q", "feature")
    repo.write({"catalog/services/ledger.yaml": service("ledger", tier=2, extra="sla: gold\n")})
    doc = repo.diff_json("main")
    assert doc["base"]["commit"] == repo.git("merge-base", "main", "HEAD")
    assert doc["head"]["worktree"] is True
    assert sorted(e["name"] for e in doc["entities"]) == ["cache", "ledger"]


def test_merge_commit_three_dots(repo: GitRepo) -> None:
    _fork(repo)
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    repo.commit("more", {"catalog/services/api.yaml": service("api", tier=1)})
    # After merging main in, main...feature still shows only the feature's own work.
    names = sorted(e["name"] for e in repo.diff_json("main...feature")["entities"])
    assert names == ["api", "cache"]


def test_detached_head_works(repo: GitRepo) -> None:
    repo.commit("tier", {"catalog/services/cache.yaml": service("cache", tier=2)})
    repo.git("checkout", "-q", "--detach", "HEAD")
    repo.write({"catalog/services/web.yaml": service("web", tier=2)})
    assert [e["name"] for e in repo.diff_json()["entities"]] == ["web"]
    assert [e["name"] for e in repo.diff_json("HEAD~1..HEAD")["entities"]] == ["cache"]


def test_itsm_repository_in_a_subfolder_of_the_git_repository(repo: GitRepo) -> None:
    sub = repo.root / "ops" / "itsm"
    for path in repo.git("ls-files").splitlines():
        target = sub / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((repo.root / path).read_bytes())
        (repo.root / path).unlink()
    repo.commit("move into ops/itsm")
    repo.write({"catalog/services/cache.yaml": service("cache", tier=1)}, at=sub)
    doc = repo.diff_json(cwd=sub)
    (changed,) = doc["entities"]
    assert changed["path"] == "catalog/services/cache.yaml"


def test_unparsable_head_side_still_appears_with_its_diagnostic(repo: GitRepo) -> None:
    repo.write({"catalog/services/cache.yaml": "apiVersion: itsmcode/v1\nkind: [\n"})
    (broken,) = repo.diff_json()["entities"]
    assert (broken["status"], broken["kind"], broken["name"]) == ("modified", "Service", "cache")
    (problem,) = broken["problems"]["head"]
    assert problem["rule"] == "yaml-syntax" and problem["path"] == "catalog/services/cache.yaml"
    assert broken["problems"]["base"] == [] and broken["meanings"] == []


def test_unparsable_base_side_and_schema_errors(repo: GitRepo) -> None:
    repo.commit("break", {"catalog/services/cache.yaml": "kind: Service\n\tbad: tab\n"})
    repo.commit("schema error", {"catalog/services/api.yaml": service("api", tier=9)})
    repo.write({"catalog/services/cache.yaml": service("cache", tier=2)})
    doc = repo.diff_json("HEAD~2")
    cache, api = entity(doc, "cache"), entity(doc, "api")
    assert cache["problems"]["base"] == [] and cache["problems"]["head"] == []
    fixed = repo.diff_json("HEAD~1")  # base holds the tab-indented file
    assert entity(fixed, "cache")["problems"]["base"][0]["rule"] == "yaml-syntax"
    assert api["problems"]["head"][0]["rule"] == "schema"
    assert api["problems"]["head"][0]["line"] == 6
    assert field_ops(api) == [("spec.tier", "changed"), ("spec.dependsOn", "removed")]
    assert api["meanings"] == []  # no meaning is derived from an invalid entity


def test_name_changed_inside_the_same_file_is_a_rename(repo: GitRepo) -> None:
    repo.write({"catalog/services/cache.yaml": service("redis", tier=3)})
    (renamed,) = repo.diff_json()["entities"]
    assert (renamed["status"], renamed["oldName"], renamed["name"], renamed["oldPath"]) == (
        "renamed",
        "cache",
        "redis",
        None,
    )
    assert field_ops(renamed) == [("metadata.name", "changed")]


def test_repo_option_and_config_file_changes(repo: GitRepo, tmp_path: Path) -> None:
    repo.write({"itsm.yaml": CONFIG.replace("test-org", "other-org")})
    result = run_cli(["diff", "--repo", str(repo.root), "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    (config,) = json.loads(result.stdout)["entities"]
    assert (config["kind"], config["path"]) == ("Config", "itsm.yaml")
    assert field_ops(config) == [("metadata.name", "changed")]


def test_work_tree_detection_trusts_content_not_stat_or_index(repo: GitRepo) -> None:
    import os

    cache = repo.root / "catalog/services/cache.yaml"
    os.utime(cache, (1, 1))  # stat differs from the index; content does not
    repo.write({"catalog/services/new.yaml": service("new", tier=4)})
    repo.git("add", "catalog/services/new.yaml")  # staged, not committed
    repo.git("rm", "-q", "--cached", "catalog/services/api.yaml")  # untracked, unchanged
    repo.write({"catalog/services/.hidden.yaml": "not: loaded\n"})
    doc = repo.diff_json()
    assert [(e["status"], e["name"]) for e in doc["entities"]] == [("added", "new")]


def test_oversized_blob_is_a_problem_not_a_read(repo: GitRepo) -> None:
    huge = service("cache", tier=2) + "# " + "x" * (1024 * 1024) + "\n"
    repo.commit("huge", {"catalog/services/cache.yaml": huge})
    (changed,) = repo.diff_json("HEAD~1..HEAD")["entities"]
    (problem,) = changed["problems"]["head"]
    assert (
        problem["rule"] == "file-unreadable"
        and "over the 1048576-byte limit" in (problem["message"])
    )
    assert changed["fields"] == []


def test_base_before_the_itsm_repository_existed(tmp_path: Path) -> None:
    from tests.diff.gitrepo import base_files

    fresh = GitRepo(tmp_path / "fresh").init()
    fresh.commit("readme", {"README.md": "hello\n"})
    fresh.commit("adopt itsmcode", base_files())
    doc = fresh.diff_json("HEAD~1..HEAD")
    assert {e["status"] for e in doc["entities"]} == {"added"}
    assert {e["name"] for e in doc["entities"] if e["kind"] == "Service"} == {
        "ledger",
        "cache",
        "api",
        "web",
    }
    assert {i["service"] for i in doc["impact"]} == {"ledger", "cache", "api", "web"}
