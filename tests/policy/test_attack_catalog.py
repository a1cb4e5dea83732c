"""Attacks on "one catalog, however it is read" (policy.md, property 9).

Each test is a pull request that tries to make the approval gate read a different
catalog than the one it lands, scripted on a real git repository and judged by the
real CLI (``itsm policy check``, then ``policy record`` and ``itsm audit`` on the
merge). The base policy is tests/policy/prrepo.py's: owners of affected services, the
CAB for tier-1 services and (twice) for high-risk changes, service management for a
loosened SLA, two governance members for itsm.yaml and processes/, one team member
for anything else; the year-end freeze lets only emergencies through.

Classes: (1) a stale merge base or a PR that remaps folders; (2) duplicate names that
shadow the file a fact should come from; (3) changed files that itsmcode cannot load
but other YAML readers can; (5) paths that a checkout reads differently from git.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli
from tests.policy.attack import (
    MERGED_QUIETLY,
    audit_row,
    forge_note,
    record,
    stale_branch,
    violation,
)
from tests.policy.prrepo import (
    CONFIG,
    FROZEN,
    SLA_GOLD,
    PRRepo,
    change,
    merge,
    rule,
    rules,
    service,
    team,
)

PAYMENTS = "catalog/services/payments-api.yaml"
#: An old itsm.yaml that kept change requests in rfc/ (main keeps them in changes/).
CONFIG_RFC = CONFIG + "  paths: {changes: rfc}\n"
HIGH_RISK_TIER1 = change("chg-9", risk="high", services="[payments-api]")
EVERYONE = (("bobby", "APPROVED"), ("bob", "APPROVED"), ("carol", "APPROVED"))


def errors(data: Any, source: int = 0) -> list[str]:
    found: list[str] = data["decisions"][source]["errors"]
    return found


# -- 1. stale merge base, remapped folders -------------------------------------------
def stale_rfc_attack(tmp_path: Path) -> PRRepo:
    """The branch is taken while main kept change requests in rfc/; it adds a high-risk
    tier-1 change in changes/, which main has used since the branch was taken."""
    repo = PRRepo(tmp_path / "r", {"itsm.yaml": CONFIG_RFC})
    repo.push({"changes/2026/chg-9.yaml": HIGH_RISK_TIER1})
    stale_branch(repo, {"itsm.yaml": CONFIG})
    return repo


def test_stale_branch_cannot_pass_a_change_off_as_a_plain_file(tmp_path: Path) -> None:
    repo = stale_rfc_attack(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")), now=FROZEN)
    assert code == 1
    # The base's folders decide: it is a change request, in a freeze, high-risk, tier 1.
    assert data["decisions"][0]["freeze"]["blocking"] == ["ChangeRequest chg-9"]
    assert rules(data)["high-risk"] == "pending"
    assert rules(data)["tier-1"] == "pending"
    assert rule(data, "high-risk")["matched"] == ["ChangeRequest chg-9"]
    assert rules(data)["defaultRule"] == "skipped"
    # Outside the freeze and with two CAB members it is a normal, approvable change.
    code, data, _ = repo.check(
        reviews=repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED"), ("dave", "APPROVED"))
    )
    assert code == 0, data


def test_stale_branch_judged_like_the_same_change_made_up_to_date(tmp_path: Path) -> None:
    stale = stale_rfc_attack(tmp_path / "stale")
    fresh = PRRepo(tmp_path / "fresh")
    fresh.push({"changes/2026/chg-9.yaml": HIGH_RISK_TIER1})
    reviews = (("bobby", "APPROVED"), ("carol", "APPROVED"))
    _, judged_stale, _ = stale.check(reviews=stale.reviews(*reviews))
    _, judged_fresh, _ = fresh.check(reviews=fresh.reviews(*reviews))
    assert rules(judged_stale) == rules(judged_fresh)
    assert [c["label"] for c in judged_stale["changes"]] == ["ChangeRequest chg-9"]


def test_pr_moving_the_folder_is_judged_under_both_layouts(tmp_path: Path) -> None:
    # Up to date, but its own itsm.yaml says change requests now live in rfc/, so the
    # change it adds in changes/ would be a plain file under the head's layout.
    repo = PRRepo(tmp_path / "r")
    repo.push({"itsm.yaml": CONFIG_RFC, "changes/2026/chg-9.yaml": HIGH_RISK_TIER1})
    code, data, _ = repo.check(reviews=repo.reviews(*EVERYONE), now=FROZEN)
    assert code == 1
    assert data["decisions"][0]["freeze"]["blocking"] == ["ChangeRequest chg-9"]
    assert rules(data)["high-risk"] == "pending"
    assert rules(data)["governance"] == "pending"


def test_stale_branch_that_conflicts_with_the_base_fails_closed(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({PAYMENTS: service("payments-api", 1, "payments", "sla: bronze\n")})
    stale_branch(repo, {PAYMENTS: service("payments-api", 1, "payments", "sla: gold\ntier: 2\n")})
    code, _data, result = repo.check(reviews=repo.reviews(*EVERYONE), fmt="text")
    assert code == 1
    assert "conflicts with its base" in result.output
    assert "bring the branch up to date" in result.output


def test_stale_attack_is_recorded_and_audited_as_not_approved(tmp_path: Path) -> None:
    repo = stale_rfc_attack(tmp_path)
    reviews = repo.reviews(("bobby", "APPROVED"))
    sha = merge(repo, MERGED_QUIETLY)
    written = record(repo, sha, reviews)
    assert written.decision == "not-approved"
    statuses = {r.name: r.status for r in written.rules}
    assert statuses["high-risk"] == "pending" and statuses["tier-1"] == "pending"
    # A note from a gate blind to the attack says "approved": the audit re-judges it.
    forge_note(repo, sha, ["bobby"])
    row = audit_row(repo, sha)
    assert row["reevaluatedDecision"] == "not-approved"
    reason = violation(row, "approval-not-valid")
    assert "rule high-risk: 2 approvals from team cab" in reason
    assert "rule tier-1: 1 approval from team cab" in reason


# -- 2. duplicate names mask content -------------------------------------------------
DECOY_BRONZE = SLA_GOLD.replace("{name: gold}", "{name: bronze}")  # as strong as gold


@pytest.mark.parametrize(
    ("files", "duplicate", "pending"),
    [
        pytest.param(
            {
                "changes/2026/chg-9.yaml": HIGH_RISK_TIER1,
                # A decoy sorting first: a low-risk change of the same name on wiki.
                "changes/2026/a-decoy.yaml": change("chg-9"),
            },
            "ChangeRequest 'chg-9' is defined by 2 files "
            "(changes/2026/a-decoy.yaml, changes/2026/chg-9.yaml)",
            ["high-risk"],
            id="new-high-risk-change-behind-a-low-risk-decoy",
        ),
        pytest.param(
            {
                # payments-api (tier 1) drops from gold to bronze; a decoy 'bronze'
                # as strong as gold sorts before the real one.
                PAYMENTS: service("payments-api", 1, "payments", "sla: bronze\n"),
                "catalog/slas/a-bronze.yaml": DECOY_BRONZE,
            },
            "SLA 'bronze' is defined by 2 files (catalog/slas/a-bronze.yaml, "
            "catalog/slas/bronze.yaml)",
            ["sla-loosened"],
            id="sla-downgrade-behind-a-strong-decoy",
        ),
        pytest.param(
            {
                # An edit of payments-api hidden behind a tier-4 copy sorting first.
                PAYMENTS: service("payments-api", 1, "payments", "sla: bronze\n"),
                "catalog/services/a-payments.yaml": service(
                    "payments-api", 4, "platform", "sla: gold\n"
                ),
            },
            "Service 'payments-api' is defined by 2 files "
            "(catalog/services/a-payments.yaml, catalog/services/payments-api.yaml)",
            ["sla-loosened"],
            id="service-edit-behind-a-tier-4-copy",
        ),
        pytest.param(
            {"catalog/teams/zz-cab.yaml": team("cab", "mallory")},
            "Team 'cab' is defined by 2 files (catalog/teams/cab.yaml, catalog/teams/zz-cab.yaml)",
            [],
            id="second-team-of-a-name",
        ),
    ],
)
def test_a_duplicate_name_fails_closed_and_cannot_shadow_facts(
    tmp_path: Path, files: dict[str, str | None], duplicate: str, pending: list[str]
) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push(files)
    code, data, _result = repo.check(reviews=repo.reviews(*EVERYONE))
    assert code == 1
    assert any(
        e.startswith(duplicate) and e.endswith("the check fails closed") for e in errors(data)
    )
    # Facts come from each file's own path: the rules the real content needs still match.
    for name in pending:
        assert rules(data)[name] == "pending", name


def test_duplicate_attack_is_recorded_and_audited_as_not_approved(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push(
        {"changes/2026/chg-9.yaml": HIGH_RISK_TIER1, "changes/2026/a-decoy.yaml": change("chg-9")}
    )
    reviews = repo.reviews(("bobby", "APPROVED"))
    sha = merge(repo, MERGED_QUIETLY)
    written = record(repo, sha, reviews)
    assert written.decision == "not-approved"
    assert {r.name: r.status for r in written.rules}["high-risk"] == "pending"
    forge_note(repo, sha, ["bobby"])
    reason = violation(audit_row(repo, sha), "approval-not-valid")
    assert "ChangeRequest 'chg-9' is defined by 2 files" in reason
    assert "rule high-risk" in reason


# -- 3. unloadable files are not invisible -------------------------------------------
PADDED = HIGH_RISK_TIER1 + "#" * (1024 * 1024) + "\n"
DUPLICATE_KEY = change("chg-9", services="[payments-api]") + "  risk: high\n"
MERGE_KEY = change("chg-9", services="[payments-api]").replace(
    "  risk: low\n", "  <<: {risk: high}\n"
)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        pytest.param(DUPLICATE_KEY, "(duplicate-key)", id="duplicate-key"),
        pytest.param(MERGE_KEY, "(yaml-syntax)", id="merge-key"),
        pytest.param(PADDED, "over the 1048576-byte limit", id="oversize"),
    ],
)
def test_a_changed_file_that_does_not_load_fails_closed(
    tmp_path: Path, text: str, why: str
) -> None:
    # Other YAML readers take it for a high-risk tier-1 change; itsmcode cannot load it.
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2026/chg-9.yaml": text})
    reviews = repo.reviews(("bobby", "APPROVED"), ("carol", "APPROVED"), ("dave", "APPROVED"))
    code, data, _result = repo.check(reviews=reviews, fmt="json")
    assert code == 1
    (reason,) = [e for e in errors(data) if "does not load" in e]
    assert reason.startswith("changes/2026/chg-9.yaml (ChangeRequest chg-9) does not load: ")
    assert why in reason
    assert reason.endswith("(fix the file; itsm lint shows every problem)")
    # The same in the text a reviewer reads.
    _, _, text_result = repo.check(reviews=reviews, fmt="text")
    assert "changes/2026/chg-9.yaml (ChangeRequest chg-9) does not load" in text_result.output


def test_an_unloadable_service_edit_fails_closed_too(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    tier4 = service("payments-api", 4, "payments", "sla: gold\n")
    repo.push({PAYMENTS: tier4 + "spec: {tier: 1}\n"})  # a second top-level spec
    code, data, _ = repo.check(reviews=repo.reviews(*EVERYONE))
    assert code == 1
    assert any(
        e.startswith("catalog/services/payments-api.yaml (Service payments-api) does not load")
        and "(duplicate-key)" in e
        for e in errors(data)
    )


def test_unloadable_attack_is_recorded_and_audited_as_not_approved(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2026/chg-9.yaml": DUPLICATE_KEY})
    reviews = repo.reviews(("bobby", "APPROVED"))
    sha = merge(repo, MERGED_QUIETLY)
    assert record(repo, sha, reviews).decision == "not-approved"
    forge_note(repo, sha, ["bobby"])
    reason = violation(audit_row(repo, sha), "approval-not-valid")
    assert "changes/2026/chg-9.yaml (ChangeRequest chg-9) does not load" in reason
    assert "(duplicate-key)" in reason


# -- 5. two readers, two answers -----------------------------------------------------
TIER4_PAYMENTS = service("payments-api", 4, "payments", "sla: gold\n")
SHADOW = service("shadow", 1, "payments", "sla: gold\n")


def link(repo: PRRepo, path: str, target: str, files: dict[str, str | None]) -> None:
    repo.apply(files)
    (repo.root / path).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, repo.root / path)
    repo.head = repo.commit(f"link {path}")


ALIASES = [
    pytest.param(
        "Catalog/services/payments-api.yaml",
        "an alias of catalog",  # the gate names catalog/services, lint the folder Catalog
        "Catalog",
        id="folder-case-alias",
    ),
    pytest.param(
        "catalog/services/payments-api.YAML",
        "an alias of a YAML file name",
        "catalog/services/payments-api.YAML",
        id="extension-case",
    ),
    pytest.param(
        "catalog/services/payments-api.yaml.",
        "a name ending in a dot or space",
        "catalog/services/payments-api.yaml.",
        id="trailing-dot",
    ),
    pytest.param(
        "catalog/services/payments-api.yaml ",
        "a name ending in a dot or space",
        "catalog/services/payments-api.yaml ",
        id="trailing-space",
    ),
    pytest.param(
        "catalog/services/Payments-api.yaml",
        "differs from catalog/services/payments-api.yaml only in case",
        "catalog/services/Payments-api.yaml",
        id="case-clash",
    ),
    pytest.param(
        "catalog/services/pay\nments.yaml",
        "control character in the path",
        "catalog/services/pay\nments.yaml",
        id="newline",
    ),
]


#: Where the gate's words differ from lint's: a control character is refused in any
#: changed path (git/facts.py), in a kind's folder or not.
GATE_SAYS = {"catalog/services/pay\nments.yaml": "holds a control character (U+000A)"}


@pytest.mark.parametrize(("path", "why", "lint_path"), ALIASES)
def test_an_alias_path_fails_closed_and_is_a_lint_error(
    tmp_path: Path, path: str, why: str, lint_path: str
) -> None:
    # On a case-insensitive or Windows checkout the tier-4 copy may replace payments-api.
    repo = PRRepo(tmp_path / "r")
    repo.push({path: TIER4_PAYMENTS})
    code, data, _ = repo.check(reviews=repo.reviews(*EVERYONE))
    assert code == 1
    shown = path.replace("\n", "\\n")
    gate_why = GATE_SAYS.get(path, why)
    assert any(shown in e and gate_why in e for e in errors(data)), errors(data)
    # The work tree gives the same answer: lint refuses the same path.
    assert_lint_refuses(repo, lint_path, "unsafe-path", why)


@pytest.mark.parametrize(
    ("path", "target", "files", "refused"),
    [
        pytest.param(
            "catalog/services/shadow.yaml",
            "../../docs/shadow.yaml",
            {"docs/shadow.yaml": SHADOW},
            "catalog/services/shadow.yaml",
            id="linked-file",
        ),
        pytest.param(
            "catalog/services/more",
            "../../extra",
            {"extra/shadow.yaml": SHADOW},
            "catalog/services/more",
            id="linked-folder",
        ),
        pytest.param(
            "changes/2026",
            "../rfc",
            {"rfc/chg-9.yaml": HIGH_RISK_TIER1},
            "changes/2026",
            id="linked-change-folder",
        ),
    ],
)
def test_a_symbolic_link_fails_closed_and_is_a_lint_error(
    tmp_path: Path, path: str, target: str, files: dict[str, str | None], refused: str
) -> None:
    # A checkout follows the link to a valid tier-1 service (or change); git holds a path.
    repo = PRRepo(tmp_path / "r")
    link(repo, path, target, files)
    code, data, _ = repo.check(reviews=repo.reviews(*EVERYONE), now=FROZEN)
    assert code == 1
    assert any(
        e.startswith(f"{refused}: symbolic link; git stores the link") for e in errors(data)
    ), errors(data)
    assert_lint_refuses(repo, refused, "file-unreadable", "symbolic link; git stores the link")


def test_a_linked_kind_folder_is_refused_by_gate_and_lint(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    link(repo, "changes", "real-changes", {"real-changes/chg-9.yaml": HIGH_RISK_TIER1})
    code, data, _ = repo.check(reviews=repo.reviews(*EVERYONE), now=FROZEN)
    assert code == 1
    assert any(e.startswith("changes: symbolic link; git stores") for e in errors(data))
    assert_lint_refuses(repo, "changes", "file-unreadable", "symbolic link; git stores the link")


def test_link_attack_is_recorded_and_audited_as_not_approved(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    link(repo, "catalog/services/shadow.yaml", "../../docs/shadow.yaml", {"docs/x.yaml": SHADOW})
    reviews = repo.reviews(("bobby", "APPROVED"))
    sha = merge(repo, MERGED_QUIETLY)
    assert record(repo, sha, reviews).decision == "not-approved"
    forge_note(repo, sha, ["bobby"])
    reason = violation(audit_row(repo, sha), "approval-not-valid")
    assert "catalog/services/shadow.yaml: symbolic link" in reason


def test_alias_attack_is_recorded_and_audited_as_not_approved(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"Catalog/services/payments-api.yaml": TIER4_PAYMENTS})
    reviews = repo.reviews(("bobby", "APPROVED"))
    sha = merge(repo, MERGED_QUIETLY)
    assert record(repo, sha, reviews).decision == "not-approved"
    forge_note(repo, sha, ["bobby"])
    reason = violation(audit_row(repo, sha), "approval-not-valid")
    assert "Catalog/services/payments-api.yaml: an alias of catalog/services" in reason


def assert_lint_refuses(repo: PRRepo, path: str, rule_id: str, why: str) -> None:
    """``itsm lint`` on the PR's checkout reports ``path`` under ``rule_id``, and so does
    ``itsm lint --at HEAD``, which reads the same commit from git objects."""
    import json

    for at in ([], ["--at", "HEAD"]):
        if at and path == "Catalog":
            continue  # lint --at lists the kinds' folders only (docs/security.md)
        result = run_cli(["lint", "--format", "json", *at], cwd=repo.root)
        assert result.exit_code == 1, result.output
        found = [
            (d["rule"], d["message"])
            for d in json.loads(result.stdout)["diagnostics"]
            if d["path"] == path
        ]
        assert any(r == rule_id and why in m for r, m in found), (at, found)
