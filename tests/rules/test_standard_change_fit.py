"""standard-change-fit: risk within maxRisk, services of allowed tiers (warnings)."""

from __future__ import annotations

from pathlib import Path

from itsmcode.diagnostics import Severity
from tests.helpers import found, lint_repo, messages, service, write_repo
from tests.rules.change_files import change

PATH = "changes/2026/chg-1.yaml"
RULE = "standard-change-fit"
TEMPLATE = """\
apiVersion: itsmcode/v1
kind: StandardChange
metadata: {name: rotate-tls-cert}
spec:
  description: Replace a TLS certificate bundle.
  maxRisk: low
  tiers: [2, 3]
"""


def standard(risk: str = "low", services: str = "[edge]", status: str = "planned") -> str:
    return change(
        "chg-1",
        type="standard",
        risk=risk,
        services=services,
        status=status,
        plan="{}",
        extra="template: rotate-tls-cert\n",
    )


def repo(tmp_path: Path, text: str, *, template: bool = True) -> Path:
    files = {
        # Not live, so that sla-required (live tier 1-2 need an SLA) stays out of the way.
        "catalog/services/edge.yaml": service("edge", tier=2, lifecycle="planned"),
        "catalog/services/api.yaml": service("api", tier=1, lifecycle="planned"),
        PATH: text,
    }
    if template:
        files["processes/standard-changes/rotate-tls-cert.yaml"] = TEMPLATE
    return write_repo(tmp_path, files)


def test_fitting_change_is_clean(tmp_path: Path) -> None:
    repo(tmp_path, standard())
    assert found(lint_repo(tmp_path)) == []


def test_risk_above_max_risk(tmp_path: Path) -> None:
    repo(tmp_path, standard(risk="medium"))
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 8, 9, RULE)]
    assert [d.severity for d in result.diagnostics] == [Severity.WARNING]
    assert messages(result) == [
        "risk medium exceeds maxRisk low of standard change 'rotate-tls-cert'; make this a "
        "normal change"
    ]


def test_service_tier_not_allowed(tmp_path: Path) -> None:
    repo(tmp_path, standard(services="[edge, api]"))
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 6, 20, RULE)]
    assert messages(result) == [
        "service 'api' is tier 1, but standard change 'rotate-tls-cert' may only be used on "
        "tiers 2, 3; make this a normal change"
    ]


def test_missing_template_is_left_to_ref_exists(tmp_path: Path) -> None:
    repo(tmp_path, standard(risk="high"), template=False)
    assert found(lint_repo(tmp_path)) == [(PATH, 12, 13, "ref-exists")]


def test_unknown_service_is_left_to_ref_exists(tmp_path: Path) -> None:
    repo(tmp_path, standard(services="[nope]"))
    assert found(lint_repo(tmp_path)) == [(PATH, 6, 14, "ref-exists")]


def test_closed_change_is_history(tmp_path: Path) -> None:
    text = standard(risk="high", services="[api]", status="completed") + (
        '  outcome: {finishedAt: "2026-12-02T23:05:00+01:00"}\n'
    )
    repo(tmp_path, text)
    assert found(lint_repo(tmp_path)) == []
