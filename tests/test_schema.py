"""JSON Schemas: generation, ``itsm schema export|check``, and agreement with the loader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from itsmcode.models import MODELS
from itsmcode.models import jsonschema as schema
from tests.helpers import lint_repo, run_cli, service, write_repo

PROJECT = Path(__file__).resolve().parents[1]
KIND_FILES = [
    "config.schema.json",
    "team.schema.json",
    "service.schema.json",
    "sla.schema.json",
    "calendar.schema.json",
    "changerequest.schema.json",
    "standardchange.schema.json",
    "approvalpolicy.schema.json",
    "incident.schema.json",
    "problem.schema.json",
    "scorecard.schema.json",
    "cabminutes.schema.json",
]

CHANGE = """\
apiVersion: itsmcode/v1
kind: ChangeRequest
metadata: {name: chg-2026-0042, title: Rotate TLS certificates}
spec:
  type: normal
  services: [payments-api]
  requester: alice
  risk: medium
  window: {start: 2026-12-02T22:00:00+01:00, end: "2026-12-02 23:30:00Z"}
  plan: {backout: Re-deploy the previous bundle.}
  status: completed
  outcome: {finishedAt: "2026-12-02T23:05:00+01:00", incidents: []}
  review: {summary: Went fine., reviewedAt: 2026-12-04}
"""


def check_jsonschema(schema_file: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    """Run the real check-jsonschema CLI, as an editor hook or CI job would."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(schema_file),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schemas")
    schema.export(out)
    return out


def combined_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema.combined_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# --- the committed files --------------------------------------------------------------


def test_committed_schemas_are_fresh() -> None:
    # The drift test: fails when a model changed without 'itsm schema export'.
    result = run_cli(["schema", "check", "--dir", str(PROJECT / "schemas")])
    assert result.exit_code == 0, result.output
    assert "is up to date (13 files)" in result.output


def test_one_file_per_kind_and_a_combined_one() -> None:
    assert list(schema.generate()) == [*KIND_FILES, "itsmcode.schema.json"]
    assert [schema.file_name(kind) for kind in MODELS] == KIND_FILES


@pytest.mark.parametrize("name", [*KIND_FILES, "itsmcode.schema.json"])
def test_every_file_is_a_valid_2020_12_schema_with_identity(name: str) -> None:
    text = schema.generate()[name]
    document = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"urn:itsmcode:schema:v1:{name.removesuffix('.schema.json')}"
    assert document["title"] and document["description"]
    assert text.endswith("}\n") and text == schema.render(document)  # sorted, stable


def test_output_is_deterministic() -> None:
    assert schema.generate() == schema.generate()


def test_every_object_forbids_unknown_fields() -> None:
    defs = schema.combined_schema()["$defs"]
    objects = {name: d for name, d in defs.items() if "properties" in d}
    assert len(objects) > 40
    open_objects = {n for n, d in objects.items() if d.get("additionalProperties") is not False}
    assert open_objects == set()


def test_field_names_are_the_yaml_ones_and_defaults_are_shown() -> None:
    defs = schema.combined_schema()["$defs"]
    assert "dependsOn" in defs["ServiceSpec"]["properties"]
    assert set(defs["Targets"]["properties"]) == {"P1", "P2", "P3", "P4"}
    assert defs["StandardChangeSpec"]["properties"]["tiers"]["default"] == [1, 2, 3, 4]
    assert defs["PolicyFreeze"]["properties"]["exemptTypes"]["default"] == ["emergency"]
    assert defs["Availability"]["properties"]["window"]["default"] == "30d"
    # The two Freeze models get readable names, not pydantic's module paths.
    assert "CalendarFreeze" in defs and not any("__" in name for name in defs)


# --- itsm schema export / check --------------------------------------------------------


def test_export_then_check(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = run_cli(["schema", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*KIND_FILES, "itsmcode.schema.json"])
    assert "created" in result.output
    again = run_cli(["schema", "export", "--out", str(out)])
    assert again.exit_code == 0 and "is up to date" in again.output
    assert run_cli(["schema", "check", "--dir", str(out)]).exit_code == 0


def test_check_lists_stale_missing_and_extra_files(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    schema.export(out)
    (out / "service.schema.json").write_text("{}\n", encoding="utf-8")
    (out / "problem.schema.json").unlink()
    (out / "widget.schema.json").write_text("{}\n", encoding="utf-8")
    (out / "README.md").write_text("notes\n", encoding="utf-8")
    result = run_cli(["schema", "check", "--dir", str(out)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"stale: {out.as_posix()}/service.schema.json" in lines
    assert f"missing: {out.as_posix()}/problem.schema.json" in lines
    assert f"extra: {out.as_posix()}/widget.schema.json" in lines
    assert not any("README" in line for line in lines)
    assert f"run 'itsm schema export --out {out.as_posix()}' to regenerate it" in result.output

    fixed = run_cli(["schema", "export", "--out", str(out)])
    assert fixed.exit_code == 0
    assert "removed" in fixed.output and "updated" in fixed.output
    assert run_cli(["schema", "check", "--dir", str(out)]).exit_code == 0
    assert (out / "README.md").read_text(encoding="utf-8") == "notes\n"  # not ours: kept


def test_default_directory_is_schemas_at_the_repository_root(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {})
    (root / "catalog").mkdir(exist_ok=True)
    missing = run_cli(["schema", "check"], cwd=root / "catalog")
    assert missing.exit_code == 1 and "missing: " in missing.output
    assert run_cli(["schema", "export"], cwd=root / "catalog").exit_code == 0
    assert (root / "schemas" / "itsmcode.schema.json").is_file()
    assert run_cli(["schema", "check", "--repo", str(root)]).exit_code == 0


def test_an_unwritable_directory_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "schemas"
    blocker.mkdir()
    (blocker / "service.schema.json").mkdir()  # a folder where a file must go
    result = run_cli(["schema", "export", "--out", str(blocker)])
    assert result.exit_code == 2
    assert f"itsm: error: cannot write {blocker.as_posix()}/" in result.output
    assert "internal error" not in result.output


def test_without_a_repository_a_directory_must_be_given(tmp_path: Path) -> None:
    result = run_cli(["schema", "export"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "--out" in result.output
    assert not (tmp_path / "schemas").exists()


# --- agreement with check-jsonschema and with the loader ------------------------------


def test_check_jsonschema_accepts_good_files(exported: Path, tmp_path: Path) -> None:
    service_file = service(
        "payments-api", extra="dependsOn: [{service: ledger}]\nreviewBy: 2027-03-01\n"
    )
    files = write_repo(
        tmp_path,
        {
            "catalog/services/payments-api.yaml": service_file,
            "changes/2026/chg-2026-0042.yaml": CHANGE,
        },
    )
    paths = [
        files / "catalog/services/payments-api.yaml",
        files / "changes/2026/chg-2026-0042.yaml",
        files / "itsm.yaml",
        files / "catalog/teams/payments.yaml",
    ]
    result = check_jsonschema(exported / "itsmcode.schema.json", *paths)
    assert result.returncode == 0, result.stdout + result.stderr
    per_kind = check_jsonschema(exported / "changerequest.schema.json", paths[1])
    assert per_kind.returncode == 0, per_kind.stdout + per_kind.stderr


def test_check_jsonschema_rejects_an_unknown_field(exported: Path, tmp_path: Path) -> None:
    bad = tmp_path / "payments-api.yaml"
    bad.write_text(service("payments-api").replace("tier:", "teir:"), encoding="utf-8")
    result = check_jsonschema(exported / "itsmcode.schema.json", bad)
    assert result.returncode == 1
    assert "$.spec: Additional properties are not allowed ('teir' was unexpected)" in result.stdout


def test_check_jsonschema_rejects_an_unknown_kind(exported: Path, tmp_path: Path) -> None:
    bad = tmp_path / "payments-api.yaml"
    bad.write_text(service("payments-api").replace("kind: Service", "kind: Servce"), "utf-8")
    result = check_jsonschema(exported / "itsmcode.schema.json", bad)
    assert result.returncode == 1
    assert "$.kind: 'Servce' is not one of ['Config', 'Team', 'Service'" in result.stdout


def test_check_jsonschema_rejects_a_kind_mismatch_against_a_kind_schema(
    exported: Path, tmp_path: Path
) -> None:
    change = tmp_path / "chg.yaml"
    change.write_text(CHANGE, encoding="utf-8")
    result = check_jsonschema(exported / "service.schema.json", change)
    assert result.returncode == 1
    assert "$.kind: 'Service' was expected" in result.stdout


def test_check_jsonschema_validates_the_example_repository(exported: Path) -> None:
    files = [PROJECT / "itsm.yaml"] if (PROJECT / "itsm.yaml").is_file() else []
    # Entity folders only: processes/policy-tests/ holds scenarios, which are not entities.
    for folder in ("catalog", "changes", "processes/standard-changes"):
        files += sorted((PROJECT / folder).rglob("*.yaml"))
    files += [PROJECT / "processes" / "approval-policy.yaml"]
    if not files:
        pytest.skip("the example repository is not in this tree")
    result = check_jsonschema(exported / "itsmcode.schema.json", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def _load(text: str) -> Any:
    # Every value in the cases below is quoted, so YAML 1.1 and 1.2 read them alike.
    return yaml.safe_load(text)


#: kind -> (file, the start of a valid file whose ``spec`` the case's snippet completes)
BODIES = {
    "change": (
        "changes/c.yaml",
        "kind: ChangeRequest\nmetadata: {name: c}\nspec:\n"
        "  type: normal\n  services: [payments-api]\n  requester: alice\n  risk: low\n",
    ),
    "sla": ("catalog/slas/s.yaml", "kind: SLA\nmetadata: {name: s}\nspec:\n"),
    "problem": (
        "problems/p.yaml",
        "kind: Problem\nmetadata: {name: p}\nspec:\n  services: [payments-api]\n",
    ),
}
START, END = "2026-12-02T22:00:00+01:00", "2026-12-02T23:00:00Z"


@pytest.mark.parametrize(
    ("kind", "snippet", "valid"),
    [
        ("change", f'window: {{start: "{START}", end: "{END}"}}', True),
        ("change", 'window: {start: "2026-12-02 22:00:00+01:00", end: "2026-12-02t23:00z"}', True),
        ("change", f'window: {{start: "2026-12-02T22:00:00", end: "{END}"}}', False),
        ("change", f'window: {{start: "2026-12-02T25:00:00Z", end: "{END}"}}', False),
        ("sla", "availability: {target: 99.9, window: 4w}", True),
        ("sla", "availability: {target: 99.9, window: 4 weeks}", False),
        ("sla", "availability: {target: 100}", False),
        ("problem", "status: risk-accepted\nreviewBy: '2027-01-15'", True),
        ("problem", "status: risk-accepted", False),
        ("problem", "reviewBy: '2027-02-30'", False),
    ],
)
def test_schema_and_loader_agree(tmp_path: Path, kind: str, snippet: str, valid: bool) -> None:
    # The schema must accept what lint accepts and refuse what it refuses, or editors
    # and check-jsonschema would contradict 'itsm lint'.
    path, body = BODIES[kind]
    text = "apiVersion: itsmcode/v1\n" + body + "".join(f"  {x}\n" for x in snippet.splitlines())
    root = write_repo(
        tmp_path, {path: text, "catalog/services/payments-api.yaml": service("payments-api")}
    )
    schema_errors = list(combined_validator().iter_errors(_load(text)))
    loader_errors = [d for d in lint_repo(root).diagnostics if d.rule == "schema"]
    assert (not schema_errors) is valid, schema_errors
    assert (not loader_errors) is valid, loader_errors


def test_a_modeline_is_just_a_comment_to_lint(tmp_path: Path) -> None:
    modeline = "# yaml-language-server: $schema=../../schemas/service.schema.json\n"
    root = write_repo(
        tmp_path, {"catalog/services/payments-api.yaml": modeline + service("payments-api")}
    )
    assert lint_repo(root).diagnostics == []
