"""policy-governs-gate: the policy sends the gate's own files to a named team."""

from __future__ import annotations

from pathlib import Path

import pytest

from itsmcode.load.layout import WORKFLOW_DIR, WORKFLOW_FILES
from itsmcode.workflows import templates
from tests.helpers import found, lint_repo, messages, write_repo

POLICY = "processes/approval-policy.yaml"
RULE = "policy-governs-gate"
WORKFLOWS = (
    ".github/workflows/validate.yml, .github/workflows/approval.yml, "
    ".github/workflows/approval-review.yml, .github/workflows/record.yml"
)


def policy(rules: str) -> str:
    return (
        "apiVersion: itsmcode/v1\nkind: ApprovalPolicy\nmetadata: {name: approval-policy}\n"
        f"spec:\n  rules:\n{rules}"
    )


def lint_policy(tmp_path: Path, rules: str) -> tuple[list[tuple[str, int, int, str]], list[str]]:
    write_repo(tmp_path, {POLICY: policy(rules)})
    result = lint_repo(tmp_path)
    return found(result, RULE), messages(result, RULE)


def test_a_governance_rule_over_the_gate_passes(tmp_path: Path) -> None:
    rules = (
        "    - name: governance\n"
        '      when: {paths: ["processes/**", ".github/**", "itsm.yaml"]}\n'
        "      require: {teams: [payments], count: 2}\n"
    )
    assert lint_policy(tmp_path, rules) == ([], [])


def test_the_gate_may_be_split_over_rules_and_named_users(tmp_path: Path) -> None:
    rules = (
        "    - name: workflows\n"
        '      when: {paths: [".github/workflows/*.yml"]}\n'
        "      require: {users: [alice]}\n"
        "    - name: config\n"
        f'      when: {{paths: ["{POLICY}", "itsm.yaml"]}}\n'
        "      require: {teams: [payments], count: 2}\n"
    )
    assert lint_policy(tmp_path, rules) == ([], [])


def test_workflows_left_out_are_named(tmp_path: Path) -> None:
    rules = (
        "    - name: governance\n"
        '      when: {paths: ["processes/**", "itsm.yaml"]}\n'
        "      require: {teams: [payments], count: 2}\n"
    )
    where, said = lint_policy(tmp_path, rules)
    assert where == [(POLICY, 6, 5, RULE)]
    assert said == [
        f"no rule asks a named team to approve changes to {WORKFLOWS}: an ordinary approval "
        "could then change the approval gate itself; add them to a rule such as "
        '{name: governance, when: {paths: [".github/**", "processes/approval-policy.yaml", '
        '"itsm.yaml"]}, require: {teams: [...], count: 2}}'
    ]


@pytest.mark.parametrize(
    ("rules", "why"),
    [
        # Only when a label is set: a pull request without it gets the default rule.
        (
            '      when: {paths: [".github/**", "processes/**", "itsm.yaml"], labels: [ci]}\n'
            "      require: {teams: [payments], count: 2}\n",
            "conditional on a label",
        ),
        # Anyone's approval: no better than the default rule.
        (
            '      when: {paths: [".github/**", "processes/**", "itsm.yaml"]}\n'
            "      require: {count: 2}\n",
            "no named team",
        ),
        # Only when the author is in a team: anyone else gets the default rule.
        (
            '      when: {paths: [".github/**", "processes/**", "itsm.yaml"], '
            "author: {teams: [payments]}}\n"
            "      require: {teams: [payments], count: 2}\n",
            "conditional on the author",
        ),
    ],
)
def test_a_rule_that_does_not_always_apply_or_asks_anyone_does_not_count(
    tmp_path: Path, rules: str, why: str
) -> None:
    where, said = lint_policy(tmp_path, "    - name: governance\n" + rules)
    assert where == [(POLICY, 6, 5, RULE)], why
    assert f"changes to {WORKFLOWS}, {POLICY}, itsm.yaml:" in said[0], why


def test_a_policy_without_rules_is_reported_at_spec(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            POLICY: "apiVersion: itsmcode/v1\nkind: ApprovalPolicy\n"
            "metadata: {name: approval-policy}\nspec: {}\n"
        },
    )
    result = lint_repo(tmp_path)
    assert found(result, RULE) == [(POLICY, 4, 7, RULE)]


def test_the_rule_knows_every_workflow_of_the_gate() -> None:
    # The calendar feed and the site (opt-in, publish reports) are no part of the gate.
    published = ("/calendar-feed.yml", "/site.yml")
    gate = {path for path in templates() if not path.endswith(published)}
    assert gate == {f"{WORKFLOW_DIR}/{name}" for name in WORKFLOW_FILES}
