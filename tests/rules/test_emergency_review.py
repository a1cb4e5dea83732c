"""emergency-review: a completed emergency change without a review (warning)."""

from __future__ import annotations

from pathlib import Path

from itsmcode.diagnostics import Severity
from tests.helpers import found, lint_repo, messages, service, write_repo
from tests.rules.change_files import change

PATH = "changes/2026/chg-1.yaml"
OUTCOME = 'outcome: {finishedAt: "2026-12-02T23:05:00+01:00"}\n'
REVIEW = "review: {summary: The hotfix was justified., reviewedAt: 2026-12-04}\n"


def lint_change(tmp_path: Path, text: str) -> list[tuple[str, int, int, str]]:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api"), PATH: text})
    return found(lint_repo(tmp_path))


def test_completed_emergency_without_review(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            PATH: change("chg-1", type="emergency", status="completed", extra=OUTCOME),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 11, 11, "emergency-review")]
    assert [d.severity for d in result.diagnostics] == [Severity.WARNING]
    assert messages(result) == [
        "this emergency change is completed but has no post-implementation review; add "
        "spec.review (summary, reviewedAt) in a follow-up pull request"
    ]


def test_reviewed_emergency_is_clean(tmp_path: Path) -> None:
    text = change("chg-1", type="emergency", status="completed", extra=OUTCOME + REVIEW)
    assert lint_change(tmp_path, text) == []


def test_open_emergency_needs_no_review_yet(tmp_path: Path) -> None:
    assert lint_change(tmp_path, change("chg-1", type="emergency", status="in-progress")) == []


def test_normal_change_needs_no_review(tmp_path: Path) -> None:
    assert lint_change(tmp_path, change("chg-1", status="completed", extra=OUTCOME)) == []


def test_failed_emergency_is_left_to_change_required_fields(tmp_path: Path) -> None:
    # The review is already required (an error) for failed changes: no second report.
    text = change("chg-1", type="emergency", status="failed", extra=OUTCOME)
    assert lint_change(tmp_path, text) == [(PATH, 11, 11, "change-required-fields")]
