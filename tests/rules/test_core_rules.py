"""name-matches-file, kind-matches-folder, unique-names, ref-exists."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint_repo, messages, service, write_repo


def test_name_must_match_file(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/payments.yaml": service("payments-api")})
    assert found(lint_repo(tmp_path), "name-matches-file") == [
        ("catalog/services/payments.yaml", 3, 18, "name-matches-file")
    ]


def test_matching_name_is_clean(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/payments-api.yaml": service("payments-api")})
    assert found(lint_repo(tmp_path)) == []


def test_kind_in_wrong_folder(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/ops.yaml": "apiVersion: itsmcode/v1\nkind: Team\n"
            "metadata: {name: ops}\nspec: {members: []}\n"
        },
    )
    result = lint_repo(tmp_path)
    assert found(result, "kind-matches-folder") == [
        ("catalog/services/ops.yaml", 2, 7, "kind-matches-folder")
    ]
    assert "catalog/teams/" in messages(result, "kind-matches-folder")[0]


def test_duplicate_names_reported_on_each_file(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/ledger.yaml": service("ledger"),
            "catalog/services/archive/ledger.yaml": service("ledger"),
        },
    )
    assert found(lint_repo(tmp_path), "unique-names") == [
        ("catalog/services/archive/ledger.yaml", 3, 18, "unique-names"),
        ("catalog/services/ledger.yaml", 3, 18, "unique-names"),
    ]


def test_unknown_reference_with_suggestion(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service(
                "api",
                owner="paymnets",
                extra="""
            dependsOn:
              - {service: ledger, type: hard}
        """,
            ),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result, "ref-exists") == [
        ("catalog/services/api.yaml", 8, 10, "ref-exists"),
        ("catalog/services/api.yaml", 10, 17, "ref-exists"),
    ]
    assert messages(result, "ref-exists")[0] == "unknown Team 'paymnets' (did you mean 'payments'?)"


def test_reference_to_invalid_entity_still_resolves(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api", extra="dependsOn: [{service: ledger}]\n"),
            "catalog/services/ledger.yaml": service("ledger", extra="colour: red\n"),
        },
    )
    result = lint_repo(tmp_path)
    assert found(result, "ref-exists") == []
    assert found(result, "schema") == [("catalog/services/ledger.yaml", 9, 3, "schema")]
