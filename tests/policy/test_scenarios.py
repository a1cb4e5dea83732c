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


def _run_scenario_text(tmp_path: Path, text: str) -> tuple[Path, object]:
    root = example_copy(tmp_path)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text)
    return scenario, run_cli(["policy", "test", "--repo", str(root), str(scenario)])


def test_a_set_that_makes_the_file_invalid_fails_located(tmp_path: Path) -> None:
    # Before: the misspelt field was written, the check ran anyway and this reported ok.
    scenario, result = _run_scenario_text(
        tmp_path,
        """\
now: "2026-11-24T10:00:00+01:00"
scenarios:
  - name: tier typo
    author: chen-wei
    change:
      set:
        catalog/services/payments-api.yaml: {metadata.description: x, spec.teir: 2}
    expect: {approved: false}
""",
    )
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f"FAIL {scenario}: tier typo",
        # Pointing at the offending key of the scenario, with the file's own diagnostic.
        f"     {scenario}:7:71: change.set: catalog/services/payments-api.yaml no longer "
        "loads: 37:3: [schema] unknown field 'spec.teir' (did you mean 'tier'?)",
        "1 scenario, 1 failed",
    ]


def test_written_files_that_do_not_load_fail_each_located(tmp_path: Path) -> None:
    scenario, result = _run_scenario_text(
        tmp_path,
        """\
now: "2026-11-24T10:00:00+01:00"
scenarios:
  - name: broken writes
    author: chen-wei
    change:
      write:
        catalog/services/new.yaml:
          {apiVersion: itsmcode/v1, kind: Service, metadata: {name: new},
           spec: {type: technical, tier: 9, lifecycle: live, owner: payments}}
        catalog/services/raw.yaml: "kind: Service\\nmetadata: {name: raw\\n"
        docs/notes.md: "not an itsm file: not checked"
      rename: {catalog/services/internal-wiki.yaml: catalog/services/wiki.yaml}
    expect: {approved: false}
""",
    )
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"FAIL {scenario}: broken writes"
    assert lines[1].startswith(f"     {scenario}:7:9: change.write: catalog/services/new.yaml ")
    assert "spec.tier: input should be less than or equal to 4" in lines[1]
    assert lines[2].startswith(f"     {scenario}:10:9: change.write: catalog/services/raw.yaml ")
    assert "[yaml-syntax]" in lines[2]
    # The renamed file loads, but its name no longer matches: that is a lint rule, not a
    # load error, so it is left to itsm lint; notes.md is not an ITSM file.
    assert lines[3:] == ["1 scenario, 1 failed"]


def test_a_change_that_breaks_itsm_yaml_fails(tmp_path: Path) -> None:
    scenario, result = _run_scenario_text(
        tmp_path,
        """\
scenarios:
  - name: config typo
    author: chen-wei
    now: "2026-11-24T10:00:00+01:00"
    change:
      set:
        itsm.yaml: {spec.practises: [catalog]}
    expect: {approved: false}
""",
    )
    assert result.exit_code == 1, result.output
    assert f"{scenario}:7:9: change.set: itsm.yaml:" in result.stdout
    assert "unknown field 'spec.practises' (did you mean 'practices'?)" in result.stdout


def test_a_valid_set_still_runs(tmp_path: Path) -> None:
    _, result = _run_scenario_text(
        tmp_path,
        """\
scenarios:
  - name: tier edit
    author: chen-wei
    now: "2026-11-24T10:00:00+01:00"
    change:
      set:
        catalog/services/payments-api.yaml: {spec.tier: 2}
    expect: {approved: false}
""",
    )
    assert result.exit_code == 0, result.output
    assert "no longer loads" not in result.stdout


def test_scenario_file_errors_are_worded_like_every_file(tmp_path: Path) -> None:
    scenario, result = _run_scenario_text(
        tmp_path,
        """\
scenarios:
  - name: x
    author: a
    change: {delete: [x]}
    expect: {aproved: true, failClosd: true}
    reviwes: []
""",
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"itsm: error: {scenario}:5:14: unknown field 'scenarios[0].expect.aproved' "
        "(did you mean 'approved'?) (and 2 more problems)"
    ]


def test_scenario_file_wrong_type_and_missing_field_are_located(tmp_path: Path) -> None:
    scenario, result = _run_scenario_text(
        tmp_path,
        "scenarios:\n  - name: x\n    change: {delete: [x]}\n    expect: {approved: maybe}\n",
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"itsm: error: {scenario}:2:5: missing required field 'scenarios[0].author'"
    ), result.stderr


def test_an_unquoted_comma_in_a_set_value_is_a_located_error(tmp_path: Path) -> None:
    # In flow YAML "{description: Card payments, now with 3DS2.}" is two entries, the
    # second a key "now with 3DS2." that used to be written into the file silently.
    scenario, result = _run_scenario_text(
        tmp_path,
        """\
scenarios:
  - name: comma
    author: chen-wei
    change:
      set:
        catalog/services/payments-api.yaml: {metadata.description: Card payments, now with 3DS2.}
    expect: {approved: false}
""",
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"itsm: error: {scenario}:6:83: set: 'now with 3DS2.'")
    assert "quote a value holding a comma" in result.stderr


def test_removing_a_field_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    _, result = _run_scenario_text(
        tmp_path,
        """\
scenarios:
  - name: remove typo
    author: chen-wei
    now: "2026-11-24T10:00:00+01:00"
    change:
      set:
        catalog/services/payments-api.yaml: {spec.teir: null}
    expect: {approved: false}
""",
    )
    assert result.exit_code == 2
    assert "spec.teir is not in the file; null removes a field that is there" in result.stderr


def test_a_change_naming_a_missing_file_is_located(tmp_path: Path) -> None:
    scenario, result = _run_scenario_text(
        tmp_path,
        """\
scenarios:
  - name: gone
    author: chen-wei
    now: "2026-11-24T10:00:00+01:00"
    change:
      delete: [catalog/services/payments-api.yaml, catalog/services/nope.yaml]
    expect: {approved: false}
""",
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"itsm: error: {scenario}:6:52: change.delete: catalog/services/nope.yaml does not "
        "exist in the repository\n"
    )
