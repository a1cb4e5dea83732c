"""``itsm export backstage|openslo|codeowners``: checked by the other tools' own rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from codeowners import CodeOwners

from tests.helpers import run_cli
from tests.interop.common import BACKSTAGE, empty_repo, import_json, write

NODE_DIR = Path(__file__).parent / "node"
CATALOG_MODEL = "@backstage/catalog-model@1.10.3"

TEAMS = {
    "catalog/teams/payments.yaml": """
    apiVersion: itsmcode/v1
    kind: Team
    metadata: {name: payments, title: Payments}
    spec:
      members: [{github: Alice, name: Alice A, email: alice@example.com}, {github: bob}]
      github: {team: acme/payments-team}
      contact: {email: payments@example.com}
    """,
    "catalog/teams/web.yaml": """
    apiVersion: itsmcode/v1
    kind: Team
    metadata: {name: web}
    spec: {members: [{github: carol}, {github: alice}], parent: payments}
    """,
    "catalog/teams/nobody.yaml": """
    apiVersion: itsmcode/v1
    kind: Team
    metadata: {name: nobody}
    spec: {}
    """,
    "catalog/slas/gold.yaml": """
    apiVersion: itsmcode/v1
    kind: SLA
    metadata: {name: gold}
    spec:
      availability: {target: 99.95, window: 4w}
      targets:
        P1: {response: 15m, resolution: 4h}
    """,
    "catalog/services/checkout.yaml": """
    apiVersion: itsmcode/v1
    kind: Service
    metadata:
      name: checkout
      title: Checkout
      description: Takes the money.
      labels: {domain: shop, "bad label": "x y"}
      links: [{title: Runbook, url: "https://runbooks.example.com/checkout"}]
    spec:
      type: business
      tier: 1
      lifecycle: live
      owner: payments
      sla: gold
      dependsOn: [{service: card-api}]
    """,
    "catalog/services/card-api.yaml": """
    apiVersion: itsmcode/v1
    kind: Service
    metadata: {name: card-api}
    spec: {type: technical, tier: 2, lifecycle: retired, owner: web}
    """,
    "catalog/services/orphan.yaml": """
    apiVersion: itsmcode/v1
    kind: Service
    metadata: {name: orphan}
    spec: {type: technical, tier: 4, lifecycle: planned, owner: nobody}
    """,
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = empty_repo(tmp_path / "repo")
    write(root, TEAMS)
    assert run_cli(["lint", "--repo", str(root)]).exit_code == 0
    return root


def export(root: Path, what: str, *args: str) -> str:
    result = run_cli(["export", what, "--repo", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="session")
def catalog_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Backstage's catalog model package from the npm registry, installed once."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run Backstage's own entity validators")
    prefix = tmp_path_factory.mktemp("npm")
    done = subprocess.run(
        ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", CATALOG_MODEL],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"npm could not install {CATALOG_MODEL}: {done.stderr.strip()[-300:]}")
    return prefix / "node_modules"


def backstage_verdict(node_modules: Path, entities: list[object]) -> tuple[int, str]:
    done = subprocess.run(
        ["node", str(NODE_DIR / "validate-backstage.js")],
        input=json.dumps(entities),
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(node_modules), "PATH": "/usr/bin:/bin:/usr/local/bin"},
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_backstage_export_passes_backstages_own_validators(repo: Path, catalog_model: Path) -> None:
    entities = list(yaml.safe_load_all(export(repo, "backstage")))
    code, output = backstage_verdict(catalog_model, entities)
    assert code == 0, output
    assert output.strip().endswith(f"{len(entities)} entities, 0 refused")
    by_ref = {f"{e['kind']}:{e['metadata']['name']}": e for e in entities}
    assert sorted(by_ref) == [
        "Component:card-api",
        "Component:orphan",
        "Group:nobody",
        "Group:payments",
        "Group:web",
        "System:checkout",
        "User:alice",
        "User:bob",
        "User:carol",
    ]
    checkout = by_ref["System:checkout"]
    assert checkout["spec"] == {
        "owner": "group:default/payments",
        "dependsOn": ["component:default/card-api"],
    }
    assert checkout["metadata"]["labels"] == {"domain": "shop"}  # Backstage refuses the other
    assert by_ref["Component:card-api"]["spec"]["lifecycle"] == "retired"
    assert by_ref["User:alice"]["spec"]["memberOf"] == [
        "group:default/payments",
        "group:default/web",
    ]
    assert by_ref["User:alice"]["metadata"]["annotations"] == {"github.com/user-login": "Alice"}
    assert by_ref["Group:payments"]["spec"]["children"] == ["group:default/web"]


def test_the_validators_do_refuse_a_broken_entity(catalog_model: Path) -> None:
    """The check above can fail: Backstage's validators refuse what is wrong."""
    broken = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "a b"},
        "spec": {"type": "service", "owner": "x"},
    }
    code, output = backstage_verdict(catalog_model, [broken])
    assert code == 1 and '"metadata.name" is not valid' in output


def test_backstage_round_trip_keeps_what_itsmcode_knows(repo: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export" / "catalog-info.yaml"
    export(repo, "backstage", "--out", str(exported))
    again = empty_repo(tmp_path / "again")
    code, report = import_json(again, "backstage", str(exported), "--write")
    assert code == 0, report
    assert report["decisions"] == []  # tier and lifecycle came back from the annotations
    for path in ("catalog/services/checkout.yaml", "catalog/services/card-api.yaml"):
        before = yaml.safe_load((repo / path).read_text(encoding="utf-8"))["spec"]
        after = yaml.safe_load((again / path).read_text(encoding="utf-8"))["spec"]
        before.pop("sla", None)  # SLAs are not Backstage's business
        assert after == before
    team = yaml.safe_load((again / "catalog/teams/payments.yaml").read_text(encoding="utf-8"))
    assert [m["github"] for m in team["spec"]["members"]] == ["Alice", "bob"]


def test_check_says_whether_the_committed_export_is_current(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "CODEOWNERS"
    for what in ("backstage", "openslo", "codeowners"):
        target = tmp_path / f"{what}.out"
        result = run_cli(["export", what, "--repo", str(repo), "--out", str(target), "--check"])
        assert (result.exit_code, result.output) == (
            1,
            f"{target}: missing; regenerate it with the same command without --check\n",
        )
        export(repo, what, "--out", str(target))
        result = run_cli(["export", what, "--repo", str(repo), "--out", str(target), "--check"])
        assert result.exit_code == 0, result.output
    export(repo, "codeowners", "--out", str(out))
    (repo / "catalog/teams/web.yaml").write_text(
        TEAMS["catalog/teams/web.yaml"].replace("carol", "dave"), encoding="utf-8"
    )
    result = run_cli(["export", "codeowners", "--repo", str(repo), "--out", str(out), "--check"])
    assert (result.exit_code, result.output.split(":")[-1].strip()) == (
        1,
        "stale; regenerate it with the same command without --check",
    )
    result = run_cli(["export", "codeowners", "--repo", str(repo), "--check"])
    assert result.exit_code == 2 and "--check compares with a file" in result.output


def test_codeowners_names_the_owning_team_for_each_file(repo: Path) -> None:
    text = export(repo, "codeowners")
    owners = CodeOwners(text)
    assert owners.of("catalog/services/checkout.yaml") == [("TEAM", "@acme/payments-team")]
    assert owners.of("catalog/teams/payments.yaml") == [("TEAM", "@acme/payments-team")]
    assert owners.of("catalog/services/card-api.yaml") == [
        ("USERNAME", "@carol"),
        ("USERNAME", "@alice"),
    ]
    assert owners.of("catalog/services/orphan.yaml") == []
    assert "# /catalog/services/orphan.yaml: team 'nobody' has no GitHub team or members" in text
    assert owners.of("catalog/slas/gold.yaml") == []


def test_codeowners_paths_with_spaces_are_escaped(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(
        root,
        {
            "itsm.yaml": """
            apiVersion: itsmcode/v1
            kind: Config
            metadata: {name: x}
            spec: {practices: [catalog], paths: {teams: "our teams"}}
            """,
            "our teams/web.yaml": """
            apiVersion: itsmcode/v1
            kind: Team
            metadata: {name: web}
            spec: {members: [{github: carol}]}
            """,
        },
    )
    owners = CodeOwners(export(root, "codeowners"))
    assert owners.of("our teams/web.yaml") == [("USERNAME", "@carol")]


def test_a_bad_github_team_is_a_schema_error(repo: Path) -> None:
    (repo / "catalog/teams/web.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Team\nmetadata: {name: web}\n"
        "spec: {github: {team: '@acme/web'}}\n",
        encoding="utf-8",
    )
    result = run_cli(["lint", "--repo", str(repo)])
    assert result.exit_code == 1
    assert "catalog/teams/web.yaml:4" in result.output and "spec.github.team" in result.output


#: OpenSLO v1's documented required fields (https://github.com/OpenSLO/OpenSLO, README
#: "SLO" and "Service"); the schema files published there are incomplete and not on
#: PyPI or npm, so the documented rules are checked here.
def check_openslo(obj: dict[str, object]) -> list[str]:
    import re

    problems = []
    name = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    duration = re.compile(r"^[1-9][0-9]*[mhdwMQY]$")
    if obj.get("apiVersion") != "openslo/v1":
        problems.append("apiVersion")
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not name.match(str(meta.get("name"))):
        problems.append("metadata.name")
    spec = obj.get("spec")
    assert isinstance(spec, dict)
    if obj["kind"] == "SLO":
        if not name.match(str(spec.get("service"))):
            problems.append("spec.service")
        if ("indicator" in spec) == ("indicatorRef" in spec):
            problems.append("exactly one of indicator, indicatorRef")
        windows = spec.get("timeWindow")
        if not (
            isinstance(windows, list)
            and len(windows) == 1
            and duration.match(windows[0]["duration"])
        ):
            problems.append("spec.timeWindow")
        if spec.get("budgetingMethod") not in ("Occurrences", "Timeslices", "RatioTimeslices"):
            problems.append("spec.budgetingMethod")
        for objective in spec.get("objectives", []) or problems.append("spec.objectives") or []:
            if not 0 < objective.get("target", -1) < 1:
                problems.append("objectives.target")
            if "op" in objective and objective["op"] not in ("lte", "gte", "lt", "gt"):
                problems.append("objectives.op")
            if ("op" in objective) != ("value" in objective):
                problems.append("objectives op and value together")
        if len(str(spec.get("description", ""))) > 1050:
            problems.append("spec.description")
    elif obj["kind"] != "Service":
        problems.append("kind")
    return problems


def test_openslo_objects_have_the_documented_fields(repo: Path) -> None:
    objects = list(yaml.safe_load_all(export(repo, "openslo", "--time-target", "0.9")))
    assert [check_openslo(o) for o in objects] == [[]] * len(objects)
    names = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert names == [
        ("Service", "checkout"),
        ("SLO", "checkout-availability"),
        ("SLO", "checkout-p1-response"),
        ("SLO", "checkout-p1-resolution"),
    ]
    availability = objects[1]["spec"]
    assert availability["timeWindow"] == [{"duration": "4w", "isRolling": True}]
    assert availability["objectives"] == [{"displayName": "99.95% available", "target": 0.9995}]
    response = objects[2]["spec"]["objectives"]
    assert response == [
        {"displayName": "P1 response within 15m", "op": "lte", "value": 900, "target": 0.9}
    ]
    assert objects[0]["metadata"]["displayName"] == "Checkout"


def test_the_openslo_check_can_fail() -> None:
    bad = {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": "A"},
        "spec": {
            "service": "x",
            "indicator": {},
            "indicatorRef": "y",
            "timeWindow": [{"duration": "30 days"}],
            "budgetingMethod": "Sometimes",
            "objectives": [{"target": 99.5, "op": "lte"}],
        },
    }
    assert check_openslo(bad) == [
        "metadata.name",
        "exactly one of indicator, indicatorRef",
        "spec.timeWindow",
        "spec.budgetingMethod",
        "objectives.target",
        "objectives op and value together",
    ]


def test_backstage_example_catalog_survives_import_then_export(
    tmp_path: Path, catalog_model: Path
) -> None:
    root = empty_repo(tmp_path / "repo")
    assert import_json(root, "backstage", str(BACKSTAGE), "--write")[0] == 0
    entities = list(yaml.safe_load_all(export(root, "backstage")))
    code, output = backstage_verdict(catalog_model, entities)
    assert code == 0, output
    kinds = sorted({e["kind"] for e in entities})
    assert kinds == ["Component", "Group", "System", "User"]
