"""Derived meaning: SLA direction, tiers, owners, dependencies, CR lifecycle, windows."""

from __future__ import annotations

from typing import Any

from tests.diff.gitrepo import SLA_GOLD, GitRepo, change, entity, meanings
from tests.helpers import service


def by_type(entity_doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for m in entity_doc["meanings"]:
        out.setdefault(m["type"], []).append(m)
    return out


def test_sla_loosened_and_tightened_per_target_and_availability(repo: GitRepo) -> None:
    text = SLA_GOLD.replace("99.95", "99.9").replace("resolution: 4h", "resolution: 8h")
    repo.write({"catalog/slas/gold.yaml": text.replace("response: 1h", "response: 30m")})
    found = by_type(entity(repo.diff_json(), "gold"))
    loosened = {(m["path"], m["old"], m["new"]) for m in found["sla.loosened"]}
    assert loosened == {
        ("spec.availability.target", 99.95, 99.9),
        ("spec.targets.P1.resolution", "4h", "8h"),
    }
    (tightened,) = found["sla.tightened"]
    assert (tightened["path"], tightened["old"], tightened["new"]) == (
        "spec.targets.P2.response",
        "1h",
        "30m",
    )
    assert all(m["direction"] == "loosened" for m in found["sla.loosened"])


def test_removing_a_target_loosens_and_adding_one_tightens(repo: GitRepo) -> None:
    text = SLA_GOLD.replace("    P2: {response: 1h, resolution: 1d}\n", "")
    text += "    P3: {response: 4h, resolution: 5d}\n"
    repo.write({"catalog/slas/gold.yaml": text})
    found = by_type(entity(repo.diff_json(), "gold"))
    assert {m["path"] for m in found["sla.loosened"]} == {
        "spec.targets.P2.response",
        "spec.targets.P2.resolution",
    }
    assert {m["path"] for m in found["sla.tightened"]} == {
        "spec.targets.P3.response",
        "spec.targets.P3.resolution",
    }


def test_tier_raised_is_toward_one(repo: GitRepo) -> None:
    repo.write(
        {
            "catalog/services/cache.yaml": service("cache", tier=2),
            "catalog/services/ledger.yaml": service("ledger", tier=3, extra="sla: gold\n"),
        }
    )
    doc = repo.diff_json()
    assert meanings(entity(doc, "cache")) == ["tier.raised"]
    assert meanings(entity(doc, "ledger")) == ["tier.lowered"]


def test_lifecycle_owner_and_dependencies(repo: GitRepo) -> None:
    repo.write(
        {
            "catalog/services/api.yaml": service(
                "api",
                tier=2,
                lifecycle="deprecated",
                owner="platform",
                extra="""
        dependsOn:
          - {service: ledger, type: soft}
          - {service: web, type: hard}
        """,
            )
        }
    )
    found = by_type(entity(repo.diff_json(), "api"))
    assert (found["lifecycle.changed"][0]["old"], found["lifecycle.changed"][0]["new"]) == (
        "live",
        "deprecated",
    )
    assert found["owner.changed"][0]["new"] == "platform"
    assert found["dependency.added"][0]["new"] == {"service": "web", "type": "hard"}
    assert found["dependency.removed"][0]["old"] == {"service": "cache", "type": "soft"}
    assert (found["dependency.changed"][0]["old"], found["dependency.changed"][0]["new"]) == (
        "hard",
        "soft",
    )


def test_valid_status_transition_is_no_diagnostic(repo: GitRepo) -> None:
    repo.write({"changes/2026/chg-1.yaml": change("chg-1", status="in-progress")})
    doc = repo.diff_json()
    (m,) = entity(doc, "chg-1")["meanings"]
    assert (m["type"], m["old"], m["new"], m["valid"]) == (
        "status.transition",
        "planned",
        "in-progress",
        True,
    )
    assert doc["diagnostics"] == []


def test_invalid_status_transition_is_a_located_diagnostic(repo: GitRepo) -> None:
    repo.write(
        {
            "changes/2026/chg-1.yaml": change(
                "chg-1",
                status="completed",
                extra="""
        outcome: {finishedAt: "2026-12-02T23:00:00+01:00"}
        """,
            )
        }
    )
    doc = repo.diff_json()
    (m,) = entity(doc, "chg-1")["meanings"]
    assert m["valid"] is False
    (d,) = doc["diagnostics"]
    assert (d["path"], d["line"], d["rule"]) == ("changes/2026/chg-1.yaml", 11, "change-transition")
    assert "planned to completed" in d["message"]


def test_new_change_request_start_status(repo: GitRepo) -> None:
    repo.write(
        {
            "changes/2026/chg-2.yaml": change(
                "chg-2", status="in-progress", window="2026-12-01T22:00:00+01:00"
            ),
            "changes/2026/chg-3.yaml": change(
                "chg-3", status="in-progress", type_="emergency", services="[web]"
            ),
        }
    )
    doc = repo.diff_json()
    assert [d["path"] for d in doc["diagnostics"]] == ["changes/2026/chg-2.yaml"]
    assert entity(doc, "chg-3")["meanings"][0]["valid"] is True


def test_closed_change_only_gains_a_review(repo: GitRepo) -> None:
    closed = change("chg-1", status="cancelled")
    repo.commit("cancel", {"changes/2026/chg-1.yaml": closed})
    review = "  review: {summary: Fine., reviewedAt: 2026-12-04}\n"
    repo.write({"changes/2026/chg-1.yaml": closed + review})
    doc = repo.diff_json()
    assert meanings(entity(doc, "chg-1")) == ["review.added"] and doc["diagnostics"] == []
    repo.write({"changes/2026/chg-1.yaml": closed.replace("risk: low", "risk: high")})
    doc = repo.diff_json()
    assert "status.closed-edited" in meanings(entity(doc, "chg-1"))
    assert [d["rule"] for d in doc["diagnostics"]] == ["change-transition"]


def test_window_moved_and_risk_raised(repo: GitRepo) -> None:
    repo.write(
        {
            "changes/2026/chg-1.yaml": change("chg-1", window="2026-12-02T20:00:00+01:00").replace(
                "risk: low", "risk: high"
            )
        }
    )
    found = by_type(entity(repo.diff_json(), "chg-1"))
    (moved,) = found["window.moved"]
    assert moved["old"]["start"] == "2026-12-02T22:00:00+01:00"
    assert moved["new"]["start"] == "2026-12-02T20:00:00+01:00"
    assert "2h earlier" in moved["message"]
    assert found["risk.raised"][0]["new"] == "high"
