"""sla-required: live tier 1-2 services name an SLA, when the sla practice is on (errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from itsmcode.diagnostics import Severity
from tests.helpers import CONFIG, found, lint_repo, messages, service, write_repo
from tests.rules.sla_files import sla

PATH = "catalog/services/api.yaml"
RULE = "sla-required"
TIER = (PATH, 6, 9, RULE)  # the tier value: it is what makes the SLA required


def test_live_tier_1_without_sla(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            PATH: service("api", tier=1),
            "catalog/slas/gold.yaml": sla("gold", 99.95),
            "catalog/slas/silver.yaml": sla("silver", 99.9),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [TIER]
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]
    assert messages(result) == [
        "live tier-1 service 'api' must name its SLA: add spec.sla (one of gold, silver), or "
        "lower the tier if it is not that critical"
    ]


def test_message_says_when_no_sla_exists(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: service("api", tier=2)})
    result = lint_repo(tmp_path)
    assert found(result) == [TIER]
    assert "spec.sla (no SLA exists yet: create one in the SLA folder)" in messages(result)[0]


def test_live_tier_2_with_sla_is_clean(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            PATH: service("api", tier=2, extra="sla: gold\n"),
            "catalog/slas/gold.yaml": sla("gold", 99.95),
        },
    )
    assert found(lint_repo(tmp_path)) == []


@pytest.mark.parametrize(
    ("tier", "lifecycle"),
    [(3, "live"), (4, "live"), (1, "planned"), (2, "deprecated"), (1, "retired")],
)
def test_other_tiers_and_lifecycles_need_no_sla(tmp_path: Path, tier: int, lifecycle: str) -> None:
    write_repo(tmp_path, {PATH: service("api", tier=tier, lifecycle=lifecycle)})
    assert found(lint_repo(tmp_path)) == []


def test_skipped_when_sla_practice_is_off(tmp_path: Path) -> None:
    config = CONFIG.replace("[catalog, sla, change, incident, problem]", "[catalog]")
    write_repo(tmp_path, {PATH: service("api", tier=1)}, config=config)
    assert found(lint_repo(tmp_path)) == []
