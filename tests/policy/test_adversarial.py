"""Adversarial scenarios: each test is a pull request that tries to break one security
property of policy.md, scripted on a real git repository and judged by the real CLI.

The base policy (tests/policy/prrepo.py) requires: owners of affected services; the
CAB for tier-1 services and (twice) for high-risk changes; service management for a
loosened SLA; on-call for emergencies and the ``hotfix`` label; two governance members
for processes/, .github/ and itsm.yaml; one team member for anything else.
"""

from __future__ import annotations

from pathlib import Path

from tests.policy.prrepo import (
    FROZEN,
    POLICY,
    POLICY_PATH,
    PRRepo,
    change,
    rule,
    rules,
    service,
    team,
)

WIKI = "catalog/services/wiki.yaml"
PAYMENTS = "catalog/services/payments-api.yaml"


def edit_wiki(repo: PRRepo) -> str:
    return repo.push(
        {WIKI: service("wiki", 4, "platform", "sla: bronze\ncomponents: [{type: repo, ref: x}]\n")}
    )


def edit_payments(repo: PRRepo) -> str:
    return repo.push(
        {
            PAYMENTS: service(
                "payments-api",
                1,
                "payments",
                "sla: gold\ncomponents: [{type: repo, ref: edited}]\n",
            )
        }
    )


# -- 1. policy, teams and calendars come from the base commit -------------------------
def test_pr_that_weakens_the_policy_is_judged_by_the_base_policy(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    weak = POLICY.split("  rules:")[0] + "  rules: []\n"
    repo.push(
        {
            POLICY_PATH: weak,
            PAYMENTS: service(
                "payments-api", 1, "payments", "sla: gold\ncomponents: [{type: repo, ref: x}]\n"
            ),
        }
    )
    code, data, _ = repo.check(reviews=repo.reviews(("pat", "APPROVED")))
    assert code == 1
    base = rules(data)
    assert base["governance"] == "pending" and base["tier-1"] == "pending"
    # The head policy is evaluated too, and would pass on its own: only the base stops it.
    assert data["decisions"][1]["policy"]["source"] == "head"
    assert data["decisions"][1]["approved"] is True
    assert data["approved"] is False


def test_pr_that_tightens_the_policy_must_also_satisfy_the_head_policy(
    tmp_path: Path,
) -> None:
    repo = PRRepo(tmp_path / "r")
    stricter = POLICY.replace(
        "defaultRule: {require: {count: 1}}", "defaultRule: {require: {count: 1, teams: [cab]}}"
    )
    repo.push({POLICY_PATH: stricter, "README.md": "hello\n"})
    reviews = repo.reviews(("gina", "APPROVED"), ("gus", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews)
    assert code == 1
    assert data["decisions"][0]["approved"] is True
    assert rules(data, 1)["defaultRule"] == "pending"


def test_pr_adding_its_author_to_a_team_gains_nothing(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"catalog/teams/cab.yaml": team("cab", "carol", "dave", "mallory")})
    edit_payments(repo)
    code, data, _ = repo.check(
        reviews=repo.reviews(("mallory", "APPROVED")), event=repo.event(author="pat")
    )
    assert code == 1
    assert rules(data)["tier-1"] == "pending"
    assert "mallory" not in rule(data, "tier-1")["candidates"]
    assert rule(data, "tier-1")["approvers"] == []


# -- 2. the author never counts; logins compare exactly, case-insensitively ----------
def test_author_self_approval_does_not_count(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    code, data, _ = repo.check(
        reviews=repo.reviews(("pat", "APPROVED")), event=repo.event(author="pat")
    )
    assert code == 1
    assert rules(data)["owners"] == "pending"
    ignored = data["decisions"][0]["ignoredApprovals"]
    assert ignored == [{"login": "pat", "reason": "is the pull request's author"}]
    # ... and the author is never suggested as someone who could approve.
    assert rule(data, "owners")["candidates"] == ["bobby"]


def test_author_approval_in_different_case_does_not_count(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    code, data, _ = repo.check(
        reviews=repo.reviews(("PAT", "APPROVED")), event=repo.event(author="Pat")
    )
    assert code == 1
    assert rule(data, "owners")["approvers"] == []


def test_lookalike_unicode_login_never_matches_a_member(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_payments(repo)
    # "cаrol" with a Cyrillic "а" (U+0430) looks like the CAB member carol.
    reviews = repo.reviews(("bob", "APPROVED"), ("c\u0430rol", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews)
    assert code == 1
    assert rules(data)["tier-1"] == "pending"
    assert rule(data, "owners")["approvers"] == ["bob"]
    assert data["decisions"][0]["ignoredApprovals"] == [
        {"login": "c\u0430rol", "reason": "is not a valid GitHub login (look-alike characters?)"}
    ]


def test_prefix_login_does_not_match_a_member(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_payments(repo)
    # bobby (platform) is not bob (payments); "bo" is nobody.
    reviews = repo.reviews(("bobby", "APPROVED"), ("bo", "APPROVED"), ("carol", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews)
    assert code == 1
    assert rules(data)["owners"] == "pending"
    assert rule(data, "owners")["missing"] == ["1 approval from team payments"]


def test_reviewer_outside_every_team_does_not_count(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"README.md": "docs\n"})
    code, data, _ = repo.check(reviews=repo.reviews(("stranger", "APPROVED")))
    assert code == 1
    assert rules(data)["defaultRule"] == "pending"
    assert data["decisions"][0]["ignoredApprovals"] == [
        {"login": "stranger", "reason": "is not a member of any team at the base commit"}
    ]


# -- 3. latest review wins; dismissals and later change requests cancel ---------------
def test_changes_requested_after_approval_cancels_it(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    reviews = repo.reviews(("bobby", "APPROVED"), ("bobby", "CHANGES_REQUESTED"))
    code, data, _ = repo.check(reviews=reviews)
    assert code == 1
    assert rules(data)["owners"] == "pending"


def test_dismissed_approval_does_not_count(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "DISMISSED")))
    assert code == 1
    assert rule(data, "owners")["approvers"] == []


def test_comment_after_approval_keeps_it(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED"), ("bobby", "COMMENTED")))
    assert code == 0, data
    assert rule(data, "owners")["approvers"] == ["bobby"]


# -- 4. approvals are for the head commit (invalidateOnPush) ---------------------------
def test_stale_approval_on_an_older_head_does_not_count(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    first = edit_wiki(repo)
    repo.push(
        {
            WIKI: service(
                "wiki", 4, "platform", "sla: bronze\ncomponents: [{type: repo, ref: sneaky}]\n"
            )
        }
    )
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED", first)))
    assert code == 1
    ignored = data["decisions"][0]["ignoredApprovals"]
    assert ignored[0]["login"] == "bobby" and "not the head" in ignored[0]["reason"]


def test_reviews_for_another_pull_request_head_do_not_count(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    code, _, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED", "f" * 40)))
    assert code == 1


def test_approval_on_the_head_counts(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")))
    assert code == 0
    assert data["approved"] is True


# -- 5. uncovered changes fall to defaultRule; a broken policy fails closed -----------
def test_change_no_rule_covers_falls_to_default_rule(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"catalog/teams/oncall.yaml": team("oncall", "olga", "oscar")})
    code, data, _ = repo.check()
    assert code == 1
    assert rule(data, "defaultRule")["matched"] == ["Team oncall"]
    code, data, _ = repo.check(reviews=repo.reviews(("sven", "APPROVED")))
    assert code == 0


def test_empty_policy_file_fails_closed(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r", {POLICY_PATH: ""})
    edit_wiki(repo)
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED"), ("gina", "APPROVED")))
    assert code == 1
    assert "fails closed" in data["decisions"][0]["errors"][0]


def test_missing_policy_fails_closed(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r", {POLICY_PATH: None})
    edit_wiki(repo)
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")))
    assert code == 1
    assert "does not exist" in data["decisions"][0]["errors"][0]


def test_invalid_policy_yaml_fails_closed(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r", {POLICY_PATH: POLICY + "  oops: [unclosed\n"})
    edit_wiki(repo)
    code, _, result = repo.check(reviews=repo.reviews(("bobby", "APPROVED")), fmt="text")
    assert code == 1
    assert "invalid approval policy" in result.output
    assert "NOT APPROVED" in result.output


def test_pr_deleting_the_policy_fails_closed_on_the_head_side(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({POLICY_PATH: None})
    code, data, _ = repo.check(reviews=repo.reviews(("gina", "APPROVED"), ("gus", "APPROVED")))
    assert code == 1
    assert data["decisions"][0]["approved"] is True
    assert data["decisions"][1]["errors"]


# -- 6. deleting or renaming is a change of the entity ---------------------------------
def test_deleting_a_tier1_service_needs_its_owners_and_the_cab(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({PAYMENTS: None})
    code, data, _ = repo.check(
        reviews=repo.reviews(("bobby", "APPROVED")), event=repo.event(author="pat")
    )
    assert code == 1
    assert rules(data)["owners"] == "pending" and rules(data)["tier-1"] == "pending"
    assert rule(data, "owners")["missing"] == ["1 approval from team payments"]
    code, _, _ = repo.check(
        reviews=repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED")),
        event=repo.event(author="pat"),
    )
    assert code == 0


def test_renaming_a_service_needs_the_owners_of_the_old_one(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.git("mv", PAYMENTS, "catalog/services/payments-gateway.yaml")
    repo.push(
        {
            "catalog/services/payments-gateway.yaml": service(
                "payments-gateway", 1, "platform", "sla: gold\n"
            )
        }
    )
    code, data, _ = repo.check(
        reviews=repo.reviews(("bobby", "APPROVED")), event=repo.event(author="pat")
    )
    assert code == 1
    owners = rule(data, "owners")
    assert "1 approval from team payments" in owners["missing"]
    assert rules(data)["tier-1"] == "pending"


def test_lowering_a_tier1_service_in_the_same_pr_still_needs_the_cab(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({PAYMENTS: service("payments-api", 4, "payments", "sla: gold\n")})
    code, data, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED")))
    assert code == 1
    assert rules(data)["tier-1"] == "pending"


def test_switching_a_service_to_a_weaker_sla_is_a_loosening(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({PAYMENTS: service("payments-api", 1, "payments", "sla: bronze\n")})
    code, data, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED")))
    assert code == 1
    assert rules(data)["sla-loosened"] == "pending"


def test_owner_team_created_in_the_pr_cannot_approve_its_new_service(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push(
        {
            "catalog/teams/shadow.yaml": team("shadow", "mallory"),
            "catalog/services/shadow-svc.yaml": service("shadow-svc", 3, "shadow"),
        }
    )
    code, data, _ = repo.check(
        reviews=repo.reviews(("mallory", "APPROVED")), event=repo.event(author="pat")
    )
    assert code == 1
    assert any("does not exist at the base commit" in m for m in rule(data, "owners")["missing"])


# -- freezes ------------------------------------------------------------------------
def test_freeze_blocks_a_normal_change_request(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2026/chg-1.yaml": change("chg-1")})
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")), now=FROZEN)
    assert code == 1
    freeze = data["decisions"][0]["freeze"]
    assert freeze["active"] == "change-freezes/year-end"
    assert freeze["blocking"] == ["ChangeRequest chg-1"]
    # The same pull request outside the freeze is fine.
    code, _, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")))
    assert code == 0


def test_freeze_allows_an_emergency_change_request(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2026/chg-2.yaml": change("chg-2", type="emergency", status="in-progress")})
    reviews = repo.reviews(("bobby", "APPROVED"), ("olga", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews, now=FROZEN)
    assert code == 0, data
    assert data["decisions"][0]["freeze"]["exceptionUsed"] is True


def test_freeze_blocks_relabelling_only_one_of_two_change_requests(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push(
        {
            "changes/2026/chg-2.yaml": change("chg-2", type="emergency", status="in-progress"),
            "changes/2026/chg-3.yaml": change("chg-3"),
        }
    )
    reviews = repo.reviews(("bobby", "APPROVED"), ("olga", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews, now=FROZEN)
    assert code == 1
    assert data["decisions"][0]["freeze"]["blocking"] == ["ChangeRequest chg-3"]


def test_pr_without_change_requests_passes_during_a_freeze(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")), now=FROZEN)
    assert code == 0
    assert data["decisions"][0]["freeze"]["active"] is None


# -- PR facts from the payloads -------------------------------------------------------
def test_review_event_sender_is_not_taken_for_the_author(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    review = {
        "id": 555,
        "user": {"login": "bobby", "id": 9},
        "state": "approved",
        "commit_id": repo.head,
        "submitted_at": "2026-11-20T11:00:00Z",
    }
    event = repo.event(author="pat", sender="bobby", review=review)
    # No --reviews: the review of the event itself is used; bobby (the sender) counts.
    code, data, _ = repo.check(event=event)
    assert code == 0, data
    assert data["pullRequest"]["author"] == "pat"
    assert rule(data, "owners")["approvers"] == ["bobby"]


def test_committer_does_not_count_when_allow_committers_is_false(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    # bob commits the edit (his email is in the payments team file); alice opens the PR.
    repo.push(
        {
            PAYMENTS: service(
                "payments-api", 1, "payments", "sla: gold\ncomponents: [{type: repo, ref: y}]\n"
            )
        },
        email="bob@example.com",
    )
    code, data, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED")))
    assert code == 1
    assert data["pullRequest"]["committers"] == ["bob"]
    assert rules(data)["owners"] == "pending"


def test_committer_counts_when_allow_committers_is_true(tmp_path: Path) -> None:
    lenient = POLICY.replace("allowCommitters: false", "allowCommitters: true")
    repo = PRRepo(tmp_path / "r", {POLICY_PATH: lenient})
    repo.push(
        {
            PAYMENTS: service(
                "payments-api", 1, "payments", "sla: gold\ncomponents: [{type: repo, ref: y}]\n"
            )
        },
        email="bob@example.com",
    )
    code, _, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED")))
    assert code == 0


def test_label_triggers_its_rule(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    edit_wiki(repo)
    reviews = repo.reviews(("bobby", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews, event=repo.event(labels=("HotFix",)))
    assert code == 1
    assert rules(data)["hotfix-label"] == "pending"
    code, data, _ = repo.check(
        reviews=reviews,
        event=repo.event(),
    )
    assert rules(data)["hotfix-label"] == "skipped" and code == 0
    # A label given on the command line counts like one from the payload.
    code, _, _ = repo.check("--label", "hotfix", reviews=reviews)
    assert code == 1


def test_high_risk_change_needs_two_distinct_cab_members(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2026/chg-4.yaml": change("chg-4", risk="high")})
    # carol approving twice is still one person.
    reviews = repo.reviews(("bobby", "APPROVED"), ("carol", "APPROVED"), ("CAROL", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews)
    assert code == 1
    assert rule(data, "high-risk")["missing"] == ["1 more approval from team cab"]


def test_editing_an_sla_needs_the_owners_of_the_services_using_it(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push(
        {
            "catalog/slas/gold.yaml": (tmp_path / "r/catalog/slas/gold.yaml")
            .read_text()
            .replace("99.9", "99.5")
        }
    )
    code, data, _ = repo.check(reviews=repo.reviews(("sven", "APPROVED")))
    assert code == 1
    owners = rule(data, "owners")
    assert owners["missing"] == ["1 approval from team payments"]
    assert rules(data)["sla-loosened"] == "satisfied"
    assert rules(data)["tier-1"] == "pending"


def test_pr_removing_the_freeze_from_the_calendar_is_still_frozen(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    calendar = (tmp_path / "r/catalog/calendars/change-freezes.yaml").read_text()
    repo.push(
        {
            "catalog/calendars/change-freezes.yaml": calendar.split("  freezes:")[0],
            "changes/2026/chg-8.yaml": change("chg-8"),
        }
    )
    code, data, _ = repo.check(reviews=repo.reviews(("bobby", "APPROVED")), now=FROZEN)
    assert code == 1
    assert data["decisions"][0]["freeze"]["blocking"] == ["ChangeRequest chg-8"]


def test_pr_handing_a_service_to_another_team_needs_the_current_owner(
    tmp_path: Path,
) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({PAYMENTS: service("payments-api", 1, "platform", "sla: gold\n")})
    reviews = repo.reviews(("bobby", "APPROVED"), ("carol", "APPROVED"))
    code, data, _ = repo.check(reviews=reviews, event=repo.event(author="pat"))
    assert code == 1
    assert rule(data, "owners")["missing"] == ["1 approval from team payments"]
    reviews = repo.reviews(("bobby", "APPROVED"), ("carol", "APPROVED"), ("bob", "APPROVED"))
    code, _, _ = repo.check(reviews=reviews, event=repo.event(author="pat"))
    assert code == 0


def test_sla_left_invalid_counts_as_loosened(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    gold = (tmp_path / "r/catalog/slas/gold.yaml").read_text()
    repo.push({"catalog/slas/gold.yaml": gold.replace("target: 99.9", "target: lots")})
    code, data, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED")))
    assert code == 1
    assert rules(data)["sla-loosened"] == "pending"
