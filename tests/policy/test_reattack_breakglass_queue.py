"""A second red-team pass over break-glass (docs/break-glass.md), attacks that
tests/policy/test_break_glass.py does not already try: identities spelled another way,
teams that do not exist, invisible reasons, and a break-glass pull request that also
touches the files that run the gate. Same repository as there (``glass_repo``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli
from tests.policy.attack import MERGED_QUIETLY, audit_row, record, violation
from tests.policy.mergequeue import (
    Pull,
    build_group,
    check_group,
    merge_group_event,
    open_pull,
    queued_file,
)
from tests.policy.prrepo import (
    POLICY,
    POLICY_PATH,
    QUIET,
    PRRepo,
    change,
    merge,
    rule,
    rules,
    team,
)
from tests.policy.test_break_glass import (
    BREAK_GLASS,
    CHANGE,
    EMERGENCY,
    REASON,
    breakglass,
    glass,
    glass_repo,
    refused,
)
from tests.policy.test_maintenance_gate import (
    NEW,
    NIGHT,
    assert_held_outside,
    new_change,
    outside,
    windows_repo,
)


# -- identities -------------------------------------------------------------------------
def test_the_invoker_in_another_case_is_the_same_member(tmp_path: Path) -> None:
    # GitHub logins compare case-insensitively: "SAM" is sam, a member, and is shown as sent.
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("SAM")))
    assert code == 0 and data["approvedBy"] == "break-glass"
    assert breakglass(data)["used"]["invoker"] == "SAM"


def test_a_team_member_listed_in_another_case_still_counts_once(tmp_path: Path) -> None:
    repo = glass_repo(
        tmp_path, **{"catalog/teams/sre-oncall.yaml": team("sre-oncall", "Sam", "alice")}
    )
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 0 and data["approvedBy"] == "break-glass"


def test_a_writer_in_another_case_cannot_break_the_glass(tmp_path: Path) -> None:
    # pat wrote a commit (tied by pat@example.com); "PAT" is still pat.
    repo = glass_repo(tmp_path)
    repo.push({"docs/runbook.md": "restart it\n"}, email="pat@example.com")
    code, data, _ = repo.check(reviews=repo.reviews(glass("PAT")))
    assert code == 1 and data["approvedBy"] is None
    assert refused(data)["PAT"] == "authored, committed or co-authored a commit of the pull request"


def test_the_author_in_another_case_in_the_event_cannot_break_the_glass(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("alice")), event=repo.event("ALICE"))
    assert code == 1
    assert refused(data)["alice"].startswith("is the pull request's author")


def test_an_email_is_no_login_to_invoke_with(tmp_path: Path) -> None:
    # pat's team entry has an email; a review "by" that email is no GitHub login.
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("pat@example.com")))
    assert code == 1 and data["approvedBy"] is None
    assert refused(data)["pat@example.com"] == (
        "is not a valid GitHub login (look-alike characters?)"
    )


def test_a_break_glass_team_missing_at_the_base_has_no_members(tmp_path: Path) -> None:
    # The policy names a team that does not exist at the base; the pull request adds it.
    policy = (POLICY + BREAK_GLASS).replace("teams: [sre-oncall]", "teams: [sre-night]")
    repo = glass_repo(tmp_path, **{POLICY_PATH: policy})
    repo.push({"catalog/teams/sre-night.yaml": team("sre-night", "bob")})
    code, data, _ = repo.check(reviews=repo.reviews(glass("bob"), glass("sam")))
    assert code == 1 and data["approvedBy"] is None
    assert refused(data)["bob"] == "is not a member of sre-night at the base commit"
    assert refused(data)["sam"] == "is not a member of sre-night at the base commit"


# -- the reason -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "reason",
    [
        "\u2003" * 20,  # em spaces
        "\u00a0\u3000" * 10,  # no-break and ideographic spaces
        "\u200b" * 20,  # zero-width spaces (not whitespace to str.strip)
        "\u200d\u2060\ufeff" * 7,  # zero-width joiner, word joiner, BOM
        "\u200b \u200c\t\u200d\n" * 5,  # a mix
    ],
)
def test_an_invisible_reason_is_no_reason(tmp_path: Path, reason: str) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", "break-glass:" + reason)))
    assert code == 1 and data["approvedBy"] is None
    assert refused(data)["sam"].startswith("the reason is empty or shorter than 12 characters")


def test_a_zero_width_space_before_the_marker_is_no_marker(tmp_path: Path) -> None:
    repo = glass_repo(tmp_path)
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam", "\u200b" + REASON)))
    assert code == 1
    assert refused(data)["sam"] == (
        "the review does not start with the exact marker 'break-glass:' (lower case)"
    )


# -- what the pull request changes ---------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/approval.yml",
        ".github/CODEOWNERS",
        "processes/other-policy.yaml",
    ],
)
def test_break_glass_cannot_let_through_a_change_to_governed_paths(
    tmp_path: Path, path: str
) -> None:
    repo = glass_repo(tmp_path)
    repo.push({path: "on: push\njobs: {}\n"})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 1 and data["approvedBy"] is None
    assert (
        f"{path}: break-glass lets through ITSM records only, not other files (workflows, "
        "code, documents); it needs the normal approvals"
    ) in breakglass(data)["problems"]


# -- the retrospective ---------------------------------------------------------------------
REVIEWED = "  status: planned\n  review: {summary: Restarted the pool., reviewedAt: 2026-11-25}\n"


def late_retrospective(
    repo: PRRepo, files: dict[str, str | None], when: str, approved_at: str, approver: str
) -> str:
    """bob's later pull request changing ``files``, approved by ``approver`` at
    ``approved_at`` (GitHub's time), merged with a commit dated ``when`` and recorded."""
    repo.git("checkout", "-q", "-B", "pr", "main")
    repo.base = repo.head = repo.git("rev-parse", "HEAD")
    repo.push(files, email="bob@example.com")
    path = repo.reviews((approver, "APPROVED"))
    items = json.loads(path.read_text(encoding="utf-8"))
    items[0]["submitted_at"] = approved_at
    path.write_text(json.dumps(items), encoding="utf-8")
    sha = merge(repo, when)
    record(repo, sha, path, repo.event(author="bob"))
    return sha


def overdue_reason(repo: PRRepo, sha: str) -> str:
    row = audit_row(repo, sha)
    assert row["breakGlass"]["retrospective"]["status"] == "overdue"
    return violation(row, "break-glass-retrospective-overdue")


def test_a_retrospective_of_another_change_request_does_not_close_the_clock(
    tmp_path: Path,
) -> None:
    other = "changes/2026/chg-2.yaml"
    repo = glass_repo(tmp_path, **{other: change("chg-2")})
    sha = merge(repo, MERGED_QUIETLY)
    record(repo, sha, repo.reviews(glass("sam")))
    late_retrospective(
        repo,
        {other: change("chg-2").replace("  status: planned\n", REVIEWED)},
        "2026-11-25T09:00:00+01:00",
        "2026-11-25T07:00:00Z",
        "carol",
    )
    reason = overdue_reason(repo, sha)
    assert "adding spec.review to chg-1 by the 3d deadline" in reason
    assert "later change(s) added spec.review" not in reason


def test_a_backdated_retrospective_merge_does_not_count_a_late_approval(tmp_path: Path) -> None:
    # carol approved on 2026-11-28 (after the 27th's deadline); whoever merged dated the
    # merge commit the 25th. GitHub's time of the approval is after the claimed landing:
    # the approval is not counted and the clock stays open.
    repo = glass_repo(tmp_path)
    sha = merge(repo, MERGED_QUIETLY)
    record(repo, sha, repo.reviews(glass("sam")))
    late_retrospective(
        repo,
        {CHANGE: EMERGENCY.replace("  status: planned\n", REVIEWED)},
        "2026-11-25T09:00:00+01:00",
        "2026-11-28T08:00:00Z",
        "carol",
    )
    reason = overdue_reason(repo, sha)
    assert "(1 later change(s) added spec.review without them)" in reason


def test_a_retrospective_pushed_to_main_without_a_pull_request_does_not_count(
    tmp_path: Path,
) -> None:
    repo = glass_repo(tmp_path)
    sha = merge(repo, MERGED_QUIETLY)
    record(repo, sha, repo.reviews(glass("sam")))
    repo.apply({CHANGE: EMERGENCY.replace("  status: planned\n", REVIEWED)})
    repo.commit("retrospective", "carol@example.com", "Carol")  # straight on main, no note
    reason = overdue_reason(repo, sha)
    assert "(1 later change(s) added spec.review without them)" in reason


# -- the merge queue -----------------------------------------------------------------------
def check_named(repo: PRRepo, pulls: list[Pull], head: str, number: str) -> tuple[int, Any]:
    """``itsm policy check`` of the group with its head_ref naming ``pr-<number>``."""
    base = repo.git("rev-parse", "main")
    event = merge_group_event(repo, pulls[-1].number, head, base)
    payload = json.loads(event.read_text(encoding="utf-8"))
    payload["merge_group"]["head_ref"] = f"refs/heads/gh-readonly-queue/main/pr-{number}-{base}"
    event.write_text(json.dumps(payload), encoding="utf-8")
    args = ["policy", "check", "--repo", str(repo.root), "--now", QUIET, "--event", str(event)]
    for pull in pulls:
        args += ["--queued", str(queued_file(repo, pull, base))]
    result = run_cli([*args, "--format", "json"], env={"GITHUB_STEP_SUMMARY": ""})
    return result.exit_code, json.loads(result.output) if result.exit_code < 2 else None


def unapproved_group(repo: PRRepo) -> tuple[Pull, Pull, str]:
    """#11 approved, #12 (last in the group) not."""
    a = open_pull(repo, 11, {"docs/a.md": "a\n"})
    a.reviews = [("bobby", "APPROVED")]
    b = open_pull(repo, 12, {"docs/b.md": "b\n"})
    return a, b, build_group(repo, [a, b])


def test_a_head_ref_number_with_leading_zeros_is_the_same_pull_request(tmp_path: Path) -> None:
    # pr-0012 is #12: the unapproved pull request is still judged, not skipped.
    repo = PRRepo(tmp_path / "r")
    a, b, head = unapproved_group(repo)
    code, data = check_named(repo, [a, b], head, "0012")
    assert code == 1
    assert data["problems"] == []
    assert {p["pullRequest"]["number"]: p["approved"] for p in data["pullRequests"]} == {
        11: True,
        12: False,
    }


@pytest.mark.parametrize("number", ["11", "99999999999999999999999999"])
def test_a_head_ref_naming_another_pull_request_fails_closed(tmp_path: Path, number: str) -> None:
    # The group ends with #12 (unapproved); a head_ref naming #11 or a huge number
    # cannot turn the group into one of approved pull requests only.
    repo = PRRepo(tmp_path / "r")
    a, _, head = unapproved_group(repo)
    code, data = check_named(repo, [a], head, number)
    assert code == 1
    assert (
        f"the group's head {head[:12]} holds commits that land no queued pull request "
        f"({head[:12]}): nobody approved them, the group fails closed"
    ) in data["problems"]


def test_a_queued_file_giving_an_older_approved_head_fails_closed(tmp_path: Path) -> None:
    # #11 was approved on its first commit, then pushed a second one and was queued with
    # it. A queued file still naming the approved first commit (and its approvals) does
    # not match what the group holds.
    repo = PRRepo(tmp_path / "r")
    a = open_pull(repo, 11, {"docs/a.md": "a\n"})
    approved = a.head
    a.head = repo.push({"docs/a.md": "a, and a payload\n"})
    head = build_group(repo, [a])
    a.head, a.reviews = approved, [("bobby", "APPROVED")]
    code, data, _ = check_group(repo, [a], head)
    assert code == 1
    assert data["problems"][0] == (
        f"pull request #11 at its current head {approved[:12]} is not what the group holds "
        "(its head moved after it was queued, or it is no part of this group): the group "
        "fails closed"
    )


# -- the maintenance-window predicate -------------------------------------------------------
@pytest.mark.parametrize(
    "window",
    [
        # Starts in Tuesday's 22:00-02:00 window, ends after it.
        ("2027-02-02T22:30:00+01:00", "2027-02-03T02:30:00+01:00"),
        # From Tuesday's window to Wednesday's: inside two windows, not one.
        ("2027-02-02T22:30:00+01:00", "2027-02-03T23:00:00+01:00"),
        # Ends in the window, starts before it.
        ("2027-02-02T21:00:00+01:00", "2027-02-02T23:00:00+01:00"),
        # 14:00 Berlin spelled in UTC.
        ("2027-02-02T13:00:00Z", "2027-02-02T14:00:00Z"),
    ],
)
def test_a_change_only_partly_in_a_window_is_outside(
    tmp_path: Path, window: tuple[str, str]
) -> None:
    repo = windows_repo(tmp_path)
    repo.push({NEW: new_change(window=window)})
    code, data, _ = repo.check()
    assert code == 1
    assert_held_outside(data)


def test_a_window_spelled_in_another_offset_is_the_same_window(tmp_path: Path) -> None:
    # 21:30-22:30 UTC is 22:30-23:30 Berlin: inside weeknights.
    repo = windows_repo(tmp_path)
    repo.push({NEW: new_change(window=("2027-02-02T21:30:00Z", "2027-02-02T22:30:00Z"))})
    _, data, _ = repo.check()
    assert outside(data) is False
    assert rules(data)["outside-window"] == "skipped"


def test_adding_a_service_without_windows_does_not_hide_one_with_windows(tmp_path: Path) -> None:
    # checkout agrees no window; payments-api's weeknights still bind the change.
    repo = windows_repo(tmp_path)
    repo.push({NEW: new_change("[checkout, payments-api]")})
    code, data, _ = repo.check()
    assert code == 1
    assert_held_outside(data)


def test_moving_an_existing_change_out_of_its_window_is_judged_as_it_leaves(
    tmp_path: Path,
) -> None:
    repo = windows_repo(tmp_path)
    repo.git("checkout", "-q", "main")
    repo.apply({NEW: new_change(window=NIGHT)})
    repo.base = repo.commit("the change, in the window")
    repo.git("checkout", "-q", "pr")
    repo.git("reset", "-q", "--hard", repo.base)
    repo.push({NEW: new_change()})
    code, data, _ = repo.check()
    assert code == 1
    assert outside(data) is True
    # Both versions are judged: the CAB for the afternoon it leaves it in (and on-call
    # for the night it had), never neither.
    assert rules(data)["outside-window"] == "pending"
    assert rule(data, "outside-window")["matched"] == ["ChangeRequest chg-new"]
    assert rules(data)["inside-window"] == "pending"


def test_break_glass_cannot_let_through_a_change_to_a_team(tmp_path: Path) -> None:
    # Teams are who approves: an emergency that also adds bob to governance would let
    # the next policy change through on bob's approval, never approved by anyone.
    repo = glass_repo(tmp_path)
    repo.push({"catalog/teams/governance.yaml": team("governance", "gina", "gus", "bob")})
    code, data, _ = repo.check(reviews=repo.reviews(glass("sam")))
    assert code == 1 and data["approvedBy"] is None
    assert breakglass(data)["problems"] == [
        "Team governance: break-glass cannot let through a change to a team (teams decide "
        "who approves); it needs the normal approvals"
    ]
