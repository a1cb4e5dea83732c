"""The reports on the example repository (the project root): the quarter's planted
recurrence, breaches and failed changes are found, and the JSON matches the schemas."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from tests.reports.planted import report_json
from tests.reports.test_report_schemas import schema

ROOT = Path(__file__).resolve().parents[2]
QUARTER = ["--since", "2026-09-01", "--until", "2026-12-01"]


def test_problems_surfaces_the_card_network_recurrence() -> None:
    data = report_json(ROOT, "problems", *QUARTER)
    recurring = [f for f in data["findings"] if f["type"] == "recurring-incidents"]
    assert len(recurring) == 1
    entities = recurring[0]["entities"]
    assert entities[0] == {"kind": "Service", "name": "payments-api"}
    assert len(entities) >= 4
    assert recurring[0]["suggestion"].startswith(
        "itsm new problem prb-payments-api-vendor --from-incidents inc-2026-0118,"
    )


def test_sla_finds_breaches_and_the_availability_breach() -> None:
    data = report_json(ROOT, "sla", *QUARTER)
    types = {f["type"] for f in data["findings"]}
    assert types == {"sla-breach", "availability-breach"}
    assert len(data["measurements"]) >= 55
    assert any(m["open"] for m in data["measurements"])


def test_changes_counts_the_changes_that_caused_incidents() -> None:
    data = report_json(ROOT, "changes", *QUARTER)
    failed = {f["change"]: f["reasons"] for f in data["failed"]}
    assert failed["chg-2026-0034"][0] == "status rolled-back"
    assert failed["chg-2026-0034"][1].startswith("caused inc-2026-")


@pytest.mark.parametrize("name", ["sla", "changes", "problems"])
def test_example_output_matches_the_schema(name: str) -> None:
    jsonschema.validate(report_json(ROOT, name, *QUARTER), schema(name))


def test_readme_shows_the_real_output() -> None:
    from tests.helpers import run_cli

    command = "$ itsm report problems --since 2026-09-01 --until 2026-12-01\n"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(command, 1)[1].split("```", 1)[0]
    result = run_cli(["report", "problems", *QUARTER], cwd=ROOT)
    assert result.stdout == shown
