"""itsm score on the example repository (the project root): every service in use is
scored by itsm-basics, and the spread covers every level (the scorecard's purpose in the
example is to show each team something to fix)."""

from __future__ import annotations

from pathlib import Path

from tests.score.scored import score_json

ROOT = Path(__file__).resolve().parents[2]


def test_example_scores_every_service_in_use() -> None:
    data = score_json(ROOT)
    services = {s["service"] for s in data["services"]}
    in_use = {
        p.stem
        for p in (ROOT / "catalog/services").glob("*.yaml")
        if "lifecycle: retired" not in p.read_text(encoding="utf-8")
    }
    assert services == in_use
    levels = {s["level"] for s in data["services"]}
    assert {None, "bronze", "silver"} <= levels
    assert [t["level"] for t in data["targets"]] == ["silver", "bronze"]
