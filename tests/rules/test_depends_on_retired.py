"""depends-on-retired: a service not retired depending on a retired one (warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from itsmcode.diagnostics import Severity
from tests.helpers import found, lint_repo, messages, service, write_repo

RULE = "depends-on-retired"
API = "catalog/services/api.yaml"
LEDGER = "catalog/services/ledger.yaml"


def api(lifecycle: str = "live", *, soft: bool = False) -> str:
    kind = "soft" if soft else "hard"
    extra = f"dependsOn:\n  - {{service: db}}\n  - {{service: ledger, type: {kind}}}\n"
    return service("api", lifecycle=lifecycle, extra=extra)


def repo(tmp_path: Path, api_text: str, ledger_lifecycle: str) -> Path:
    return write_repo(
        tmp_path,
        {
            API: api_text,
            LEDGER: service("ledger", lifecycle=ledger_lifecycle),
            "catalog/services/db.yaml": service("db"),
        },
    )


@pytest.mark.parametrize("lifecycle", ["live", "planned", "deprecated"])
def test_service_in_use_depending_on_retired(tmp_path: Path, lifecycle: str) -> None:
    repo(tmp_path, api(lifecycle), "retired")
    result = lint_repo(tmp_path)
    assert found(result) == [(API, 11, 17, RULE)]
    assert [d.severity for d in result.diagnostics] == [Severity.WARNING]
    assert messages(result) == [
        f"{lifecycle} service 'api' depends on retired service 'ledger'; depend on its "
        "replacement instead, or remove the entry"
    ]


def test_soft_dependency_counts(tmp_path: Path) -> None:
    repo(tmp_path, api(soft=True), "retired")
    assert found(lint_repo(tmp_path)) == [(API, 11, 17, RULE)]


def test_retired_depending_on_retired_is_clean(tmp_path: Path) -> None:
    repo(tmp_path, api("retired"), "retired")
    assert found(lint_repo(tmp_path)) == []


@pytest.mark.parametrize("lifecycle", ["deprecated", "planned", "live"])
def test_dependency_that_is_not_retired_is_clean(tmp_path: Path, lifecycle: str) -> None:
    repo(tmp_path, api(), lifecycle)
    assert found(lint_repo(tmp_path)) == []
