"""The replay's incremental catalogs equal catalogs loaded from scratch at each commit."""

from __future__ import annotations

from pathlib import Path

from itsmcode.audit.replay import Replay
from itsmcode.diff.snapshots import load_commit
from itsmcode.git.log import AuditGit
from itsmcode.models import MODELS, Service, Team
from itsmcode.policy.check import find_policy
from tests.audit.scripted import STRICT_POLICY, History, base_files, change, service, team


def test_incremental_catalogs_match_full_loads(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial", dict(base_files()))
    h.commit("edit", {"catalog/services/cache.yaml": service("cache", 2)})
    h.commit("team", {"catalog/teams/cab.yaml": team("cab", "carol", "zoe")})
    h.commit(
        "move",
        {"catalog/services/cache.yaml": None, "catalog/services/x/cache.yaml": service("cache", 2)},
    )
    h.commit("broken", {"catalog/services/ledger.yaml": "kind: Service\nspec: [\n"})
    h.commit(
        "policy",
        {
            "processes/approval-policy.yaml": STRICT_POLICY,
            "changes/2026/chg-1.yaml": change("chg-1"),
        },
    )
    h.commit("remove", {"catalog/services/ledger.yaml": None})
    repo = AuditGit(h.root)
    commits = repo.first_parent_log(["main"])
    steps = 0
    for step in Replay(repo, commits, None).steps():
        incremental = step.after.catalog()
        full = load_commit(repo, step.commit.sha)
        assert incremental is not None
        for kind in MODELS:
            assert incremental.names(kind) == full.names(kind), (step.commit.subject, kind)
            for name in full.names(kind):
                assert [r.path for r in incremental.records_named(kind, name)] == [
                    r.path for r in full.records_named(kind, name)
                ]
        assert [r.path for r in incremental.records] == [r.path for r in full.records]
        assert incremental.member_logins == full.member_logins
        assert [s.name for s in incremental.all(Service)] == [s.name for s in full.all(Service)]
        assert [t.name for t in incremental.all(Team)] == [t.name for t in full.all(Team)]
        mine = incremental.policy_at(step.commit.sha)
        theirs = find_policy(full, step.commit.sha)
        assert (mine.path, mine.problem) == (theirs.path, theirs.problem)
        assert (mine.policy is None) == (theirs.policy is None)
        steps += 1
    assert steps == 7
