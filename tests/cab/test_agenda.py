"""``itsm cab agenda`` through the real CLI on a real git repository: a stored ``policy
check --format json`` result of an open pull request, a branch given as a ref, and the
planned changes on main; expected values written out by hand (risk cross-checked with
``itsm risk``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import run_cli
from tests.policy.prrepo import POLICY, POLICY_PATH, PRRepo, change

MAIN_CHANGE = change("chg-m", services="[payments-api]").replace(
    '"2027-02-02T22:00:00+01:00", end: "2027-02-02T23:00:00+01:00"',
    '"2027-02-02T22:30:00+01:00", end: "2027-02-02T23:30:00+01:00"',
)
FAR_CHANGE = change("chg-far", services="[payments-api]").replace("2027-02-02", "2027-03-02")
WIKI_HIGH = change("chg-b", services="[wiki]", risk="high").replace("2027-02-02", "2027-02-03")
WIKI_LOW = change("chg-c", services="[wiki]").replace("2027-02-02", "2027-02-04")


def meeting_repo(tmp_path: Path) -> tuple[PRRepo, Path]:
    """main: chg-m (tier 1, Tue 22:30) and chg-far (March); the pull request on branch
    'pr' adds chg-a (tier 1, Tue 22:00, overlapping chg-m), its stored result approved
    by bob (payments) only; branch 'feature' adds chg-b (high risk) and chg-c (low, a
    tier-4 service: no CAB rule)."""
    repo = PRRepo(
        tmp_path / "r",
        {"changes/2027/chg-m.yaml": MAIN_CHANGE, "changes/2027/chg-far.yaml": FAR_CHANGE},
    )
    repo.push({"changes/2027/chg-a.yaml": change("chg-a", services="[payments-api]")})
    code, data, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED")))
    assert code == 1
    stored = tmp_path / "pr-7.json"
    stored.write_text(json.dumps(data), encoding="utf-8")
    repo.git("checkout", "-q", "-b", "feature", repo.base)
    repo.apply({"changes/2027/chg-b.yaml": WIKI_HIGH, "changes/2027/chg-c.yaml": WIKI_LOW})
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    return repo, stored


def agenda(repo: PRRepo, *args: str) -> Any:
    result = run_cli(["cab", "agenda", "--repo", str(repo.root), "--date", "2027-02-01", *args])
    assert result.exit_code == 0, result.output
    return result.output


def risk_of(repo: PRRepo, name: str) -> dict[str, Any]:
    result = run_cli(["risk", name, "--repo", str(repo.root), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    return {"score": data["score"], "level": data["computed"]}


def test_the_agenda_orders_pull_requests_refs_and_main_by_window(tmp_path: Path) -> None:
    repo, stored = meeting_repo(tmp_path)
    data = json.loads(
        agenda(repo, "--results", str(stored), "--ref", "feature", "--format", "json")
    )
    assert data["horizon"] == {
        "since": "2027-02-01T00:00:00+01:00",
        "until": "2027-02-08T00:00:00+01:00",
    }
    items = {i["change"]: i for i in data["items"]}
    # chg-far (March) is past the horizon; chg-c needs no CAB rule.
    assert [i["change"] for i in data["items"]] == ["chg-a", "chg-m", "chg-b"]
    a, m, b = items["chg-a"], items["chg-m"], items["chg-b"]
    assert (a["source"], a["pullRequest"], a["author"]) == ("pull request #7", 7, "alice")
    assert a["cabRules"] == ["tier-1"]
    assert a["approved"] is False
    assert a["missingApprovals"] == ["1 approval from team cab"]
    assert a["meaning"][0] == "added ChangeRequest chg-a"
    assert a["window"] == {
        "start": "2027-02-02T22:00:00+01:00",
        "end": "2027-02-02T23:00:00+01:00",
    }
    assert a["conflicts"] == [
        "overlaps chg-m (2027-02-02T22:30:00+01:00 to 2027-02-02T23:30:00+01:00), which "
        "also changes service 'payments-api'"
    ]
    assert (m["source"], m["approved"], m["missingApprovals"]) == ("base (merged)", None, None)
    assert m["cabRules"] == ["tier-1"]
    assert m["conflicts"] == [
        "overlaps chg-a (2027-02-02T22:00:00+01:00 to 2027-02-02T23:00:00+01:00), which "
        "also changes service 'payments-api'"
    ]
    assert m["computedRisk"] == risk_of(repo, "chg-m")
    assert (b["source"], b["cabRules"], b["approved"]) == ("ref feature", ["high-risk"], False)
    # No review yet: the owners (platform), and two CAB members for a high-risk change.
    assert b["missingApprovals"] == ["1 approval from team platform", "2 approvals from team cab"]
    assert b["conflicts"] == []


def test_the_days_option_and_the_date_choose_the_horizon(tmp_path: Path) -> None:
    repo, stored = meeting_repo(tmp_path)
    data = json.loads(agenda(repo, "--days", "2", "--results", str(stored), "--format", "json"))
    # 2027-02-01 to 02-03 00:00: chg-a and chg-m, not chg-b (not given) nor chg-far.
    assert [i["change"] for i in data["items"]] == ["chg-a", "chg-m"]
    result = run_cli(
        ["cab", "agenda", "--repo", str(repo.root), "--date", "2027-03-01", "--format", "json"]
    )
    assert [i["change"] for i in json.loads(result.output)["items"]] == ["chg-far"]


def test_markdown_fits_a_meeting_page(tmp_path: Path) -> None:
    repo, stored = meeting_repo(tmp_path)
    out = agenda(repo, "--results", str(stored), "--format", "markdown")
    lines = out.splitlines()
    assert lines[0] == (
        "## CAB agenda 2027-02-01 to 2027-02-08 (Europe/Berlin): 2 changes for team cab"
    )
    assert lines[2] == (
        "| # | Change | When | From | Services | Risk | Needs | Approvals | Conflicts |"
    )
    assert lines[4].startswith(
        "| 1 | **chg-a**<br>normal, planned | Tue 2027-02-02 22:00–23:00 | "
        "pull request #7 by alice | payments-api | declared low, computed "
    )
    assert lines[4].endswith(
        "| tier-1 | missing: 1 approval from team cab | ⚠️ overlaps chg-m "
        "(2027-02-02T22:30:00+01:00 to 2027-02-02T23:30:00+01:00), which also changes "
        "service 'payments-api' |"
    )
    assert "### What the pull requests change" in lines
    assert "- **chg-a** (pull request #7):" in lines


def test_text_lists_each_change_with_what_the_cab_weighs(tmp_path: Path) -> None:
    repo, stored = meeting_repo(tmp_path)
    out = agenda(repo, "--results", str(stored))
    assert "1. chg-a\n   when:      Tue 2027-02-02 22:00–23:00\n" in out
    assert "   from:      pull request #7 by alice\n" in out
    assert "   approvals: missing: 1 approval from team cab\n" in out
    assert "   diff:      added ChangeRequest chg-a\n" in out


def test_a_result_whose_commits_are_not_here_is_still_listed(tmp_path: Path) -> None:
    repo, stored = meeting_repo(tmp_path)
    data = json.loads(stored.read_text(encoding="utf-8"))
    data["pullRequest"]["head"] = "f" * 40
    stored.write_text(json.dumps(data), encoding="utf-8")
    out = json.loads(agenda(repo, "--results", str(stored), "--format", "json"))
    item = next(i for i in out["items"] if i["change"] == "chg-a")
    assert item["window"] is None and item["meaning"] == []
    assert out["notes"] == [
        "pull request #7: its head ffffffffffff is not in this repository (fetch "
        "refs/pull/N/head); windows are read from the base, the diff is not shown"
    ]
    assert [i["change"] for i in out["items"]] == ["chg-m", "chg-a"]  # unknown window last


def test_bad_input_is_a_one_line_usage_error(tmp_path: Path) -> None:
    repo, _ = meeting_repo(tmp_path)
    not_json = tmp_path / "x.json"
    not_json.write_text("{", encoding="utf-8")
    other = tmp_path / "y.json"
    other.write_text('{"report": "calendar"}', encoding="utf-8")
    cases = {
        ("--results", str(not_json)): f"--results {not_json}: not JSON (",
        ("--results", str(other)): f"--results {other}: not an 'itsm policy check --format "
        "json' result (schema itsmcode/policy-decision/v1)",
        ("--ref", "nope"): "--ref nope: no such branch, tag or commit",
        ("--ref", "no\npe"): "--ref 'no\\npe': no such branch, tag or commit",
        ("--cab-team", "board"): "--cab-team board: no such team at HEAD",
        ("--date", "2027-02-30"): "--date 2027-02-30: not a date (YYYY-MM-DD)",
    }
    for args, message in cases.items():
        result = run_cli(["cab", "agenda", "--repo", str(repo.root), *args])
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("itsm: error: " + message), result.output
        assert len(result.output.splitlines()) == 1


def test_an_approved_pull_request_stays_on_the_agenda_as_approved(tmp_path: Path) -> None:
    repo = PRRepo(tmp_path / "r")
    repo.push({"changes/2027/chg-a.yaml": change("chg-a", services="[payments-api]")})
    code, data, _ = repo.check(reviews=repo.reviews(("bob", "APPROVED"), ("carol", "APPROVED")))
    assert code == 0
    stored = tmp_path / "pr-7.json"
    stored.write_text(json.dumps(data), encoding="utf-8")
    repo.git("checkout", "-q", "main")
    out = json.loads(agenda(repo, "--results", str(stored), "--format", "json"))
    assert [
        (i["change"], i["cabRules"], i["approved"], i["missingApprovals"]) for i in out["items"]
    ] == [("chg-a", ["tier-1"], True, [])]
    text = agenda(repo, "--results", str(stored))
    assert "   approvals: approved\n" in text


def test_a_rule_pooling_the_cab_with_others_counts(tmp_path: Path) -> None:
    pooled = POLICY.replace(
        "    - name: tier-1\n      when: {services: {tier: [1]}}\n"
        "      require: {teams: [cab], count: 1}\n",
        "    - name: tier-1\n      when: {services: {tier: [1]}}\n"
        "      require: {teams: [oncall, cab], count: 1}\n",
    )
    assert pooled != POLICY
    repo = PRRepo(tmp_path / "r", {POLICY_PATH: pooled})
    repo.push({"changes/2027/chg-a.yaml": change("chg-a", services="[payments-api]")})
    repo.git("checkout", "-q", "main")
    out = json.loads(agenda(repo, "--ref", "pr", "--format", "json"))
    assert [(i["change"], i["cabRules"]) for i in out["items"]] == [("chg-a", ["tier-1"])]
    assert out["items"][0]["missingApprovals"] == [
        "1 approval from team payments",
        "1 approval from any of team oncall, team cab",
    ]
    # The same pull request asks no CAB member when the board is another team.
    result = run_cli(
        [
            "cab",
            "agenda",
            "--repo",
            str(repo.root),
            "--date",
            "2027-02-01",
            "--ref",
            "pr",
            "--cab-team",
            "governance",
            "--format",
            "json",
        ]
    )
    assert json.loads(result.output)["items"] == []
