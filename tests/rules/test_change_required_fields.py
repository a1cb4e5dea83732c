"""change-required-fields: backout, template, outcome and review by type and status."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint_repo, messages, service, write_repo
from tests.rules.change_files import change

PATH = "changes/2026/chg-1.yaml"
RULE = "change-required-fields"
TEMPLATE = """\
apiVersion: itsmcode/v1
kind: StandardChange
metadata: {name: rotate-tls-cert}
spec:
  description: Replace a TLS certificate bundle.
"""
OUTCOME = 'outcome: {finishedAt: "2026-12-02T23:05:00+01:00"}\n'
REVIEW = "review: {summary: Lessons learnt., reviewedAt: 2026-12-04}\n"


def lint_change(tmp_path: Path, text: str) -> list[tuple[str, int, int, str]]:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            "processes/standard-changes/rotate-tls-cert.yaml": TEMPLATE,
            PATH: text,
        },
    )
    return found(lint_repo(tmp_path))


def test_complete_normal_change_is_clean(tmp_path: Path) -> None:
    assert lint_change(tmp_path, change("chg-1")) == []


def test_backout_required_unless_standard(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            PATH: change("chg-1", plan="{implementation: Do it.}"),
        },
    )
    result = lint_repo(tmp_path)
    # Points at the plan mapping that lacks the field.
    assert found(result) == [(PATH, 10, 9, RULE)]
    assert messages(result) == [
        "a normal change needs plan.backout: say how to undo the change if it goes wrong "
        "(only standard changes, whose template holds the plan, may omit it)"
    ]


def test_blank_backout_counts_as_missing(tmp_path: Path) -> None:
    text = change("chg-1", type="emergency", plan='{implementation: Do it., backout: "  "}')
    # Points at the 'backout' key.
    assert lint_change(tmp_path, text) == [(PATH, 10, 34, RULE)]


def test_missing_plan_is_reported_at_spec(tmp_path: Path) -> None:
    text = change("chg-1").replace("  plan: {implementation: Do it., backout: Undo it.}\n", "")
    assert lint_change(tmp_path, text) == [(PATH, 5, 3, RULE)]


def test_standard_change_needs_no_backout_but_a_template(tmp_path: Path) -> None:
    text = change("chg-1", type="standard", plan="{}")
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api"), PATH: text})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 5, 9, RULE)]
    assert "needs spec.template" in messages(result)[0]


def test_standard_change_with_template_is_clean(tmp_path: Path) -> None:
    text = change("chg-1", type="standard", plan="{}", extra="template: rotate-tls-cert\n")
    assert lint_change(tmp_path, text) == []


def test_template_forbidden_on_other_types(tmp_path: Path) -> None:
    text = change("chg-1", extra="template: rotate-tls-cert\n")
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            "processes/standard-changes/rotate-tls-cert.yaml": TEMPLATE,
            PATH: text,
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 12, 3, RULE)]
    assert messages(result) == [
        "only standard changes follow a template, and this one is normal; remove "
        "spec.template, or set type: standard"
    ]


def test_completed_change_needs_outcome(tmp_path: Path) -> None:
    assert lint_change(tmp_path, change("chg-1", status="completed")) == [(PATH, 11, 11, RULE)]


def test_outcome_needs_finished_at(tmp_path: Path) -> None:
    text = change("chg-1", status="completed", extra="outcome: {notes: Went fine.}\n")
    # Points at the outcome mapping, which lacks finishedAt.
    assert lint_change(tmp_path, text) == [(PATH, 12, 12, RULE)]


def test_completed_change_with_outcome_is_clean(tmp_path: Path) -> None:
    assert lint_change(tmp_path, change("chg-1", status="completed", extra=OUTCOME)) == []


def test_failed_change_needs_outcome_and_review(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"catalog/services/api.yaml": service("api"), PATH: change("chg-1", status="failed")},
    )
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 11, 11, RULE), (PATH, 11, 11, RULE)]
    assert sorted(messages(result)) == [
        "a failed change needs spec.outcome with finishedAt (and notes, incidents): record "
        "what happened",
        "a failed change needs spec.review (summary, reviewedAt): a post-implementation "
        "review of what went wrong",
    ]


def test_rolled_back_change_with_outcome_and_review_is_clean(tmp_path: Path) -> None:
    text = change("chg-1", status="rolled-back", extra=OUTCOME + REVIEW)
    assert lint_change(tmp_path, text) == []


def test_rolled_back_change_without_review(tmp_path: Path) -> None:
    text = change("chg-1", status="rolled-back", extra=OUTCOME)
    assert lint_change(tmp_path, text) == [(PATH, 11, 11, RULE)]


def test_cancelled_change_needs_no_outcome(tmp_path: Path) -> None:
    assert lint_change(tmp_path, change("chg-1", status="cancelled")) == []
