"""ref-exists on a reference to a file that did not load: one cause, named once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import TEAM, run_cli, service, write_repo

API = service("api", extra="dependsOn:\n  - {service: ledger, type: hard}\n")
WEB = service(
    "web",
    extra="dependsOn:\n  - {service: ledger, type: hard}\n  - {service: ledgr, type: soft}\n",
)

BROKEN_LEDGER = {
    "yaml syntax": "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: ledger\nspec: [\n",
    "not utf-8": "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: ledger}\n# \udcff\n",
    "kind typo": service("ledger").replace("kind: Service", "kind: Servcie"),
    "name invalid": service("ledger").replace("{name: ledger}", "{name: Ledger_1}"),
    "not a mapping": "- just\n- a list\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    write_repo(root, {k: v for k, v in files.items() if "\udcff" not in v})
    for path, text in files.items():
        if "\udcff" in text:
            (root / path).write_bytes(text.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("breakage", sorted(BROKEN_LEDGER))
def test_reference_to_a_file_that_did_not_load(tmp_path: Path, breakage: str) -> None:
    _write(
        tmp_path,
        {
            "catalog/services/ledger.yaml": BROKEN_LEDGER[breakage],
            "catalog/services/api.yaml": API,
            "catalog/services/web.yaml": WEB,
        },
    )
    result = run_cli(["lint", "--format", "text"], cwd=tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    ref = [line for line in lines if "[ref-exists]" in line]
    did_not_load = (
        "error [ref-exists] Service 'ledger' did not load: "
        "fix the errors in catalog/services/ledger.yaml"
    )
    assert ref == [
        f"catalog/services/api.yaml:10:17: {did_not_load}",
        f"catalog/services/web.yaml:10:17: {did_not_load}",
        # A typo still gets a suggestion, the broken file's name among the candidates.
        "catalog/services/web.yaml:11:17: error [ref-exists] unknown Service 'ledgr' "
        "(did you mean 'ledger'?)",
    ]
    assert not any("unknown Service 'ledger'" in line for line in lines)
    # The broken file reports its own cause.
    assert any(line.startswith("catalog/services/ledger.yaml:") for line in lines)


def test_a_broken_file_of_another_kind_does_not_explain_the_reference(tmp_path: Path) -> None:
    # catalog/teams/ledger.yaml is broken, but a Service named ledger is looked up.
    write_repo(
        tmp_path,
        {
            "catalog/teams/ledger.yaml": "kind: Team\nmetadata: {name: ledger\n",
            "catalog/services/api.yaml": API,
        },
    )
    result = run_cli(["lint"], cwd=tmp_path)
    assert (
        "catalog/services/api.yaml:10:17: error [ref-exists] unknown Service 'ledger'"
        in result.stdout
    )


def test_a_broken_team_file_explains_an_owner_reference(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/teams/payments.yaml": TEAM.replace("members:", "members: [\n"),
            "catalog/services/api.yaml": service("api"),
        },
        with_team=False,
    )
    result = run_cli(["lint"], cwd=tmp_path)
    assert (
        "catalog/services/api.yaml:8:10: error [ref-exists] Team 'payments' did not load: "
        "fix the errors in catalog/teams/payments.yaml"
    ) in result.stdout
