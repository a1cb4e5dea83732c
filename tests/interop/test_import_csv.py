"""``itsm import csv``: spreadsheet rows to Services and Teams; bad rows skipped, located."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from itsmcode.interop.csv_import import plan_rows
from itsmcode.interop.plan import ImportPlan
from itsmcode.load.validate import validate
from tests.helpers import run_cli
from tests.interop.common import empty_repo, files, import_json, lint_json

SERVICENOW = (
    "Name,Owned by,Busines criticality,Operational status,Depends on,Short description,"
    "Service classification\n"
    "Payments API,payments,1 - most critical,live,ledger,Takes card payments,Business Service\n"
    "ledger,payments,3 - less critical,live,,,Technical Service\n"
    "broken,payments,seven,live,,,Technical Service\n"
    "Ledger,payments,2,live,,duplicate of row 3,Technical Service\n"
    "\n"
    "old-shop,payments,4,retired,,,Business Service\n"
)


def test_servicenow_export_with_a_column_map(tmp_path: Path) -> None:
    root = empty_repo(tmp_path / "repo")
    (root / "catalog/teams").mkdir(parents=True)
    (root / "catalog/teams/payments.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Team\nmetadata: {name: payments}\n"
        "spec: {members: [{github: alice}]}\n",
        encoding="utf-8",
    )
    (root / "catalog/slas").mkdir(parents=True)
    sheet = tmp_path / "cmdb.csv"
    sheet.write_text("\ufeff" + SERVICENOW, encoding="utf-8")  # Excel writes a BOM
    args = ["csv", "--kind", "service", str(sheet), "--write"]
    maps = [
        "--map",
        "Owned by=owner",
        "--map",
        "busines criticality=tier",
        "--map",
        "Operational status=lifecycle",
        "--map",
        "depends on=dependsOn",
        "--map",
        "Short description=description",
        "--map",
        "service classification=type",
    ]
    code, report = import_json(root, *args, *maps)
    assert code == 1  # rows were rejected
    src = sheet.as_posix()
    assert [(r["source"], r["field"]) for r in report["rejected"]] == [
        (f"{src}:4", "spec.tier"),
        (f"{src}:5", "name"),
    ]
    assert "row skipped" in report["rejected"][0]["reason"]
    assert report["rejected"][1]["reason"] == "'ledger' is already row 3's; row skipped"
    assert {r["name"]: r["source"] for r in report["written"]} == {
        "payments-api": f"{src}:2",
        "ledger": f"{src}:3",
        "old-shop": f"{src}:7",
    }
    assert report["renamed"] == {f"{src}:2": "payments-api"}
    payments = yaml.safe_load(files(root)["catalog/services/payments-api.yaml"])
    assert payments["metadata"]["description"] == "Takes card payments"
    assert payments["spec"] == {
        "type": "business",
        "lifecycle": "live",
        "tier": 1,
        "owner": "payments",
        "dependsOn": [{"service": "ledger"}],
    }


def test_default_mapping_is_by_field_name_and_unknown_columns_are_reported(
    tmp_path: Path,
) -> None:
    root = empty_repo(tmp_path / "repo")
    sheet = tmp_path / "teams.csv"
    sheet.write_text(
        "NAME;Members;Email;Cost centre\nweb;alice, bob;web@example.com;42\nops;carol;;7\n",
        encoding="utf-8",
    )
    code, report = import_json(root, "csv", "--kind", "team", str(sheet), "--write")
    assert code == 0, report
    assert report["unmapped"] == [
        {
            "source": f"{sheet.as_posix()}:1",
            "field": "Cost centre",
            "reason": "column not mapped to a field (use --map)",
        }
    ]
    web = yaml.safe_load((root / "catalog/teams/web.yaml").read_text(encoding="utf-8"))
    assert web["spec"] == {
        "members": [{"github": "alice"}, {"github": "bob"}],
        "contact": {"email": "web@example.com"},
    }
    assert lint_json(root)[0] == 0
    code, report = import_json(root, "csv", "--kind", "team", str(sheet), "--write")
    assert code == 1 and [s["name"] for s in report["skipped"]] == ["web", "ops"]


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("a,b\n1,2\n", [], "no column maps to 'name'; pass --map COLUMN=name"),
        ("n\nx\n", ["--map", "n=nom"], "--map n=nom: no field 'nom'"),
        ("n\nx\n", ["--map", "m=name"], "--map m=name: no column 'm'"),
        ("n\nx\n", ["--map", "n"], "'n': write COLUMN=FIELD"),
        ('name\n"' + "a" * 200_000 + '"\n', [], "s.csv:2: not a readable CSV file: field larger"),
    ],
)
def test_usage_problems_exit_2_with_one_line(
    tmp_path: Path, text: str, args: list[str], message: str
) -> None:
    root = empty_repo(tmp_path / "repo")
    sheet = tmp_path / "s.csv"
    sheet.write_text(text, encoding="utf-8")
    result = run_cli(["import", "csv", "--kind", "team", str(sheet), *args, "--repo", str(root)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    root = empty_repo(tmp_path / "repo")
    sheet = tmp_path / "s.csv"
    sheet.write_bytes("name\nM\xfcller\n".encode("latin-1"))
    result = run_cli(["import", "csv", "--kind", "team", str(sheet), "--repo", str(root)])
    assert result.exit_code == 2
    assert "not UTF-8 (byte 6); export the sheet as CSV UTF-8" in result.output


_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=8))
# Found by Hypothesis: a cell holding '",' once ran, with the quoting guessed from the
# header, into the next row, which was then neither imported nor rejected.
@example([("", "", '",'), ("0", "", "")])
def test_every_row_is_imported_or_rejected_with_its_line(rows: list[tuple[str, str, str]]) -> None:
    """Whatever the cells, no exception; each row with a name is either planned (and
    valid for the loader) or rejected, located at the line a spreadsheet shows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "members", "parent"])
    writer.writerows(rows)
    plan = ImportPlan()
    assert plan_rows(buffer.getvalue(), "t.csv", "team", {}, plan) == []
    planned = {p.source for p in plan.entities}
    rejected = {r.source for r in plan.rejected}
    assert planned.isdisjoint(rejected)
    for line, (name, _, _) in enumerate(rows, start=2):
        if name.strip():
            assert (f"t.csv:{line}" in planned) != (f"t.csv:{line}" in rejected)
    for p in plan.entities:
        assert validate(p.data)[1] == []
