"""The diff's Markdown (the PR comment) says, per changed service, how far its impact
reaches and which command lists it."""

from __future__ import annotations

from tests.diff.gitrepo import GitRepo
from tests.helpers import service


def test_each_changed_service_gets_an_impact_line(repo: GitRepo) -> None:
    # base: web -> api -> ledger (hard), api -> cache (soft); tiers web 1, api 2, ledger 1, cache 3
    repo.commit(
        "touch ledger and cache",
        {
            "catalog/services/ledger.yaml": service("ledger", tier=2, extra="sla: gold\n"),
            "catalog/services/cache.yaml": service("cache", tier=4),
        },
    )
    result = repo.itsm("diff", "--format", "markdown", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if " impact: " in line]
    assert lines == [
        "- `cache` impact: 2 dependents, highest tier 1; run `itsm impact cache`",
        "- `ledger` impact: 2 dependents, highest tier 1; run `itsm impact ledger`",
    ]


def test_a_leaf_service_has_no_dependents(repo: GitRepo) -> None:
    repo.commit("touch web", {"catalog/services/web.yaml": service("web", tier=2)})
    result = repo.itsm("diff", "--format", "markdown", "HEAD~1", "HEAD")
    lines = [line for line in result.stdout.splitlines() if " impact: " in line]
    assert lines == ["- `web` impact: 0 dependents; run `itsm impact web`"]
