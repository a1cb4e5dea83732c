"""The published JSON Schemas (docs/report-schemas/) accept what the real CLI prints, and
reject what it must never print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.reports import test_report_problems, test_report_sla
from tests.reports.planted import make_repo, report_json

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "report-schemas"


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"report-{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def planted_files() -> dict[str, str]:
    files = {f"incidents/2026/{n}.yaml": t for n, t in test_report_sla.INCIDENTS.items()}
    files.update(test_report_problems.FILES)
    return files


@pytest.mark.parametrize("name", ["sla", "changes", "problems"])
def test_cli_output_matches_the_schema(tmp_path: Path, name: str) -> None:
    make_repo(tmp_path, planted_files())
    data = report_json(tmp_path, name, "--since", "2026-10-01", "--until", "2026-12-02")
    assert data["findings"] or name == "changes"
    jsonschema.validate(data, schema(name))


def test_the_schema_rejects_a_wrong_shape(tmp_path: Path) -> None:
    make_repo(tmp_path, planted_files())
    data = report_json(tmp_path, "sla", "--since", "2026-10-01", "--until", "2026-12-02")
    data["measurements"][0]["response"]["elapsedSeconds"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("sla"))
    data = report_json(tmp_path, "sla", "--since", "2026-10-01", "--until", "2026-12-02")
    data["findings"][0]["type"] = "recurring-incidents"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("sla"))
