"""The blast radius: affected services and, transitively, what depends on them."""

from __future__ import annotations

from typing import Any

from itsmcode.diff.graph import CACHE_VERSION
from tests.diff.gitrepo import SLA_GOLD, GitRepo, change
from tests.helpers import service


def impact(doc: dict[str, Any]) -> dict[str, tuple[int | None, bool, list[str]]]:
    return {i["service"]: (i["tier"], i["affected"], i["via"]) for i in doc["impact"]}


def test_dependents_transitively_with_tiers_and_chains(repo: GitRepo) -> None:
    repo.write({"catalog/services/cache.yaml": service("cache", tier=2)})
    found = impact(repo.diff_json())
    # web depends on api, which depends (softly) on cache.
    assert found == {
        "cache": (2, True, []),
        "api": (2, False, ["cache"]),
        "web": (1, False, ["cache", "api"]),
    }


def test_sla_edit_affects_the_services_that_use_it(repo: GitRepo) -> None:
    repo.write({"catalog/slas/gold.yaml": SLA_GOLD.replace("99.95", "99.5")})
    doc = repo.diff_json()
    affected = {i["service"]: i["reasons"] for i in doc["impact"] if i["affected"]}
    assert affected == {"ledger": ["uses SLA gold"], "web": ["uses SLA gold"]}
    assert {i["service"] for i in doc["impact"] if not i["affected"]} == {"api"}


def test_change_request_affects_the_services_it_names(repo: GitRepo) -> None:
    repo.write({"changes/2026/chg-2.yaml": change("chg-2", services="[api]")})
    found = impact(repo.diff_json())
    assert found == {"api": (2, True, []), "web": (1, False, ["api"])}


def test_a_new_dependency_widens_the_radius_on_the_head_side(repo: GitRepo) -> None:
    repo.write(
        {
            "catalog/services/cache.yaml": service(
                "cache",
                tier=3,
                extra="""
            dependsOn:
              - {service: ledger, type: hard}
            """,
            ),
            "catalog/services/queue.yaml": service(
                "queue",
                tier=4,
                lifecycle="planned",
                extra="""
            dependsOn:
              - {service: cache, type: hard}
            """,
            ),
        }
    )
    found = impact(repo.diff_json())
    assert found["queue"] == (4, True, [])
    assert found["cache"][1] is True
    # api and web depend on cache in both versions; nothing depends on queue yet.
    assert set(found) == {"cache", "queue", "api", "web"}


def test_removed_service_still_reaches_its_former_dependents(repo: GitRepo) -> None:
    repo.delete("catalog/services/ledger.yaml")
    found = impact(repo.diff_json())
    assert found["ledger"] == (1, True, [])
    assert found["api"] == (2, False, ["ledger"]) and found["web"][1] is False


def test_graph_cache_is_keyed_by_the_services_tree(repo: GitRepo) -> None:
    cache_dir = repo.root / ".git" / "itsmcode" / "cache"
    repo.write({"catalog/services/cache.yaml": service("cache", tier=2)})
    first = repo.diff_json()
    (cached,) = cache_dir.glob(f"graph-v{CACHE_VERSION}-*.sqlite")
    tree = repo.git("rev-parse", "HEAD:catalog/services")
    assert cached.name == f"graph-v{CACHE_VERSION}-{tree}.sqlite"
    built = cached.read_bytes()
    # A second run reads the cache; a damaged cache is rebuilt, not trusted.
    assert repo.diff_json() == first
    cached.write_bytes(b"\x00garbage")
    assert repo.diff_json() == first
    assert cached.read_bytes() == built
    repo.commit("tier 2")  # commits the work-tree edit: a new services tree
    repo.diff_json()
    assert len(list(cache_dir.glob(f"graph-v{CACHE_VERSION}-*.sqlite"))) == 2


def test_a_comment_or_reorder_only_edit_impacts_no_service(repo: GitRepo) -> None:
    original = (repo.root / "catalog/services/cache.yaml").read_text(encoding="utf-8")
    repo.write({"catalog/services/cache.yaml": "# reviewed, nothing to change\n" + original})
    doc = repo.diff_json()
    assert [(e["status"], e["name"], e["fields"]) for e in doc["entities"]] == [
        ("modified", "cache", [])
    ]
    assert doc["impact"] == []
