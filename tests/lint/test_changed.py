"""`itsm lint --changed`: the changed files and every file whose diagnostics they can
change, each as a full lint reports it, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.diff.gitrepo import GitRepo
from tests.helpers import CONFIG, TEAM, change_request, service

NOW = "2026-11-24T12:00:00+0000"
STORE = TEAM.replace("payments", "store").replace("alice", "carol").replace("bob", "dave")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo").init()
    repo.commit(
        "base",
        {
            "itsm.yaml": CONFIG,
            "catalog/teams/payments.yaml": TEAM,
            "catalog/teams/store.yaml": STORE,
            "catalog/services/api.yaml": service("api"),
            "catalog/services/web.yaml": service(
                "web", owner="store", extra="dependsOn:\n  - {service: api, type: hard}\n"
            ),
            "catalog/services/lone.yaml": service("lone", owner="store"),
            "changes/2026/chg-1.yaml": change_request("chg-1", services="[web]"),
            "changes/2026/chg-2.yaml": change_request(
                "chg-2",
                services="[lone]",
                start="2026-12-02T22:30:00+01:00",
                end="2026-12-02T23:00:00+01:00",
            ),
        },
    )
    return repo


def changed(repo: GitRepo, *args: str) -> tuple[int, dict[str, list[str]], int]:
    result = repo.itsm("lint", "--changed", *args, "--format", "json", "--now", NOW)
    data = json.loads(result.stdout)
    by_file: dict[str, list[str]] = {}
    for d in data["diagnostics"]:
        by_file.setdefault(d["path"], []).append(d["rule"])
    return result.exit_code, by_file, data["summary"]["files"]


def full(repo: GitRepo) -> dict[str, list[str]]:
    data = json.loads(repo.itsm("lint", "--format", "json", "--now", NOW).stdout)
    by_file: dict[str, list[str]] = {}
    for d in data["diagnostics"]:
        by_file.setdefault(d["path"], []).append(d["rule"])
    return by_file


def test_nothing_changed_reports_nothing(repo: GitRepo) -> None:
    code, by_file, files = changed(repo)
    assert (code, by_file, files) == (0, {}, 0)


def test_deleting_a_team_reports_every_service_that_names_it(repo: GitRepo) -> None:
    repo.delete("catalog/teams/payments.yaml")
    code, by_file, _ = changed(repo)
    assert code == 1
    assert by_file == {
        "catalog/services/api.yaml": ["ref-exists"],
        # alice requested both changes, and was a member of payments only
        "changes/2026/chg-1.yaml": ["requester-is-member"],
        "changes/2026/chg-2.yaml": ["requester-is-member"],
    }
    assert by_file == full(repo)


def test_an_edit_reaches_dependents_and_changes_near_them(repo: GitRepo) -> None:
    repo.write({"catalog/services/api.yaml": service("api", owner="nobody")})
    code, by_file, files = changed(repo)
    assert code == 1 and by_file == {"catalog/services/api.yaml": ["ref-exists"]}
    assert files == 3  # api; web, which depends on it; chg-1, on web (chg-2 is on lone)
    whole = full(repo)
    assert {p: r for p, r in whole.items() if p in by_file} == by_file


def test_untracked_files_count_and_an_unrelated_broken_file_does_not(repo: GitRepo) -> None:
    repo.write({"catalog/services/old.yaml": service("old", owner="ghost")})
    repo.commit("an old problem, not this change's")
    repo.write({"catalog/services/new.yaml": service("new", owner="ghosts")})
    code, by_file, _ = changed(repo, "HEAD")
    assert code == 1 and by_file == {"catalog/services/new.yaml": ["ref-exists"]}
    assert "catalog/services/old.yaml" in full(repo)


def test_overlapping_window_on_a_dependency_is_reported_on_both_changes(repo: GitRepo) -> None:
    repo.write(
        {
            "changes/2026/chg-3.yaml": change_request(
                "chg-3", services="[api]", start="2026-12-02T22:15:00+01:00"
            )
        }
    )
    _, by_file, _ = changed(repo)
    assert set(by_file) == {"changes/2026/chg-1.yaml", "changes/2026/chg-3.yaml"}
    assert {p: r for p, r in full(repo).items() if p in by_file} == by_file


def test_changed_refuses_paths_and_unknown_refs(repo: GitRepo) -> None:
    both = repo.itsm("lint", "--changed", "--", "catalog")
    assert both.exit_code == 2 and "--changed chooses the files itself" in both.stderr
    unknown = repo.itsm("lint", "--changed", "nope")
    assert unknown.exit_code == 2 and "unknown revision 'nope'" in unknown.stderr


WINDOWS = (
    "maintenanceWindows:\n"
    '  - {name: sundays, rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=3", duration: 1h}\n'
)
BINDING_POLICY = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {name: approval-policy}
spec:
  maintenance: {exemptTypes: [EXEMPT]}
  rules:
    - name: governance
      when: {paths: [".github/**", "processes/**", "itsm.yaml"]}
      require: {teams: [payments], count: 2}
"""


def test_new_maintenance_windows_reach_the_changes_on_the_service(repo: GitRepo) -> None:
    # chg-2 (Wednesday night, on lone) misses lone's new Sunday window.
    repo.write({"catalog/services/lone.yaml": service("lone", owner="store", extra=WINDOWS)})
    _, by_file, _ = changed(repo)
    assert by_file == {"changes/2026/chg-2.yaml": ["change-outside-maintenance-window"]}
    assert by_file == full(repo)


def test_a_policy_that_binds_more_types_reaches_every_change(repo: GitRepo) -> None:
    policy = "processes/approval-policy.yaml"
    repo.commit(
        "windows that bind nothing yet",
        {
            "catalog/services/lone.yaml": service("lone", owner="store", extra=WINDOWS),
            policy: BINDING_POLICY.replace("EXEMPT", "normal, standard, emergency"),
        },
    )
    repo.write({policy: BINDING_POLICY.replace("EXEMPT", "emergency")})
    _, by_file, _ = changed(repo, "HEAD")
    assert by_file == {"changes/2026/chg-2.yaml": ["change-outside-maintenance-window"]}
    assert by_file == full(repo)
