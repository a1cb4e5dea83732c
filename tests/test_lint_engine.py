"""The lint engine: configuration, suppressions, path selection, root discovery."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import CONFIG, found, lint_repo, run_cli, service, write_repo

BROKEN_REF = service("api", owner="nobody")


def config_with(lint_section: str) -> str:
    return CONFIG + "  lint:\n" + "".join(f"    {line}\n" for line in lint_section.splitlines())


def test_severity_override_turns_error_into_warning_and_exit_zero(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"catalog/services/api.yaml": BROKEN_REF},
        config=config_with("rules: {ref-exists: warning}"),
    )
    result = run_cli(["lint", "--format", "json"], cwd=tmp_path)
    payload = json.loads(result.output)
    assert result.exit_code == 0
    assert [(d["rule"], d["severity"]) for d in payload["diagnostics"]] == [
        ("ref-exists", "warning")
    ]
    assert run_cli(["lint", "--strict"], cwd=tmp_path).exit_code == 1


def test_rule_turned_off(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"catalog/services/api.yaml": BROKEN_REF},
        config=config_with("rules: {ref-exists: off}"),
    )
    assert found(lint_repo(tmp_path)) == []


def test_unknown_rule_in_config_is_a_configuration_error(tmp_path: Path) -> None:
    write_repo(tmp_path, {}, config=config_with("rules: {ref-exist: off}"))
    result = run_cli(["lint"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown rule 'ref-exist' (did you mean 'ref-exists'?)" in result.output


def test_ignore_globs_drop_diagnostics_but_keep_entities(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/legacy-billing.yaml": service("legacy-billing", owner="gone"),
            "catalog/services/api.yaml": service(
                "api", extra="dependsOn: [{service: legacy-billing}]\n"
            ),
        },
        config=config_with('ignore: ["catalog/services/legacy-*.yaml"]'),
    )
    assert found(lint_repo(tmp_path)) == []


def test_inline_suppression_same_line_previous_line_and_file(tmp_path: Path) -> None:
    same_line = service("a", owner="nobody  # itsm: disable=ref-exists")
    previous_line = service("b").replace(
        "  owner: payments\n", "  # itsm: disable=ref-exists\n  owner: nobody\n"
    )
    whole_file = "# itsm: disable-file=ref-exists\n" + service("c", owner="nobody")
    other_rule = service("d", owner="nobody  # itsm: disable=unique-names")
    write_repo(
        tmp_path,
        {
            "catalog/services/a.yaml": same_line,
            "catalog/services/b.yaml": previous_line,
            "catalog/services/c.yaml": whole_file,
            "catalog/services/d.yaml": other_rule,
        },
    )
    assert found(lint_repo(tmp_path)) == [("catalog/services/d.yaml", 8, 10, "ref-exists")]


def test_broken_config_is_exit_2_with_location(tmp_path: Path) -> None:
    write_repo(tmp_path, {}, config=CONFIG.replace("practices:", "practises:"))
    result = run_cli(["lint"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "itsm.yaml:6:3: [schema] unknown field 'spec.practises' (did you mean 'practices'?)" in (
        result.output
    )


def test_root_is_found_from_a_subdirectory_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": BROKEN_REF})
    result = run_cli(
        ["lint", "--format", "json", "api.yaml"], cwd=tmp_path / "catalog" / "services"
    )
    payload = json.loads(result.output)
    assert result.exit_code == 1
    assert [d["path"] for d in payload["diagnostics"]] == ["catalog/services/api.yaml"]
    assert payload["summary"]["files"] == 1


def test_named_directory_narrows_the_report(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": BROKEN_REF})
    assert run_cli(["lint", "catalog/teams"], cwd=tmp_path).exit_code == 0
    assert run_cli(["lint", "catalog"], cwd=tmp_path).exit_code == 1


def test_no_config_anywhere_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(["lint"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "no itsm.yaml in this directory or any parent" in result.output
    result = run_cli(["lint", "--repo", str(tmp_path / "missing")], cwd=tmp_path)
    assert result.exit_code == 2


def test_disabled_practice_folders_are_not_scanned(tmp_path: Path) -> None:
    config = CONFIG.replace("[catalog, sla, change, incident, problem]", "[catalog]")
    write_repo(tmp_path, {"incidents/2026/broken.yaml": "not: [valid"}, config=config)
    assert found(lint_repo(tmp_path)) == []


def test_missing_path_argument_is_a_usage_error(tmp_path: Path) -> None:
    write_repo(tmp_path, {})
    result = run_cli(["lint", "catalog/services/nothere.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "no such file or directory: catalog/services/nothere.yaml" in result.output


def test_invalid_kind_or_name_is_reported_once_not_by_every_rule(tmp_path: Path) -> None:
    typo_kind = service("typo").replace("kind: Service", "kind: Servce")
    huge_name = service("x").replace("{name: x}", "{name: " + "a" * 100_000 + "}")
    write_repo(
        tmp_path, {"catalog/services/typo.yaml": typo_kind, "catalog/services/x.yaml": huge_name}
    )
    result = lint_repo(tmp_path)
    assert found(result) == [
        ("catalog/services/typo.yaml", 2, 7, "schema"),
        ("catalog/services/x.yaml", 3, 18, "schema"),
    ]
    assert max(len(d.message) for d in result.diagnostics) < 300


def test_named_yaml_that_is_not_an_itsm_entity_is_not_linted(tmp_path: Path) -> None:
    # pre-commit passes every changed *.yaml, CI workflows included.
    write_repo(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
            "docs/mkdocs.yml": "site_name: x\n",
            "misc/api.yaml": service("api"),
        },
    )
    result = run_cli(
        ["lint", "--format", "json", ".github/workflows/ci.yml", "docs/mkdocs.yml"], cwd=tmp_path
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]["files"] == 0
    # A real entity outside the kinds' folders is still linted, also via its directory.
    result = run_cli(["lint", "--format", "json", "misc"], cwd=tmp_path)
    assert result.exit_code == 1
    assert [(d["path"], d["rule"]) for d in json.loads(result.output)["diagnostics"]] == [
        ("misc/api.yaml", "unknown-location")
    ]


def test_suppression_takes_a_reason_and_all(tmp_path: Path) -> None:
    with_reason = service("a", owner="nobody  # itsm: disable=ref-exists -- team being migrated")
    whole_file = "# itsm: disable-file=all\n" + service("b", owner="nobody")
    write_repo(
        tmp_path, {"catalog/services/a.yaml": with_reason, "catalog/services/b.yaml": whole_file}
    )
    assert found(lint_repo(tmp_path)) == []


def test_load_checks_cannot_be_turned_off(tmp_path: Path) -> None:
    write_repo(tmp_path, {}, config=config_with("rules: {schema: off}"))
    result = run_cli(["lint"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "cannot turn off 'schema'" in result.output
