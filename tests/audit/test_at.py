"""``itsm lint --at REF`` and date resolution along the first parent (``--at DATE``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from itsmcode.audit.at import catalog_at, resolve_at
from tests.audit.scripted import History, base_files, service

BROKEN = "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: cache}\nspec: {tier: 9}\n"


def test_lint_at_a_past_commit(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial", dict(base_files()))
    h.commit("break cache", {"catalog/services/cache.yaml": BROKEN})
    broken = h.itsm("lint", "--at", "HEAD", "--format", "json")
    assert broken.exit_code == 1
    assert "catalog/services/cache.yaml" in broken.stdout
    h.commit("fix cache", {"catalog/services/cache.yaml": service("cache")})
    assert h.itsm("lint", "--at", "HEAD~1").exit_code == 1
    fine = h.itsm("lint", "--at", "HEAD~2")
    assert fine.exit_code == 0, fine.output
    missing = h.itsm("lint", "--at", "no-such-ref")
    assert missing.exit_code == 2 and "unknown revision 'no-such-ref'" in missing.stderr


def test_date_resolves_along_the_first_parent(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    first = h.commit("initial", dict(base_files()))
    # A pull request whose commit is written on day 2 but merged only on day 4.
    h.tick(24)
    merged = h.pull_request(
        1, "alice", {"catalog/services/cache.yaml": service("cache", 2)}, hours=48
    )
    day3 = (h.clock - timedelta(hours=20)).date().isoformat()
    # On day 3 the branch still held only the initial commit (not the PR's own commit).
    assert resolve_at(h.root, day3) == first
    assert resolve_at(h.root, h.clock.date().isoformat()) == merged.merge
    catalog, commit = catalog_at(h.root, day3, None)
    cache = catalog.service("cache")
    assert commit == first and cache is not None and cache.spec.tier == 3
    shown = h.itsm("show", "service", "cache", "--at", day3, "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert f"({first[:12]})" in shown.stdout and '"tier": 3' in shown.stdout
    early = h.itsm("lint", "--at", "2000-01-01")
    assert early.exit_code == 2
    assert "no commit at or before 2000-01-01 on the first-parent line of HEAD" in early.stderr
