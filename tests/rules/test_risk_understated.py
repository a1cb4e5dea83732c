"""risk-understated through the real ``itsm lint`` (and ``lint --at``): the planted
situations of tests/reports/test_risk.py, scores worked out there by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.diff.gitrepo import GitRepo
from tests.helpers import change_request, run_cli, write_repo
from tests.reports.test_risk import WINDOW, graph_files, history_files

RULE = "risk-understated"
BIG = {"start": "2026-12-15T22:00:00+01:00", "end": "2026-12-15T23:00:00+01:00"}


def lint_json(root: Path, *extra: str) -> list[dict[str, Any]]:
    result = run_cli(["lint", "--repo", str(root), "--format", "json", "--no-cache", *extra])
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return [d for d in data["diagnostics"] if d["rule"] == RULE]


def test_low_declared_high_scored_is_a_warning(tmp_path: Path) -> None:
    # chg-big scores 67 (high: 55 without its 12 for dependents, so the graph decides);
    # chg-in 72 (high already without them: 30 tier + 30 freeze); chg-ok the same as
    # chg-big but declares high; chg-med declares medium (one level below: not reported).
    files = {
        **graph_files(),
        "changes/2026/chg-big.yaml": change_request("chg-big", **BIG),
        "changes/2026/chg-ok.yaml": change_request("chg-ok", risk="high", **BIG),
        "changes/2026/chg-med.yaml": change_request("chg-med", risk="medium", **BIG),
        "changes/2026/chg-in.yaml": change_request(
            "chg-in", start="2026-12-21T10:00:00+01:00", end="2026-12-21T11:00:00+01:00"
        ),
    }
    root = write_repo(tmp_path, files)
    found = lint_json(root)
    assert [(d["path"], d["line"], d["severity"], d["message"]) for d in found] == [
        (
            "changes/2026/chg-big.yaml",
            8,
            "warning",
            "declared risk low, but the evidence scores it high; run 'itsm risk chg-big' "
            "for the factors, then raise spec.risk or change what drives the score",
        ),
        (
            "changes/2026/chg-in.yaml",
            8,
            "warning",
            "declared risk low, but the evidence scores it high; run 'itsm risk chg-in' "
            "for the factors, then raise spec.risk or change what drives the score",
        ),
    ]


def test_medium_score_and_closed_changes_are_quiet(tmp_path: Path) -> None:
    # chg-pay scores 50 (medium); a completed change of score 67 is history.
    done = change_request(
        "chg-done",
        status="completed",
        extra='outcome: {finishedAt: "2026-12-15T23:00:00+01:00"}\n',
        **BIG,
    )
    files = {
        **history_files(),
        **graph_files(),
        "changes/2026/chg-pay.yaml": change_request("chg-pay", services="[pay]", **WINDOW),
        "changes/2026/chg-done.yaml": done,
    }
    assert lint_json(write_repo(tmp_path, files)) == []


def test_lint_at_a_past_commit_reports_it_too(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r").init()
    files = {**graph_files(), "changes/2026/chg-big.yaml": change_request("chg-big", **BIG)}
    write_repo(repo.root, files)
    repo.commit("plant")
    assert [d["path"] for d in lint_json(repo.root, "--at", "HEAD")] == [
        "changes/2026/chg-big.yaml"
    ]
