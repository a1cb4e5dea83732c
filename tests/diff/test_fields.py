"""Field-level changes: stable paths, identity-keyed lists, reorders."""

from __future__ import annotations

from typing import Any

from itsmcode.diff.fields import diff_values
from tests.diff.gitrepo import GitRepo, entity, field_ops
from tests.helpers import TEAM, service


def ops(old: Any, new: Any) -> list[tuple[str, str, Any, Any]]:
    return [(c.path, c.op, c.old, c.new) for c in diff_values(old, new)]


def test_dependency_edit_is_addressed_by_the_service_key() -> None:
    old = {
        "spec": {
            "dependsOn": [
                {"service": "ledger", "type": "hard"},
                {"service": "cache", "type": "soft"},
            ]
        }
    }
    new = {
        "spec": {
            "dependsOn": [
                {"service": "ledger", "type": "soft"},
                {"service": "cache", "type": "soft"},
            ]
        }
    }
    assert ops(old, new) == [("spec.dependsOn[service=ledger].type", "changed", "hard", "soft")]


def test_pure_reorder_is_one_reordered_change_not_edits() -> None:
    a, b = {"service": "a"}, {"service": "b"}
    assert ops({"d": [a, b]}, {"d": [b, a]}) == [("d", "reordered", ["a", "b"], ["b", "a"])]


def test_insert_in_the_middle_is_an_add_not_a_cascade_of_edits() -> None:
    a, b, c = {"name": "a", "x": 1}, {"name": "b", "x": 2}, {"name": "c", "x": 3}
    assert ops({"l": [a, c]}, {"l": [a, b, c]}) == [("l[name=b]", "added", None, b)]


def test_scalar_lists_are_sets_with_order() -> None:
    assert ops({"s": ["a", "b"]}, {"s": ["b", "c"]}) == [
        ("s[=a]", "removed", "a", None),
        ("s[=c]", "added", None, "c"),
    ]
    assert ops({"s": ["a", "b"]}, {"s": ["b", "a"]}) == [("s", "reordered", ["a", "b"], ["b", "a"])]


def test_logins_match_case_insensitively() -> None:
    old = {"members": [{"github": "Alice", "role": "lead"}]}
    new = {"members": [{"github": "alice", "role": "member"}]}
    assert ops(old, new) == [
        ("members[github=Alice].github", "changed", "Alice", "alice"),
        ("members[github=Alice].role", "changed", "lead", "member"),
    ]


def test_lists_without_identity_fall_back_to_positions_and_odd_keys_are_quoted() -> None:
    assert ops({"h": [{"days": ["mon"]}]}, {"h": [{"days": ["tue"]}]}) == [
        ("h[0].days[=mon]", "removed", "mon", None),
        ("h[0].days[=tue]", "added", None, "tue"),
    ]
    assert ops({"labels": {"app.io/x": "1"}}, {"labels": {"app.io/x": "2"}}) == [
        ('labels["app.io/x"]', "changed", "1", "2"),
    ]
    # 1 and 1.0 differ in a file even though Python says they are equal.
    assert ops({"t": 1}, {"t": 1.0}) == [("t", "changed", 1, 1.0)]


def test_identity_keys_through_the_cli(repo: GitRepo) -> None:
    repo.write(
        {
            "catalog/services/api.yaml": service(
                "api",
                tier=2,
                extra="""
            dependsOn:
              - {service: cache, type: hard}
              - {service: ledger, type: hard}
            """,
            ),
            "catalog/teams/payments.yaml": TEAM.replace(
                "{github: bob}", "{github: bob, role: lead}"
            ),
            "catalog/services/web.yaml": service(
                "web",
                tier=1,
                extra="""
            sla: gold
            dependsOn:
              - {service: api, type: hard}
            components:
              - {type: repository, ref: "github.com/acme/web"}
            """,
            ),
        }
    )
    doc = repo.diff_json()
    assert field_ops(entity(doc, "api")) == [
        ("spec.dependsOn[service=cache].type", "changed"),
        ("spec.dependsOn", "reordered"),
    ]
    assert field_ops(entity(doc, "payments")) == [("spec.members[github=bob].role", "added")]
    assert field_ops(entity(doc, "web")) == [("spec.components", "added")]
