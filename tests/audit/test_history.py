"""``itsm history KIND NAME``: the timeline follows renames and moves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.audit.scripted import History, base_files, service


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    h = History(tmp_path_factory.mktemp("history") / "repo")
    h.commit("initial catalog", dict(base_files()))
    tier = h.pull_request(1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)})
    h.approve(tier, "alice", ["bob"])
    renamed = h.pull_request(
        2,
        "alice",
        {
            "catalog/services/ledger.yaml": None,
            "catalog/services/ledger-core.yaml": service("ledger-core", 2),
        },
    )
    h.approve(renamed, "alice", ["bob"])
    h.commit(
        "Move ledger-core to core/ (#3)",
        {
            "catalog/services/ledger-core.yaml": None,
            "catalog/services/core/ledger-core.yaml": service("ledger-core", 2),
        },
        who="bob",
    )
    owner = h.pull_request(
        4, "bob", {"catalog/services/core/ledger-core.yaml": service("ledger-core", 2, owner="cab")}
    )
    h.approve(owner, "bob", ["alice", "carol"])
    # A new, unrelated service takes the freed name.
    h.commit("A new ledger", {"catalog/services/ledger.yaml": service("ledger", 4)})
    return h


def timeline(h: History, *args: str) -> dict[str, Any]:
    result = h.itsm("history", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_history_follows_renames_and_moves(history: History) -> None:
    doc = timeline(history, "Service", "ledger-core")
    assert doc["names"] == ["ledger", "ledger-core"]
    events = doc["events"]
    assert [(e["status"], e["name"], e["path"]) for e in events] == [
        ("added", "ledger", "catalog/services/ledger.yaml"),
        ("modified", "ledger", "catalog/services/ledger.yaml"),
        ("renamed", "ledger-core", "catalog/services/ledger-core.yaml"),
        ("moved", "ledger-core", "catalog/services/core/ledger-core.yaml"),
        ("modified", "ledger-core", "catalog/services/core/ledger-core.yaml"),
    ]
    assert [e["pullRequest"] for e in events] == [None, 1, 2, 3, 4]
    assert [e["approvers"] for e in events] == [[], ["bob"], ["bob"], [], ["alice", "carol"]]
    assert events[1]["fields"] == [{"path": "spec.tier", "op": "changed", "old": 3, "new": 2}]
    assert events[2]["oldName"] == "ledger"
    assert events[3]["oldPath"] == "catalog/services/ledger-core.yaml"
    assert {"path": "spec.owner", "op": "changed", "old": "payments", "new": "cab"} in (
        events[4]["fields"]
    )
    assert events[4]["author"] == "github <github@example.com>"


def test_a_reused_name_is_a_different_entity(history: History) -> None:
    doc = timeline(history, "services", "ledger")
    assert [e["status"] for e in doc["events"]] == ["added"]
    assert doc["events"][0]["path"] == "catalog/services/ledger.yaml"


def test_history_text(history: History) -> None:
    result = history.itsm("history", "service", "ledger-core")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Service ledger-core (earlier: ledger) on main")
    assert "PR #1 by github <github@example.com>" in out
    assert "    ~ spec.tier: 3 -> 2" in out
    assert "renamed from ledger (was catalog/services/ledger.yaml)" in out
    assert "approved by: alice, carol" in out


def test_unknown_entity_and_kind(history: History, tmp_path: Path) -> None:
    missing = history.itsm("history", "Service", "nothing")
    assert missing.exit_code == 1 and "no Service named 'nothing'" in missing.stderr
    kind = history.itsm("history", "Servce", "ledger")
    assert kind.exit_code == 2 and "unknown kind 'Servce'" in kind.stderr


def test_a_renamed_away_name_says_where_the_entity_went(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    renamed = h.pull_request(
        1,
        "alice",
        {
            "catalog/services/cache.yaml": None,
            "catalog/services/cache-v2.yaml": service("cache-v2"),
        },
    )
    result = h.itsm("history", "Service", "cache")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"Service cache on main ({renamed.merge[:12]})",
        f"  renamed to cache-v2 in {renamed.merge[:12]} (2026-10-01T12:00:00+00:00): "
        "see itsm history Service cache-v2",
    ]
    doc = timeline(h, "Service", "cache")
    assert doc["renamedTo"] == {
        "name": "cache-v2",
        "sha": renamed.merge,
        "date": "2026-10-01T12:00:00+00:00",
    }
    assert [e["status"] for e in doc["events"]] == ["added"]


def test_a_reused_name_points_to_the_earlier_entity(history: History) -> None:
    result = history.itsm("history", "Service", "ledger")
    assert result.exit_code == 0
    assert "  an earlier Service ledger was renamed to ledger-core in " in result.stdout
    assert "see itsm history Service ledger-core" in result.stdout
    doc = timeline(history, "Service", "ledger")
    assert doc["renamedTo"] is None and doc["earlierRenamedTo"]["name"] == "ledger-core"
