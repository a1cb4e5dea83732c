"""`itsm lint FILE` (the pre-commit hook) judges FILE from the facts of the rest of the
repository and loads only what FILE's diagnostics depend on; what it reports equals
`itsm lint --no-cache FILE` byte for byte, through random edits and every cross-file
dependency a rule has."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.lint.test_cache import example, generate, lint_json

NOW = "2026-11-24T12:00:00+0000"


@pytest.fixture
def scoped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fresh files count as old (no 2 s wait), and each run records whether it was
    answered in scope (True) or loaded the whole tree (False)."""
    from itsmcode.lint import loading, scope

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(loading, "RACY_SECONDS", 0.0)
    answered: list[str] = []
    original = scope.lint_in_scope

    def spy(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        answered.append("scope" if result is not None else "fallback")
        return result

    monkeypatch.setattr(scope, "lint_in_scope", spy)
    yield answered


def same_as_uncached(root: Path, *paths: str) -> str:
    cached = lint_json(root, *paths)
    assert cached == lint_json(root, "--no-cache", *paths)
    return cached[1]


def test_random_edits_judged_in_scope_equal_uncached(tmp_path: Path, scoped: list[str]) -> None:
    root = tmp_path / "corpus"
    generate(root, services=150, changes=60, seed=11, teams=12)
    rng = random.Random(5)
    files = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.yaml")
        if p.name != "itsm.yaml" and "/changes/" not in f"/{p.relative_to(root).as_posix()}"
    )
    edits = [
        lambda t: t.replace("tier: ", "tier: 9", 1),
        lambda t: t.replace("owner: ", "owner: x", 1),
        lambda t: t.replace("sla: ", "sla: x", 1),
        lambda t: t.replace("service: ", "service: x", 1),
        lambda t: t.replace("name: ", "name: x", 1),
        lambda t: t + "  bogus: 1\n",
        lambda t: t.replace("spec:", "spec: [", 1),
        lambda t: t + "# a comment\n",
        lambda t: "",
    ]
    for _ in range(12):
        lint_json(root)  # a full run records every file's facts
        path = rng.choice(files)
        target = root / path
        target.write_text(rng.choice(edits)(target.read_text()))
        same_as_uncached(root, path)
    assert scoped.count("scope") >= 10, scoped


def test_deleting_a_team_reports_the_service_that_names_it(
    tmp_path: Path, scoped: list[str]
) -> None:
    root = example(tmp_path)
    lint_json(root)
    (root / "catalog/teams/payments.yaml").unlink()
    out = same_as_uncached(root, "catalog/services/payments-api.yaml")
    assert "unknown Team 'payments'" in out
    assert scoped == ["scope"]


def test_a_dependency_cycle_through_the_edited_file(tmp_path: Path, scoped: list[str]) -> None:
    root = example(tmp_path)
    lint_json(root)
    # customer-support-portal -> customer-accounts -> postgres-primary, and now back.
    back = root / "catalog/services/postgres-primary.yaml"
    entry = "  dependsOn:\n    - {service: customer-support-portal, type: soft}\n"
    back.write_text(back.read_text().replace("  components:\n", entry + "  components:\n", 1))
    out = same_as_uncached(root, back.relative_to(root).as_posix())
    assert "dependency cycle" in out
    assert scoped == ["scope"]


def test_a_name_taken_by_another_file_is_a_duplicate(tmp_path: Path, scoped: list[str]) -> None:
    root = example(tmp_path)
    lint_json(root)
    target = root / "catalog/services/search.yaml"
    target.write_text(target.read_text().replace("name: search", "name: payments-api", 1))
    out = same_as_uncached(root, "catalog/services/search.yaml")
    assert "also used by catalog/services/payments-api.yaml" in out
    assert scoped == ["scope"]


def test_a_link_only_the_other_side_makes(tmp_path: Path, scoped: list[str]) -> None:
    root = example(tmp_path)
    lint_json(root)
    problem = root / "problems/prb-order-consumer-lag.yaml"  # lists inc-2026-0102
    text = problem.read_text()
    incident = root / "incidents/2026/inc-2026-0102.yaml"
    # The incident stops naming the problem: the problem's listing is now one-sided.
    body = incident.read_text()
    assert f"problem: {problem.stem}" in body
    incident.write_text(body.replace(f"  problem: {problem.stem}\n", "", 1))
    lint_json(root)  # the incident's new facts are recorded
    edited = text + "# reviewed\n"
    problem.write_text(edited)
    out = same_as_uncached(root, problem.relative_to(root).as_posix())
    assert "does not name this problem" in out
    assert scoped == ["scope"]


def test_a_severity_changed_in_itsm_yaml_changes_the_answer(
    tmp_path: Path, scoped: list[str]
) -> None:
    root = example(tmp_path)
    lint_json(root)
    (root / "catalog/teams/payments.yaml").unlink()
    path = "catalog/services/payments-api.yaml"
    assert '"severity": "error"' in same_as_uncached(root, path)
    config = root / "itsm.yaml"
    setting = "    rules: {ref-exists: warning}\n"
    config.write_text(config.read_text().replace("  lint:\n", "  lint:\n" + setting, 1))
    out = same_as_uncached(root, path)
    assert '"severity": "warning"' in out and '"severity": "error"' not in out


def test_a_change_requests_risk_evidence_is_in_its_neighbourhood(
    tmp_path: Path, scoped: list[str]
) -> None:
    """An added incident on the change's service raises its computed risk to high
    (risk-understated); moved out of the 30 days before the window, it no longer counts."""
    root = example(tmp_path)
    lint_json(root)
    change = root / "changes/2026/chg-2026-0039.yaml"  # low; scores 55 of the 60 for high
    path = change.relative_to(root).as_posix()
    before = same_as_uncached(root, path)
    assert "risk-understated" not in before
    (root / "incidents/2026/inc-2026-0900.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Incident\n"
        "metadata:\n  name: inc-2026-0900\n  title: Storefront outage\n"
        "spec:\n  services: [storefront-web]\n  priority: P2\n"
        '  openedAt: "2026-12-01T09:00:00+01:00"\n'
        '  respondedAt: "2026-12-01T09:10:00+01:00"\n'
        '  resolvedAt: "2026-12-01T10:00:00+01:00"\n'
        "  summary: The storefront was down.\n  cause: {category: software}\n"
    )
    after = same_as_uncached(root, path)
    assert "risk-understated" in after
    assert scoped == ["scope"]  # a new file has no recorded facts: a full load
    lint_json(root)
    incident = root / "incidents/2026/inc-2026-0900.yaml"
    incident.write_text(incident.read_text().replace("2026-12-01T", "2026-10-01T"))
    assert "risk-understated" not in same_as_uncached(root, path)
    assert scoped[-1] == "scope"


def test_an_unknown_kind_of_rule_falls_back_to_the_whole_repository(
    tmp_path: Path, scoped: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule written without NEEDS (reading the whole catalog) stays correct."""
    from itsmcode.lint import rules
    from itsmcode.lint.rules import unique_names

    class Legacy:
        ID = unique_names.ID
        SEVERITY = unique_names.SEVERITY
        __doc__ = unique_names.__doc__
        check = staticmethod(unique_names.check)

    monkeypatch.setitem(rules.RULES, unique_names.ID, Legacy)  # type: ignore[arg-type]
    root = example(tmp_path)
    lint_json(root)
    path = "catalog/services/search.yaml"
    (root / path).write_text((root / path).read_text() + "# edited\n")
    same_as_uncached(root, path)
    assert scoped == ["fallback"]


def test_the_cli_reports_the_named_file_only(tmp_path: Path, scoped: list[str]) -> None:
    root = example(tmp_path)
    lint_json(root)
    (root / "catalog/teams/payments.yaml").unlink()
    result = run_cli(["lint", "--now", NOW, "catalog/services/payments-api.yaml"], cwd=root)
    assert result.exit_code == 1
    assert all(
        line.startswith("catalog/services/payments-api.yaml:")
        for line in result.stdout.splitlines()
        if ": error" in line or ": warning" in line
    )


def test_a_workflow_named_beside_a_service_is_judged_in_scope(
    tmp_path: Path, scoped: list[str]
) -> None:
    """The hook names every changed YAML file; files that are no ITSM entity are not."""
    root = example(tmp_path)
    lint_json(root)
    (root / ".github/workflows").mkdir(parents=True, exist_ok=True)
    (root / ".github/workflows/build.yml").write_text("on: push\njobs: {}\n")
    (root / "catalog/teams/payments.yaml").unlink()
    out = same_as_uncached(
        root, "catalog/services/payments-api.yaml", ".github/workflows/build.yml"
    )
    assert "unknown Team 'payments'" in out and '"files": 1' in out
    assert scoped == ["scope"]


def test_a_misplaced_entity_named_by_the_hook(tmp_path: Path, scoped: list[str]) -> None:
    """An ITSM file outside the kinds' folders is told so, and its name still counts."""
    root = example(tmp_path)
    lint_json(root)
    copy = (root / "catalog/services/search.yaml").read_text()
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/search.yaml").write_text(copy)
    out = same_as_uncached(root, "docs/search.yaml", "catalog/services/search.yaml")
    assert "unknown-location" in out and "also used by docs/search.yaml" in out
    assert scoped == ["scope"]


def test_an_alias_path_in_the_tree_loads_everything(tmp_path: Path, scoped: list[str]) -> None:
    root = example(tmp_path)
    lint_json(root)
    (root / "Catalog/services").mkdir(parents=True)
    (root / "Catalog/services/search.yaml").write_text(
        (root / "catalog/services/search.yaml").read_text()
    )
    out = same_as_uncached(root, "catalog/services/search.yaml", "Catalog/services/search.yaml")
    assert '"files": 1' in out
    assert "scope" not in scoped


def test_the_hook_judges_the_paths_once_and_still_sees_a_new_unusual_one(
    tmp_path: Path, scoped: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every path of the repository is judged for unsafe-path once (by the first run on
    a fresh cache, here a scoped one); later hook runs on the same listing skip that, but
    a path added since, colliding by case, is judged and reported as a full run does."""
    from itsmcode.lint import loading

    root = example(tmp_path)
    target = "catalog/services/search.yaml"
    same_as_uncached(root, target)
    judged: list[int] = []
    original = loading.path_problems

    def counting(paths: list[str], places: object) -> object:
        judged.append(len(paths))
        return original(paths, places)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "path_problems", counting)
    text = (root / target).read_text()
    (root / target).write_text(text.replace("title: ", "title: New ", 1))
    assert lint_json(root, target)[0] == 0
    assert judged == [] and scoped[-1] == "scope"
    (root / "catalog/services/Search.yaml").write_text(text)
    out = same_as_uncached(root, target, "catalog/services/Search.yaml")
    assert "unsafe-path" in out and judged
    assert scoped[-1] == "fallback"


@pytest.mark.parametrize("how", ["in place", "replaced"])
def test_another_file_edited_behind_its_stat_is_still_seen(
    tmp_path: Path, scoped: list[str], how: str
) -> None:
    """The hook trusts other files by their stat: a same-size edit of the team FILE names,
    with its mtime put back (`touch -d`), in place or as a new file moved over it, still
    differs in ctime (and inode), so the team's new name is seen."""
    root = example(tmp_path)
    lint_json(root)
    team = root / "catalog/teams/payments.yaml"
    before = team.stat()
    text = team.read_text()
    edited = text.replace("name: payments", "name: paymentz", 1)
    assert edited != text and len(edited) == len(text)
    if how == "in place":
        team.write_text(edited)
        os.utime(team, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:
        fresh = root / "catalog/teams/.payments.tmp"
        fresh.write_text(edited)
        os.utime(fresh, ns=(before.st_atime_ns, before.st_mtime_ns))
        os.replace(fresh, team)
    assert team.stat().st_mtime_ns == before.st_mtime_ns
    out = same_as_uncached(root, "catalog/services/payments-api.yaml")
    assert "unknown Team 'payments'" in out
    assert "scope" not in scoped
