"""sla-feasible: availability within the product of direct hard dependencies' (warnings)."""

from __future__ import annotations

from pathlib import Path

from itsmcode.diagnostics import Severity
from tests.helpers import CONFIG, found, lint_repo, messages, service, write_repo
from tests.rules.sla_files import sla

RULE = "sla-feasible"
API = "catalog/services/api.yaml"
SLA_VALUE = (API, 9, 8, RULE)  # "  sla: <name>" on line 9
FIX = (
    "; choose an SLA with a lower availability target, raise the dependencies' SLAs, or "
    "make some dependencies soft"
)
SLAS = {
    "catalog/slas/gold.yaml": sla("gold", 99.95),
    "catalog/slas/silver.yaml": sla("silver", 99.9),
    "catalog/slas/bronze.yaml": sla("bronze", 99.5),
    "catalog/slas/custom.yaml": sla("custom", 99.92),
    "catalog/slas/best-effort.yaml": sla("best-effort"),  # no availability target
}


def svc(name: str, sla_name: str | None, *deps: str, lifecycle: str = "live") -> str:
    """``deps`` are 'name' (hard) or 'name:soft'."""
    lines = [f"sla: {sla_name}"] if sla_name else []
    if deps:
        lines.append("dependsOn:")
        for dep in deps:
            target, _, kind = dep.partition(":")
            lines.append(f"  - {{service: {target}, type: {kind or 'hard'}}}")
    extra = "\n".join(lines) + "\n" if lines else ""
    return service(name, lifecycle=lifecycle, extra=extra)


def repo(tmp_path: Path, services: dict[str, str], config: str = CONFIG) -> Path:
    files = {f"catalog/services/{name}.yaml": text for name, text in services.items()}
    return write_repo(tmp_path, {**SLAS, **files}, config=config)


def test_promise_above_the_product_of_hard_dependencies(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "api": svc("api", "gold", "ledger", "auth"),
            "ledger": svc("ledger", "gold"),
            "auth": svc("auth", "gold"),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [SLA_VALUE]
    assert [d.severity for d in result.diagnostics] == [Severity.WARNING]
    assert messages(result) == [
        "SLA gold promises 99.95% but hard dependencies allow at most 99.90% "
        "(ledger 99.95% x auth 99.95%)" + FIX
    ]


def test_promise_within_the_product_is_clean(tmp_path: Path) -> None:
    # 99.95% x 99.95% = 99.900025%: silver's 99.9% fits, exactly at the limit is fine.
    repo(
        tmp_path,
        {
            "api": svc("api", "silver", "ledger", "auth"),
            "ledger": svc("ledger", "gold"),
            "auth": svc("auth", "gold"),
            "db": svc("db", "gold", "ledger"),
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_single_weaker_dependency(tmp_path: Path) -> None:
    repo(tmp_path, {"api": svc("api", "silver", "ledger"), "ledger": svc("ledger", "bronze")})
    result = lint_repo(tmp_path)
    assert found(result) == [SLA_VALUE]
    assert messages(result)[0].startswith(
        "SLA silver promises 99.9% but hard dependencies allow at most 99.50% (ledger 99.5%)"
    )


def test_ceiling_is_rounded_down_to_the_targets_precision(tmp_path: Path) -> None:
    # custom 99.92% over silver 99.9%: the ceiling is exactly 99.90, not 99.89.
    repo(tmp_path, {"api": svc("api", "custom", "ledger"), "ledger": svc("ledger", "silver")})
    assert "at most 99.90% (ledger 99.9%)" in messages(lint_repo(tmp_path))[0]


def test_only_direct_dependencies_count(tmp_path: Path) -> None:
    # api -> ledger -> db: 99.92 <= 99.95 (ledger); the transitive 99.90 is ledger's
    # business, and ledger (99.95 over db's 99.95) keeps its promise.
    repo(
        tmp_path,
        {
            "api": svc("api", "custom", "ledger"),
            "ledger": svc("ledger", "gold", "db"),
            "db": svc("db", "gold"),
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_soft_and_unknown_availabilities_do_not_count(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "api": svc("api", "gold", "cache:soft", "ledger", "wiki", "ledger"),
            "cache": svc("cache", "bronze"),
            "ledger": svc("ledger", "gold"),  # listed twice, counted once
            "wiki": svc("wiki", "best-effort"),
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_dependency_without_sla_does_not_count(tmp_path: Path) -> None:
    repo(tmp_path, {"api": svc("api", "gold", "ledger"), "ledger": svc("ledger", None)})
    assert found(lint_repo(tmp_path)) == []


def test_retired_service_is_not_checked(tmp_path: Path) -> None:
    repo(
        tmp_path,
        {
            "api": svc("api", "gold", "ledger", lifecycle="retired"),
            "ledger": svc("ledger", "bronze"),
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_skipped_when_sla_practice_is_off(tmp_path: Path) -> None:
    config = CONFIG.replace("[catalog, sla, change, incident, problem]", "[catalog]")
    write_repo(
        tmp_path,
        {
            API: svc("api", "gold", "ledger"),
            "catalog/services/ledger.yaml": svc("ledger", "bronze"),
        },
        config=config,
    )
    assert found(lint_repo(tmp_path), RULE) == []
