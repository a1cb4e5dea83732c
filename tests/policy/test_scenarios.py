"""``itsm policy test``: the example repository's scenarios pass, a wrong expectation
fails with exit 1, a broken scenario file is exit 2 with its location."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import run_cli
from tests.policy.prrepo import PRRepo

PROJECT = Path(__file__).resolve().parents[2]


def example_copy(tmp_path: Path) -> Path:
    """The example ITSM repository (the project root's itsm.yaml and folders)."""
    target = tmp_path / "example"
    target.mkdir()
    shutil.copy2(PROJECT / "itsm.yaml", target / "itsm.yaml")
    for folder in ("catalog", "changes", "processes"):
        shutil.copytree(PROJECT / folder, target / folder)
    return target


def test_example_repository_scenarios_pass(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    result = run_cli(["policy", "test", "--repo", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(", 0 failed")
    assert result.output.count("ok   ") >= 15


def test_wrong_expectation_fails_with_exit_1(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text("""\
now: "2026-11-24T10:00:00+01:00"
scenarios:
  - name: owner approval alone passes a tier-1 edit (it does not)
    author: chen-wei
    change:
      set:
        catalog/services/payments-api.yaml: {metadata.description: edited}
    reviews:
      - {user: bob-nguyen}
    expect:
      approved: true
      rules: {owners: satisfied, tier-1: satisfied}
""")
    result = run_cli(["policy", "test", "--repo", str(root), str(scenario)])
    assert result.exit_code == 1
    assert "FAIL" in result.output
    assert "approved: expected True, got False" in result.output
    assert "rule tier-1: expected satisfied, got pending (1 approval from team cab)" in (
        result.output
    )
    assert "1 scenario, 1 failed" in result.output


def test_wrong_freeze_and_fail_closed_expectations_fail(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text("""\
scenarios:
  - name: nothing blocked
    author: chen-wei
    now: "2026-12-20T12:00:00+01:00"
    change:
      delete: [changes/2026/chg-2026-0042.yaml]
    expect: {freeze: none, failClosed: true}
""")
    result = run_cli(["policy", "test", "--repo", str(root), str(scenario)])
    assert result.exit_code == 1
    assert "freeze: expected none, got blocked" in result.output
    assert "failClosed: expected True, got False" in result.output


def test_scenario_with_refs_runs_on_the_repository(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"README.md": "x\n"})
    scenario = tmp_path / "refs.yaml"
    scenario.write_text(f"""\
scenarios:
  - name: readme change needs one team member
    author: pat
    refs: {{base: main, head: pr}}
    reviews: [{{user: sven}}]
    expect: {{approved: true, rules: {{defaultRule: satisfied}}}}
  - name: a stale approval does not count
    author: pat
    refs: {{base: main, head: pr}}
    reviews: [{{user: sven, commit: {repo.base}}}]
    expect: {{approved: false}}
""")
    result = run_cli(["policy", "test", "--repo", str(repo.root), str(scenario)])
    assert result.exit_code == 0, result.output
    assert "2 scenarios, 0 failed" in result.output


def test_invalid_scenario_file_is_exit_2_with_location(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "scenarios:\n  - name: x\n    author: a\n    change: {}\n    expect: {aproved: true}\n"
    )
    result = run_cli(["policy", "test", "--repo", str(root), str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:5:" in result.output and "aproved" in result.output


def test_scenario_needs_change_or_refs(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - name: x\n    author: a\n    expect: {approved: true}\n")
    result = run_cli(["policy", "test", "--repo", str(root), str(bad)])
    assert result.exit_code == 2
    assert "give exactly one of 'change' or 'refs'" in result.output


def test_scenario_paths_cannot_escape_the_repository(tmp_path: Path) -> None:
    root = example_copy(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "scenarios:\n  - name: x\n    author: a\n"
        "    change: {write: {../outside.yaml: boom}}\n    expect: {}\n"
    )
    result = run_cli(["policy", "test", "--repo", str(root), str(bad)])
    assert result.exit_code == 2
    assert not (tmp_path / "outside.yaml").exists()


def test_no_scenarios_is_a_usage_error(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    result = run_cli(["policy", "test", "--repo", str(repo.root)])
    assert result.exit_code == 2
    assert "no scenario files" in result.output
