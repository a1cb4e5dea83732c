"""no-self-authorization: approval fields and approving statuses, anywhere in any file."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint_repo, messages, service, write_repo
from tests.rules.change_files import change

PATH = "changes/2026/chg-1.yaml"
RULE = "no-self-authorization"


def test_approved_by_on_a_change(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            PATH: change("chg-1", extra="approvedBy: carol\n"),
        },
    )
    result = lint_repo(tmp_path)
    # Only this rule speaks: the field is not also an unknown-field schema error.
    assert found(result) == [(PATH, 12, 3, RULE)]
    assert messages(result) == [
        "'approvedBy' declares an approval, which no file may do: authorization is a fact "
        "of git history (the merged pull request with the approvals the policy requires), "
        "never a field; remove the field and get the pull request approved instead"
    ]


def test_approving_status_is_rejected_at_its_value(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            PATH: change("chg-1", status="approved"),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 11, 11, RULE)]
    assert messages(result)[0].startswith("status 'approved' claims an authorization")
    assert "use a lifecycle status such as 'planned'" in messages(result)[0]


def test_authorised_status_and_nested_fields(tmp_path: Path) -> None:
    text = change(
        "chg-1",
        status="authorised",
        plan="{implementation: Do it., backout: Undo it., approvals: [{by: carol}]}",
        extra="outcome:\n  finishedAt: '2026-12-02T23:00:00+01:00'\n  approvedAt: 2026-12-01\n",
    )
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api"), PATH: text})
    assert found(lint_repo(tmp_path)) == [
        (PATH, 10, 53, RULE),
        (PATH, 11, 11, RULE),
        (PATH, 14, 5, RULE),
    ]


def test_any_kind_and_any_depth(tmp_path: Path) -> None:
    text = service(
        "api",
        extra="""
        approved: true
        components:
          - {type: repository, ref: x, approver: bob}
        """,
    ).replace("metadata: {name: api}", "metadata: {name: api, labels: {authorizedBy: cab}}")
    write_repo(tmp_path, {"catalog/services/api.yaml": text})
    assert found(lint_repo(tmp_path)) == [
        ("catalog/services/api.yaml", 3, 32, RULE),
        ("catalog/services/api.yaml", 9, 3, RULE),
        ("catalog/services/api.yaml", 11, 34, RULE),
    ]


def test_reported_in_a_file_with_other_errors(tmp_path: Path) -> None:
    text = service("api", extra="approvers: [bob]\ncolour: red\n")
    write_repo(tmp_path, {"catalog/services/api.yaml": text})
    assert found(lint_repo(tmp_path)) == [
        ("catalog/services/api.yaml", 9, 3, RULE),
        ("catalog/services/api.yaml", 10, 3, "schema"),
    ]


def test_words_in_values_are_fine(tmp_path: Path) -> None:
    text = change(
        "chg-1",
        extra="description: Approved by nobody; the approver is the pull request review.\n",
    )
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api"), PATH: text})
    assert found(lint_repo(tmp_path)) == []
